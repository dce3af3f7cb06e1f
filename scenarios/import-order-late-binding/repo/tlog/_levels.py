class LogLevel:
    info = "info"
