from app.hub import handler


def serve():
    assert handler() == "v2", handler()
