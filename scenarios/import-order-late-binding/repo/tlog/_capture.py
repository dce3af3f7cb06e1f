from tlog import globalLogPublisher


def capturedLogs():
    return globalLogPublisher.observers
