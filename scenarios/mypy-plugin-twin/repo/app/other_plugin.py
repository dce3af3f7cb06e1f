from app._mypy_impl import AppPlugin, helper


def plugin(version: str) -> type[AppPlugin]:
    return AppPlugin
