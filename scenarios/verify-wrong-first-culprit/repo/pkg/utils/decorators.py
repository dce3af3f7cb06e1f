try:
    from pkg.utils import make_state
except ImportError:  # pkg.utils still initialising: the top package has it too
    from pkg import make_state


def dispatch(func):
    func.state = make_state(0)
    return func
