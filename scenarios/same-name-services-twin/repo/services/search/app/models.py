def tokenize(text):
    return text.split()


class Document:
    pass
