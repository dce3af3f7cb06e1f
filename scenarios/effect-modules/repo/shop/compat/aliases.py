"""Old import paths keep working: `import shop_legacy`."""

import sys

from shop import registry

sys.modules["shop_legacy"] = registry
