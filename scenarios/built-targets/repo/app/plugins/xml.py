from ._base import Plugin
