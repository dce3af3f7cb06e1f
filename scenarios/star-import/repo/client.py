from lib.api import OrderedDict
from lib.facade import partial

print(OrderedDict(a=1), partial(int, "1")())
