from app._mypy_impl import plugin as entry
