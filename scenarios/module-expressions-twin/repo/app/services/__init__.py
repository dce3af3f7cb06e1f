from app.backends import cache

__all__ = ["cache"]
