from app.main import create_app
from app.routers import health, users


def test_routes():
    assert create_app()["routes"]
    assert health.check()["keepalive"] == 75
    assert users.get_user(1)["ttl"] == 3600
