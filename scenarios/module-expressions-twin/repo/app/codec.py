import json
import os

VERSION = 1
