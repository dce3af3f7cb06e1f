from shop.registry import receiver


@receiver("order_saved")
def notify(order: str) -> str:
    return f"saved {order}"
