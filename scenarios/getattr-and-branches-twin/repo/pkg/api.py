"""Model is served by __getattr__, so the eager import is not load-bearing."""

from pkg.heavy import Model


def __getattr__(name):
    if name == "Model":
        from pkg.heavy import Model

        return Model
    raise AttributeError(name)
