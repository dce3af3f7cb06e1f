class User:
    pass


class Group:
    pass


class Role:
    pass


class Team:
    pass
