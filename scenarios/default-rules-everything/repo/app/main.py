import os
import sys
from app.settings import KEEPALIVE, DEBUG


def create_app():
    return {"debug": False}
