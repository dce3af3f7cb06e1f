from textwrap import dedent

VERSION = 1
