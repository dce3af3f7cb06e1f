from app.compat import thing
from app.hub import handler
from app.types import Sequence


def health():
    from app.main import KEEPALIVE

    assert handler() == "v2"
    return {"keepalive": KEEPALIVE, "thing": thing(), "seq": Sequence}
