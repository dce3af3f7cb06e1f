from app.compat import dumps


def respond(data):
    return dumps(data)
