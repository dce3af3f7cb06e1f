# Django-style settings: handlers are named by dotted strings and loaded at runtime.
EVENT_HANDLERS = ["app.api.fnmatch", "app.api.handle"]
