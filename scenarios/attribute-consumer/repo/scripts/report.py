import app.settings
import app.settings as cfg


def render(data):
    return app.settings.json.dumps(data)


def where():
    return cfg.Path("reports")
