"""One table of safefix's options: the command line's flags and `safefix.run()`'s keywords
both become `Options` here, so that neither can offer what the other lacks (they had drifted
when each built `Options` itself). tests/test_options.py holds both to the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safefix.types import Mode, Options, OutputFormat, RestoreWith, RuffOptions

if TYPE_CHECKING:
    from safefix.config import CliChoices

#: ruff's settings safefix passes on: lists of values, then single values.
RUFF_LISTS = (
    "select",
    "extend_select",
    "ignore",
    "extend_ignore",
    "fixable",
    "extend_fixable",
    "unfixable",
    "config",
)
RUFF_VALUES = ("unsafe_fixes", "preview", "isolated", "target_version", "force_exclude")
#: How a run behaves and reports (fields of `Options` of the same name).
RUN_VALUES = (
    "exit_zero",
    "exit_non_zero_on_fix",
    "no_cache",
    "quiet",
    "silent",
    "verbose",
    "fix_only",
    "show_fixes",
    "statistics",
    "contracts_only",
)
#: Set here or by `[tool.safefix]` (the command line wins where it says something).
CHOICES = (
    "restore_with",
    "verify",
    "verify_cmd",
    "trust_config",
    "verify_timeout",
    "import_timeout",
)
#: Values that need a conversion, and the two switches that choose the mode.
CONVERTED = ("project_root", "output_format")
MODES = ("diff", "check")
#: Every option of a run, by its keyword (the CLI flag with `_` for `-`).
NAMES = (*RUFF_LISTS, *RUFF_VALUES, *RUN_VALUES, *CHOICES, *CONVERTED, *MODES)
#: The CLI's flags that are no option of a run: they make the CLI do something else (watch,
#: ask ruff a question, read an editor's text) or are accepted for ruff's sake only.
CLI_ONLY = frozenset(
    {
        "paths",
        "fix",
        "no_fix",
        "watch",
        "show_files",
        "show_settings",
        "stdin_filename",
        "output_file",
    }
)


@dataclass(frozen=True)
class Built:
    """A run's options, and what it chose of the settings `[tool.safefix]` may also set."""

    options: Options
    restore_with: RestoreWith | None
    verify: bool | None
    verify_cmd: str | None
    trust_config: bool = False
    verify_timeout: float | None = None
    import_timeout: float | None = None

    def choices(self) -> CliChoices:
        """What the command line (or the caller) chose, for `[tool.safefix]` to complete."""
        from safefix.config import CliChoices

        return CliChoices(
            self.restore_with,
            self.verify,
            self.verify_cmd,
            self.trust_config,
            self.verify_timeout,
            self.import_timeout,
        )


def build(
    values: Mapping[str, Any],
    *,
    paths: Sequence[str | Path],
    cwd: Path,
    extra: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> Built:
    """`Options` from the table's values (a missing or None value is the default)."""
    given = {name: values.get(name) for name in NAMES}
    mode = Mode.CHECK if given["check"] else Mode.DIFF if given["diff"] else Mode.FIX
    ruff_values: dict[str, Any] = {name: tuple(given[name] or ()) for name in RUFF_LISTS}
    ruff_values.update({name: given[name] for name in ("unsafe_fixes", "preview")})
    ruff = RuffOptions(
        **ruff_values,
        target_version=given["target_version"],
        isolated=bool(given["isolated"]),
        force_exclude=bool(given["force_exclude"]),
        extra=tuple(extra),
    )
    run: dict[str, Any] = {name: bool(given[name]) for name in RUN_VALUES}
    run["show_fixes"] = given["show_fixes"]
    run["quiet"] = run["quiet"] or run["silent"]
    root, chosen = given["project_root"], given["output_format"]
    options = Options(
        paths=tuple(Path(p) for p in paths) or (Path("."),),
        cwd=cwd,
        ruff=ruff,
        mode=mode,
        project_root=(cwd / root).absolute() if root is not None else None,
        output_format=OutputFormat(str(chosen).lower()) if chosen else None,
        progress=progress,
        **run,
    )
    restore = given["restore_with"]
    return Built(
        options,
        RestoreWith(str(restore).lower()) if restore else None,
        given["verify"],
        given["verify_cmd"],
        bool(given["trust_config"]),
        given["verify_timeout"],
        given["import_timeout"],
    )
