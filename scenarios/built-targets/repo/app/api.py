from app.clients import fetch, retry, timeout


def handler():
    return "ok"
