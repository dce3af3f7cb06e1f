from app.text import tokenize


class Invoice:
    pass
