from datetime import datetime

VERSION = 1
