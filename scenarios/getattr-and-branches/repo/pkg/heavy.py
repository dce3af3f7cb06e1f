class Model:
    pass


class Trainer:
    pass
