import json


def load():
    return 1
