"""The plugin's implementation; mypy finds it through `app.mypy_plugin.plugin`."""


class AppPlugin:
    """Stands for a `mypy.plugin.Plugin` subclass (mypy is not needed to run the project)."""


def plugin(version: str) -> type[AppPlugin]:
    return AppPlugin


def helper() -> str:
    return "helper"
