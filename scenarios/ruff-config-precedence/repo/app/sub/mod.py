from typing import Callable
import json


def helper(fn: Callable[[], None]) -> None:
    fn()
