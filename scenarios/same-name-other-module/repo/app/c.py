import app.b
from app.b import helper


def both():
    return helper(), app.b.helper()
