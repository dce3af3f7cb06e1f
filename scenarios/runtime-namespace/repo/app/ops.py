import os

from app.core import add_raw, mul_raw, sub_raw

_METHODS = {
    "__add__": "return Number(add_raw(self.v, other.v))",
    "__mul__": "return Number(mul_raw(self.v, other.v))",
}


class Number:
    def __init__(self, v: int) -> None:
        self.v = v


def _build() -> None:
    for name, body in _METHODS.items():
        namespace: dict[str, object] = {}
        exec(f"def method(self, other):\n    {body}\n", globals(), namespace)
        setattr(Number, name, namespace["method"])


_build()


def check() -> None:
    assert (Number(2) + Number(3)).v == 5
    assert (Number(2) * Number(3)).v == 6
