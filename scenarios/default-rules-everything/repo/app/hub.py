from app.v1 import handler
from app.v2 import handler
