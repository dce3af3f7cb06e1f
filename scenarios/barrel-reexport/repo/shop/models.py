class Order:
    pass


class Customer:
    pass
