from app.testing.fixtures import user
