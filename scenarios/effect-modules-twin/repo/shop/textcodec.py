import codecs

try:
    import ujson as json
except ImportError:
    import json


def register() -> None:
    codecs.register(lambda name: None)
    json.dumps(name)
