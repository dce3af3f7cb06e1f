"""A logger package whose _capture module imports a name of the package bound just before it."""

from ._levels import LogLevel
from ._global import globalLogPublisher
from ._capture import capturedLogs

__all__ = ["LogLevel", "capturedLogs", "globalLogPublisher"]
