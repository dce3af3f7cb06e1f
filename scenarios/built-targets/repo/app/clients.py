def fetch():
    return "real"


def retry():
    return "real"


def timeout():
    return "real"
