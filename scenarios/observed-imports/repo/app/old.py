import warnings


def __getattr__(name: str) -> int:
    if name == "OLD_NAME":
        warnings.warn("OLD_NAME is deprecated", DeprecationWarning, stacklevel=2)
        return 1
    if name == "FUTURE_NAME":
        warnings.warn("FUTURE_NAME will change", FutureWarning, stacklevel=2)
        return 2
    raise AttributeError(name)
