import logging

from app.policies import retry

log = logging.getLogger(__name__)
retry_log = logging.getLogger(f"{__name__}.retry")


def call():
    retry_log.info("calling")
    return True
