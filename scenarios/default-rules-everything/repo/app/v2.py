def handler():
    return "v2"
