from app.util import helper
