def price(order):
    return 10
