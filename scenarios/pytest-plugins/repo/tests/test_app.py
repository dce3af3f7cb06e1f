def test_db(db: dict[str, bool]) -> None:
    assert db["connected"]


def test_client(client: str) -> None:
    assert client == "client"


def test_user(user: dict[str, str]) -> None:
    assert user["name"] == "ada"
