from app.db import connect
