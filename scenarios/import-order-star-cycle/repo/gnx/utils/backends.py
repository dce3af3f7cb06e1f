from .decorators import py_random_state

__all__ = ["dispatch"]


@py_random_state
def dispatch(state, name):
    return (state, name)
