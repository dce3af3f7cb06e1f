import logging


def get_logger(name):
    return logging.getLogger(name)


def quiet():
    logging.getLogger("app.api.retry").setLevel(logging.ERROR)
    get_logger("app.api.retry").info("quiet")
    return True
