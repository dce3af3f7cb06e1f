import re

from core.text import slugify


class Product:
    def __init__(self, title):
        self.title = title
