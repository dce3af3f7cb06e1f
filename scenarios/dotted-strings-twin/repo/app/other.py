import json
from os import getcwd

PAYLOAD = json.dumps({"cwd": getcwd()})
