from app.plugins._base import Plugin


def other():
    return "other"
