from pkg.utils.decorators import dispatch

__all__ = ["dispatch"]
