import base64
import hashlib

VERSION = 1
