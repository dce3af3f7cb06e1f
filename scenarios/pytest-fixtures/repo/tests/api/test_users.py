class TestUsers:
    def test_name(self, user: dict[str, str]) -> None:
        assert user["name"] == "ada"
