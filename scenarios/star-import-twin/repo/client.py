from lib.api import VERSION, make
from lib.shapes import Dict

print(VERSION, make()(), Dict())
