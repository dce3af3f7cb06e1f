def make_state(seed):
    return [seed]
