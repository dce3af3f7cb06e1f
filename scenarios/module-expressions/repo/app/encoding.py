import base64

VERSION = 1
