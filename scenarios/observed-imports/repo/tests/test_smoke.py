def test_import_tz() -> None:
    import app.tz
