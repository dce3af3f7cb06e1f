UTC = "UTC"
LOCAL = "local"
