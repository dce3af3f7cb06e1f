import time
import json


def stamp(event):
    return json.dumps({"t": time.time(), "event": event})
