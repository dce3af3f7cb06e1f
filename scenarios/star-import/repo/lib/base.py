from collections import OrderedDict
from functools import partial, reduce
from itertools import chain
