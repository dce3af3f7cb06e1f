import logging

VERSION = "1.0"


class AuditHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        pass


def build_model(size: int = 1) -> list[int]:
    return [0] * size


def application(environ: dict[str, str], start_response: object) -> list[bytes]:
    return [b"ok"]


def make_filter() -> logging.Filter:
    return logging.Filter()
