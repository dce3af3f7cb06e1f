from collections.abc import Callable, Sequence

Handler = Callable[[str], None]
Names = Sequence[str]
