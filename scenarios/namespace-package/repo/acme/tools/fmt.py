import re

from acme.tools.base import Formatter
