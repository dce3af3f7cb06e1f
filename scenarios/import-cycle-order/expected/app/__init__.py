# Order matters: app.addons does `from app import Core` while app is still initialising.
from app.core import Core

# isort: split
from app.addons import addon
