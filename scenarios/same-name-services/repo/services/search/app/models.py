import json

from app.text import tokenize


class Document:
    pass
