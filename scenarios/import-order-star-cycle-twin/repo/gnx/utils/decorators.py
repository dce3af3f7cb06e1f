from gnx.utils.misc import create_random_state

__all__ = ["py_random_state"]


def py_random_state(func):
    def wrapped(*args):
        return func(create_random_state(), *args)

    return wrapped
