from shop.api import Order


def invoice(order: Order) -> str:
    return f"invoice for {order!r}"
