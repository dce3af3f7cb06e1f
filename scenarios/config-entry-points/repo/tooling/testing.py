import os
from tooling.csvplugin import CsvPlugin as plugin_hook
