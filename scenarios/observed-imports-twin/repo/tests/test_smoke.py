def test_utc() -> None:
    import app.tz

    assert "UTC" == "UTC"
