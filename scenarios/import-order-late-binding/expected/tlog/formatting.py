import json
import time


def stamp(event):
    return json.dumps({"t": time.time(), "event": event})
