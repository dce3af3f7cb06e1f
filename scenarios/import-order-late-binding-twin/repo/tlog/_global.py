class LogPublisher:
    def __init__(self):
        self.observers = []


globalLogPublisher = LogPublisher()
