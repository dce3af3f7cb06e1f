from app.api import Model, create


def view():
    return Model, create()
