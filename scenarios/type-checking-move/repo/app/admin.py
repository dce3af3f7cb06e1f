from app.service import Group


def new_group():
    return Group()
