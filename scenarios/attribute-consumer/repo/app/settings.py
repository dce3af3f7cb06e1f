import json
import logging
from pathlib import Path

DEBUG = False
