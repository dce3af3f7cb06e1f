"""Each check runs in a fresh interpreter: the runtime check imports every module of the
project first, which would run every effect these imports exist for."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str) -> None:
    run = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=ROOT, capture_output=True
    )
    assert run.returncode == 0, run.stderr.decode()


def ready_connects_handlers() -> None:
    fresh(
        "from shop.apps import ShopConfig; ShopConfig().ready()\n"
        "from shop.registry import HANDLERS; assert HANDLERS['order_saved']"
    )


def plugins_register() -> None:
    fresh("from shop import exporters; assert exporters.names() == ['CsvExporter']")


def legacy_path_exists() -> None:
    fresh("import shop.boot; import shop_legacy")


def codec_is_registered() -> None:
    fresh("from shop import text; assert text.encode('abc') == 'nop'")
