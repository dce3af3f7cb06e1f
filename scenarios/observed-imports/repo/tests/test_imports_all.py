def test_import_all() -> None:
    from app.tz import LOCAL, UTC

    names = locals()
    for name in ("UTC", "LOCAL"):
        assert names[name]
