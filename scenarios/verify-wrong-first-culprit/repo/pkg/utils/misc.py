from pkg.state import make_state

__all__ = ["make_state"]
