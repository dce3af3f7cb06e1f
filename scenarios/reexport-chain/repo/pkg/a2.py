from .b import other
