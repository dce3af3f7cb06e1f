class ShopConfig:
    name = "shop"
    is_ready = False

    def ready(self) -> None:
        from . import signals

        self.is_ready = True
