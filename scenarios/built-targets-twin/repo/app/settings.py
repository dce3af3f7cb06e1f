def fetch():
    return "settings"
