import sys
import os
from app.sub.mod import Callable, helper
