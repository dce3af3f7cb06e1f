from app.plugins._base import Plugin
