"""What Django's settings loader does: import the module, take its UPPERCASE names."""

import importlib
import os

REQUIRED = ("DEBUG", "SECRET_KEY", "TIME_ZONE")


def load_settings(name: str | None = None) -> dict[str, object]:
    module = importlib.import_module(name or os.environ["DJANGO_SETTINGS_MODULE"])
    found = {key: getattr(module, key) for key in dir(module) if key.isupper()}
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        raise RuntimeError(f"{module.__name__} lacks {missing}")
    return found


def check_production() -> None:
    assert "LOGGING" in load_settings("site_config.settings.production")


def check_testing() -> None:
    load_settings("site_config.settings.testing")
