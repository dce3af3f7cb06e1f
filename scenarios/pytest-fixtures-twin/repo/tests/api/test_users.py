class TestUsers:
    def test_name(self) -> None:
        assert "ada"
