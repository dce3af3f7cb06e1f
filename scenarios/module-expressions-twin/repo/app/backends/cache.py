from collections import OrderedDict

VERSION = 1
