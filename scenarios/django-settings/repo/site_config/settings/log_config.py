LOGGING = {"version": 1}
