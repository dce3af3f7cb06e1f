class LogEntry:
    pass
