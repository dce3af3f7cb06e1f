from pathlib import Path


def test_connected(tmp_path: Path) -> None:
    assert tmp_path.exists()
