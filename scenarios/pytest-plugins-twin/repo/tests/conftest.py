from app.testing.fixtures import configure_markers

pytest_plugins = ["app.testing.user_plugin"]
