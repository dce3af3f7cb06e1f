B0 = 0
from pkg.reg import R  # noqa: E402

B = R + B0
