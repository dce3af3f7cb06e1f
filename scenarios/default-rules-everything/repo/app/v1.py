def handler():
    return "v1"
