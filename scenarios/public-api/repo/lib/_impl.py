class Engine:
    pass


class Helper:
    pass


class Plugin:
    pass


class Unused:
    pass
