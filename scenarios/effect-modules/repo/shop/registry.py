"""A tiny plugin and signal registry: what Django's admin and signals do, without Django."""

PLUGINS: dict[str, type] = {}
HANDLERS: dict[str, list[object]] = {}


def register(cls: type) -> type:
    PLUGINS[cls.__name__] = cls
    return cls


def receiver(signal: str):  # noqa: ANN201
    def connect(func):  # noqa: ANN001, ANN202
        HANDLERS.setdefault(signal, []).append(func)
        return func

    return connect
