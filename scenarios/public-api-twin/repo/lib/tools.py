from pathlib import Path

__all__ = ["tool"]


def tool():
    return "tool"
