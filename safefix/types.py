"""Every value passed between safefix's stages, on one screen.

Stages hand each other frozen dataclasses so that a reader sees the whole data model here,
and so that results stay picklable for worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from pathlib import Path

#: Where a module-level binding lives: () is the module body; each segment names one
#: enclosing arm, e.g. ("try",), ("except ImportError",), ("if sys.platform == 'win32'",).
Branch = tuple[str, ...]

#: The branch segment for `if TYPE_CHECKING:` bodies; bindings below it do not exist at runtime.
TYPE_CHECKING_SEGMENT = "if TYPE_CHECKING"


class ExitCode(IntEnum):
    """Process exit codes; the first three mean what they mean for `ruff check --fix`."""

    OK = 0
    VIOLATIONS = 1
    ERROR = 2
    #: Some files were left alone (changed on disk while safefix ran, or could not be fixed safely).
    NOT_WRITTEN = 3


class Mode(str, Enum):
    FIX = "fix"
    DIFF = "diff"
    #: `safefix check`: fix nothing, report the import contracts nothing protects.
    CHECK = "check"


class Flow(str, Enum):
    """How ruff made its first fixes (`flows.py`); the JSON report names the one that ran."""

    #: ruff's lint in place, then a fix of copies of the fixable files among empty stand-ins.
    LINT_THEN_FIX = "lint-then-fix"
    #: One fix of a full copy of the tree (no cache, and a sample says many files are fixable).
    ONE_PASS = "one-pass"
    #: After a warm lint that finds a few fixable files: each fixed from stdin, in the tree.
    STDIN = "stdin"


class RestoreWith(str, Enum):
    """How a load-bearing import is protected from the next `ruff --fix`."""

    AUTO = "auto"
    NOQA = "noqa"
    ALL = "all"


class OutputFormat(str, Enum):
    """ruff's formats (rendered by ruff, safefix's notes added), and safefix's own views."""

    FULL = "full"
    CONCISE = "concise"
    GROUPED = "grouped"
    JSON = "json"
    JSON_LINES = "json-lines"
    JUNIT = "junit"
    GITLAB = "gitlab"
    PYLINT = "pylint"
    RDJSON = "rdjson"
    AZURE = "azure"
    GITHUB = "github"
    SARIF = "sarif"
    #: safefix's own: one line per finding; its versioned JSON report; a pull-request body.
    TEXT = "text"
    SAFEFIX_JSON = "safefix-json"
    MARKDOWN = "markdown"


class ConsumerKind(str, Enum):
    """How a consumer names `module.NAME`; every kept import reports the kinds that kept it."""

    FROM_IMPORT = "from-import"  # from M import NAME, at any depth
    ATTRIBUTE = "attribute"  # import M; M.NAME
    STAR_IMPORT = "star-import"  # from M import *, then NAME used or re-exported
    STRING = "string"  # "M.NAME" or "M:NAME" in code: mock.patch, plugin lists, settings
    GETATTR = "getattr"  # getattr(M, "NAME"), patch.object(M, "NAME"), monkeypatch.setattr
    ENTRY_POINT = "entry-point"  # [project.scripts] and friends, setup.cfg entry points
    CONFIG = "config"  # a M:NAME or M.NAME string in a tool's configuration
    DOCTEST = "doctest"  # >>> lines in docstrings and documentation files
    GLOBALS = "module-globals"  # skipif("not HAS_X"), globals()["NAME"], eval("NAME")
    UNPARSED = "unparsed-file"  # a file that does not parse and mentions the name
    UNREADABLE = "unreadable"  # a file or directory safefix cannot read: it may consume anything
    PYTEST_FIXTURE = "pytest-fixture"  # a fixture pytest finds by the parameter that asks for it
    TYPE_COMMENT = "type-comment"  # x = []  # type: List[int] (type checkers read it)
    PUBLIC_API = "public-api"  # __all__ lists NAME (re-exported by `from .sub import *`)
    PYTEST_PLUGIN = "pytest-plugin"  # a hook or fixture of a conftest.py or declared plugin
    DJANGO_SETTINGS = "django-settings"  # an UPPERCASE name of a DJANGO_SETTINGS_MODULE
    MYPY_PLUGIN = "mypy-plugin"  # the `plugin` entry of a module [tool.mypy] plugins names
    SUBMODULE = "submodule"  # import pkg; pkg.sub.X, where some other import set pkg.sub
    NOTEBOOK = "notebook"  # the code cells of a Jupyter notebook (.ipynb)
    SCRIPT = "script"  # a file without a suffix whose #! line runs python
    DOC_DIRECTIVE = "doc-directive"  # .. autofunction:: M.NAME, mkdocstrings ::: M.NAME
    DOC_CODE = "doc-code"  # .. testcode:: / .. testsetup:: blocks, ```python fences in docs
    CODE_STRING = "code-string"  # Python code in a string: python -c "...", timeit(setup=...)
    MEMBERS = "module-members"  # dir(M), vars(M), inspect.getmembers(M): every public name
    EFFECT = "effect"  # not a consumer: the import ran an effect module (see Removal.effect)


class Verdict(str, Enum):
    KEEP = "keep"
    REMOVE = "remove"


@dataclass(frozen=True)
class Binding:
    """One module-level name binding, with the statement that made it."""

    name: str
    branch: Branch
    runtime: bool
    line: int
    col: int
    end_line: int
    #: "import" for import statements, "def", "class" or "assign" otherwise.
    kind: str
    #: Source text of the binding statement (first line for compound statements).
    statement: str
    #: What an import binds, as `module:attr` (or the module, for `import m`); None otherwise.
    source: str | None = None


@dataclass(frozen=True)
class Removal:
    """A runtime binding that ruff's fixes took away from one branch of a module."""

    path: Path
    module: str
    name: str
    line: int
    col: int
    branch: Branch
    kind: str
    statement: str
    #: Why the import matters even with no consumer (it is the assertion, or a probe).
    effect: str | None = None
    #: The module's `__getattr__` still serves the name: consumers keep working without it.
    lazy: bool = False
    #: The modules the import ran that the file's remaining imports no longer run (dotted,
    #: relative ones with their dots: `..pkg.sub`); empty for what is not an import.
    runs: tuple[str, ...] = ()
    #: False when the name stays bound (an import in a function, `import pkg.sub` beside
    #: `import pkg`): only what the import ran can make it matter, never the name's consumers.
    bound: bool = True
    #: Still bound for type checkers: the fix moved it under `if TYPE_CHECKING:` (TC00x), so
    #: a consumer that is itself typing-only keeps its meaning.
    typed: bool = False


@dataclass(frozen=True)
class Consumer:
    """A place that needs `module.name` to exist at runtime."""

    path: Path
    line: int
    module: str
    name: str
    kind: ConsumerKind
    text: str
    #: Under `if TYPE_CHECKING:`: needed by type checkers, not at runtime.
    typing_only: bool = False


@dataclass(frozen=True)
class PythonScan:
    """Everything one Python file consumes, as the kinds found it (cached per file)."""

    consumers: tuple[Consumer, ...] = ()
    #: Absolute names of the project modules this file star-imports.
    star_imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class Protection:
    """Keep `name`, bound by the import statement starting at (line, col) of the original."""

    line: int
    col: int
    name: str
    #: Rule codes for the noqa comment; empty while they are not known yet.
    codes: frozenset[str] = frozenset()
    via_all: bool = False


@dataclass(frozen=True)
class Decision:
    removal: Removal
    verdict: Verdict
    reason: str
    consumers: tuple[Consumer, ...] = ()
    #: How the binding was kept, e.g. "noqa: F401" or "__all__"; None when removed.
    restored_with: str | None = None
    #: Where the kept import stands in the file safefix writes (None when removed).
    kept_line: int | None = None


@dataclass(frozen=True)
class OrderFailure:
    """`from module import name`, run by `importer` while `module` was still initialising and
    before it bound `name`: the ImportError a circular import raises (`import_order.py`)."""

    module: str
    name: str
    importer: str
    #: The line of the failing import statement in `importer`.
    line: int
    #: The modules initialising at that moment, outermost first, each with the line it runs.
    stack: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class KeptOrder:
    """Import order safefix kept in a file, because the fixed order fails to import."""

    #: Where the order was kept: the statement that must run first, in the written file.
    line: int
    module: str
    name: str
    importer: str
    #: How: "isort: split" (the rest of the block is still sorted) or "unchanged".
    how: str
    #: The line of the original file that bound `name` in time.
    bound_line: int | None = None


@dataclass(frozen=True)
class Fixed:
    """One file as ruff's first fixes left it, before safefix looks at what they removed."""

    path: Path
    before: bytes
    after: bytes
    #: Fixes applied, as {rule code: count}.
    fixes: Mapping[str, int]
    #: Why the file is left as it is (changed on disk while ruff fixed its copy, say).
    error: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    """A violation ruff still reports after fixing."""

    path: Path
    line: int
    col: int
    code: str
    message: str
    #: The notebook cell the line and column count in, for `.ipynb` files.
    cell: int | None = None


@dataclass(frozen=True)
class RuffOptions:
    """ruff's own selection and configuration flags, passed through verbatim."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    fixable: tuple[str, ...] = ()
    extend_fixable: tuple[str, ...] = ()
    unfixable: tuple[str, ...] = ()
    unsafe_fixes: bool | None = None
    preview: bool | None = None
    #: `--config` values: a path to a config file, or an inline `KEY = VALUE` override.
    config: tuple[str, ...] = ()
    isolated: bool = False
    target_version: str | None = None
    force_exclude: bool = False
    #: Everything after `--` on safefix's command line.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Options:
    paths: tuple[Path, ...]
    cwd: Path
    ruff: RuffOptions = field(default_factory=RuffOptions)
    mode: Mode = Mode.FIX
    restore_with: RestoreWith = RestoreWith.AUTO
    project_root: Path | None = None
    #: None: the format ruff would use (its flag, RUFF_OUTPUT_FORMAT, output-format, `full`).
    output_format: OutputFormat | None = None
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False
    #: Import every module before and after, in fresh interpreters; take back what breaks.
    verify: bool = False
    #: A command (e.g. "pytest -x -q") that must pass after the fix wherever it passed before.
    verify_cmd: str | None = None
    #: Seconds each run of the verify command may take, and each module's import under
    #: `--verify`; past them the process group is killed and the run counts as failed.
    verify_timeout: float = 600.0
    import_timeout: float = 20.0
    #: `module:name` globs whose imports are always kept ([tool.safefix] keep).
    keep: tuple[str, ...] = ()
    #: Extra directories searched for consumers, and globs of paths never searched.
    consumer_roots: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Configuration warnings, reported with the run.
    warnings: tuple[str, ...] = ()
    #: Neither ruff's cache nor safefix's index cache is read or written (as `ruff --no-cache`).
    no_cache: bool = False
    #: Text output: only errors (quiet), or every consumer and removal (verbose).
    quiet: bool = False
    verbose: bool = False
    #: Nothing on stdout (ruff's -s); errors still on stderr, the exit code as usual.
    silent: bool = False
    #: ruff's --fix-only (fix; neither report nor exit 1 for what remains), --show-fixes
    #: (None: as ruff's `show-fixes` setting) and --statistics (counts per rule of what remains).
    fix_only: bool = False
    #: `safefix check`: only the import contracts, not ruff's lint as well.
    contracts_only: bool = False
    show_fixes: bool | None = None
    statistics: bool = False
    #: An editor's text of `paths[0]` (`--stdin-filename`): fixed and printed, never written.
    stdin: bytes | None = field(default=None, repr=False)
    #: Called with a short status line as stages start (the CLI shows it on a terminal).
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Finding:
    """A contract `safefix check` found broken or unprotected, with the consumers relying on it."""

    path: Path
    line: int
    #: "unprotected", "fallback" or "missing".
    code: str
    message: str
    consumers: tuple[Consumer, ...] = ()


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    before: bytes
    after: bytes
    decisions: tuple[Decision, ...] = ()
    #: Fixes ruff applied to this file that safefix kept, as (rule code, count) pairs.
    fixes: tuple[tuple[str, int], ...] = ()
    error: str | None = None
    written: bool = False
    #: The error is safefix's own: an exception while handling this file (`failures.py`).
    failed: bool = False
    #: Import orders kept because the fixed order would fail to import (`keep_order.py`).
    orders: tuple[KeptOrder, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def kept(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.verdict is Verdict.KEEP)


@dataclass(frozen=True)
class RunResult:
    outcomes: tuple[FileOutcome, ...]
    remaining: tuple[Diagnostic, ...]
    ruff_version: str
    root: Path
    mode: Mode
    #: How ruff made its first fixes; None when its lint in place found nothing to fix.
    flow: Flow | None = None
    #: Things worth saying that are not errors (modules that did not import even before).
    notes: tuple[str, ...] = ()
    #: `safefix check` only.
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """What `safefix why MODULE:NAME` found."""

    module: str
    name: str
    files: tuple[Path, ...]
    consumers: tuple[Consumer, ...]
