class Dict(dict):
    """The package's own Dict: the later star import binds it over typed's."""
