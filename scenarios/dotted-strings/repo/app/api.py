import json
from os import getcwd
from urllib.parse import urlparse
from textwrap import dedent, indent
from fnmatch import fnmatch
from shlex import quote
from base64 import b64encode


def handle():
    return "ok"
