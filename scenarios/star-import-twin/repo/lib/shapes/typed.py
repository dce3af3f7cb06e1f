from typing import Dict

WIDTH = 1
