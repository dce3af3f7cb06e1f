def retry(fn):
    return fn
