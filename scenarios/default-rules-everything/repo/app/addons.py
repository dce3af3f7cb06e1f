from app import Core


def addon():
    return Core()
