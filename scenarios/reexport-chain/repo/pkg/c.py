def thing():
    return "thing"


def other():
    return "other"
