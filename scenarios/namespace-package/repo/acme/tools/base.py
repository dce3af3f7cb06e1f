class Formatter:
    def format(self, text):
        return text.strip()
