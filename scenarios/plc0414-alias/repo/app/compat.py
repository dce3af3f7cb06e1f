# the `x as x` spelling marks an intended re-export, but only in __init__.py does ruff honour it
from app.impl import thing as thing
from app.impl import other as other
