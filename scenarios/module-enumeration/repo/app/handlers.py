def greet():
    return "hello"


def farewell():
    return "bye"


def cleanup():
    return "clean"


def rebuild():
    return "rebuilt"
