from .c import thing, other
