import os
import sys
from collections import OrderedDict, defaultdict


def main():
    return defaultdict(list)
