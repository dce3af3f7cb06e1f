import json
from os import getcwd
