from tlog._global import globalLogPublisher


def capturedLogs():
    return globalLogPublisher.observers
