import os
from typing import Dict

CACHE: Dict[str, int] = {}
