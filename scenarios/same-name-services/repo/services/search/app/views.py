from app.models import Document, tokenize


def index(text):
    return Document(), tokenize(text)
