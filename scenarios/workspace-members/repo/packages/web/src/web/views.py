from core.models import Product, slugify


def product_url(title):
    return "/p/" + slugify(Product(title).title)


def home():
    return product_url("Front Page")
