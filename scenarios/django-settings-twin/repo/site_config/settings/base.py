DEBUG = False
SECRET_KEY = "not-a-secret"
TIME_ZONE = "UTC"
