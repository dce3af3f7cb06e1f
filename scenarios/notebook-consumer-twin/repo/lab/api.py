import os

from lab.plots import histogram
from lab.stats import mean
