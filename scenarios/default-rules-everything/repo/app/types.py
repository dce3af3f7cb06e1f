from typing import Callable, Sequence

Handler = Callable[[str], None]
Names = Sequence[str]
