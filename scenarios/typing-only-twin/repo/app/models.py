from app.db import Session
