R = 1
from pkg.b import B0  # noqa: E402

TOTAL = R + B0
