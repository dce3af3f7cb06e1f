from pkg.a import A
from pkg.b import B

__all__ = ["A", "B"]
