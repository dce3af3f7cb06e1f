from app.clients import fetch, retry


def handler():
    return "ok"
