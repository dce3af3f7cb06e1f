"""The index cache (.safefix_cache): cold, warm and after edits, a run sees the same consumers."""

from __future__ import annotations

from pathlib import Path

from support import SCENARIOS, safefix

from safefix import cache_store
from safefix.cache import CACHE_DIR_NAME, GITIGNORE, load

INCIDENT = SCENARIOS / "incident" / "repo"


def cached_files(project: Path) -> set[str]:
    (index,) = (project / CACHE_DIR_NAME).glob("*/*.cache")
    key = cache_store.user_key()
    assert key is not None
    return {str(Path(path).relative_to(project)) for path in load(index, key)}


def test_cache_is_created_and_ignores_itself(incident: Path) -> None:
    assert safefix(incident, "--diff").returncode == 1
    cache = incident / CACHE_DIR_NAME
    assert (cache / ".gitignore").read_text() == GITIGNORE
    # the files parsed for consumers are remembered, completely
    assert {"app/routers/health.py", "app/routers/users.py"} <= cached_files(incident)


def test_warm_run_reports_what_a_cold_run_does(incident: Path) -> None:
    cold = safefix(incident, "--diff", "--no-cache")
    first = safefix(incident, "--diff")
    warm = safefix(incident, "--diff")
    assert (cold.stdout, cold.stderr) == (first.stdout, first.stderr) == (warm.stdout, warm.stderr)
    assert "kept KEEPALIVE for app/routers/health.py:3" in warm.stderr


def test_consumer_added_after_a_cached_run_is_seen(incident: Path) -> None:
    first = safefix(incident, "--diff")
    assert "kept DEBUG" not in first.stderr
    assert "app/routers/health.py" in cached_files(incident)
    health = incident / "app/routers/health.py"
    text = health.read_text().replace("import KEEPALIVE\n", "import DEBUG, KEEPALIVE\n")
    health.write_text(text.replace('"keepalive": KEEPALIVE', '"keepalive": KEEPALIVE or DEBUG'))
    second = safefix(incident, "--diff")
    assert "app/main.py:13: kept DEBUG for app/routers/health.py:3" in second.stderr


def test_touched_file_with_the_same_content_stays_cached(incident: Path) -> None:
    safefix(incident, "--diff")
    health = incident / "app/routers/health.py"
    health.write_bytes(health.read_bytes())  # new mtime, same bytes
    again = safefix(incident, "--diff")
    assert "kept KEEPALIVE for app/routers/health.py:3" in again.stderr


def test_no_cache_writes_no_cache(incident: Path) -> None:
    assert safefix(incident, "--diff", "--no-cache").returncode == 1
    assert not (incident / CACHE_DIR_NAME).exists()


def test_unreadable_cache_is_ignored_and_rewritten(incident: Path) -> None:
    expected = safefix(incident, "--diff").stdout
    (index,) = (incident / CACHE_DIR_NAME).glob("*/*.cache")
    index.write_bytes(b"not a cache")
    assert safefix(incident, "--diff").stdout == expected
    assert cached_files(incident)


def test_cache_dir_from_the_environment(incident: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    proc = safefix(incident, "--diff", env={"SAFEFIX_CACHE_DIR": str(elsewhere)})
    assert proc.returncode == 1
    assert not (incident / CACHE_DIR_NAME).exists()
    assert list(elsewhere.glob("*/*.cache"))


def test_check_mode_warm_matches_cold(incident: Path) -> None:
    cold = safefix(incident, "check", "--no-cache")
    first = safefix(incident, "check")
    warm = safefix(incident, "check")
    assert (cold.returncode, cold.stdout) == (first.returncode, first.stdout)
    assert (first.returncode, first.stdout) == (warm.returncode, warm.stdout)
    assert cached_files(incident) >= {
        "app/main.py",
        "app/routers/health.py",
        "tests/test_routes.py",
    }
