class Owner:
    pass
