def work():
    from core.hub import BETA

    return BETA
