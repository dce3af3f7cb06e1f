def test_connected(db: dict[str, bool]) -> None:
    assert db["connected"]
