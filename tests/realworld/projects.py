"""The projects `make realworld` runs, pinned, each with why it is in the list.

Each project is its sdist (from PyPI, tests included), run from its own tree: the tree's import
root goes first on PYTHONPATH, so the code the tests import is the code the tools edited; the
pinned release is also installed in the project's venv, for its metadata and entry points
(pytest plugins) only.
"""

from __future__ import annotations

from dataclasses import dataclass

#: pytest for every project: one version, so outcomes differ by tree only.
PYTEST = "pytest==8.3.3"


@dataclass(frozen=True)
class Project:
    """One real project. `tests` are the pytest arguments naming what to run (a subset where
    the whole suite takes minutes on two cores; the same for every tree); `quick` is the
    smaller subset for `--quick` (empty: not in the quick run); `typed`: the wide selection
    adds F811 and TC; `why` maps a test id's prefix to why the import it lost was
    load-bearing, written after reading the failure (the harness finds the failures); `keeps`:
    (`path:name` prefix, verdict, evidence) for imports safefix keeps that no test shows
    consumed, read by hand (verdicts: audit.VERDICTS)."""

    name: str
    version: str
    shape: str
    requires: tuple[str, ...]
    tests: tuple[str, ...]
    pythonpath: str = "."
    pytest_args: tuple[str, ...] = ()
    typed: bool = False
    quick: tuple[str, ...] = ()
    why: tuple[tuple[str, str], ...] = ()
    keeps: tuple[tuple[str, str, str], ...] = ()

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


PROJECTS: tuple[Project, ...] = (
    Project(
        "click",
        "8.1.7",
        "library: `_compat.py` hub, public `__init__` re-exports, src/ layout",
        ("pytest==8.3.3",),
        ("tests",),
        pythonpath="src",
        typed=True,
        why=(
            (
                "tests.test_",
                'not an import: a wide-selection fix removed a duplicate `parametrize` case (`"cat "` twice; `"  [--------]"` twice), so those cases are no longer collected; safefix passes non-import fixes through as ruff makes them.',
            ),
        ),
    ),
    Project(
        "attrs",
        "24.2.0",
        "library: src/ layout, `_compat`, `__init__`/`attr` re-exports, typed",
        (PYTEST, "hypothesis==6.112.1", "pympler", "cloudpickle"),
        tuple(
            f"tests/test_{name}.py"
            for name in [
                "abc",
                "annotations",
                "cmp",
                "config",
                "converters",
                "filters",
                "hooks",
                "import",
                "init_subclass",
                "next_gen",
                "packaging",
                "pattern_matching",
                "setattr",
                "slots",
                "utils",
                "validators",
                "version_info",
            ]
        ),
        pythonpath="src",
        typed=True,
    ),
    Project(
        "jinja2",
        "3.1.4",
        "library: `__init__` re-exports, src/ layout, async variants",
        (PYTEST, "trio"),
        ("tests",),
        pythonpath="src",
        typed=True,
    ),
    Project(
        "requests",
        "2.32.3",
        "library: the `compat` hub other modules import from; doctests; src/ layout",
        (PYTEST, "pytest-httpbin==2.0.0", "httpbin==0.10.2", "trustme", "pytest-mock", "PySocks"),
        (
            "tests/test_utils.py",
            "tests/test_structures.py",
            "tests/test_hooks.py",
            "tests/test_help.py",
            "tests/test_packages.py",
            "tests/test_adapters.py",
            "tests/test_lowlevel.py",
            "src/requests",
        ),
        pythonpath="src",
        keeps=(
            (
                "src/requests/compat.py:55",
                "consumed",
                "the `try:` arm of `try: from simplejson import JSONDecodeError / except ImportError: from json import JSONDecodeError`: the binding `requests.exceptions` and `requests.models` import wherever simplejson is installed (not in the test venv, so no test runs that arm); the `except` arm's import (line 57) is needed by every test",
            ),
        ),
        why=(
            (
                "tests.test_utils::test_to_native_string",
                'not an import: pyupgrade turned `u"T"` into `"T"`, and the now duplicate `parametrize` case was removed: one case fewer collected, nothing failing.',
            ),
        ),
    ),
    Project(
        "pluggy",
        "1.5.0",
        "pytest's plugin system: src/ layout, fixtures in conftest, pytest itself imports it",
        (PYTEST,),
        ("testing",),
        pythonpath="src",
        typed=True,
    ),
    Project(
        "pytest-mock",
        "3.14.0",
        "pytest plugin (entry point), fixtures by parameter name, pytester, src/ layout",
        (PYTEST, "pytest-asyncio==0.24.0"),
        ("tests",),
        pythonpath="src",
        typed=True,
        keeps=(
            (
                "src/pytest_mock/plugin.py:",
                "consumed",
                "`Dict`, `List` are named in PEP 484 type comments (`_mock_module_patches = []  # type: List[Any]`, `_mock_module_originals = {}  # type: Dict[str, Any]`) that mypy, which pytest-mock's CI runs, reads; the wide selection's UP006 rewrote the annotations that also used them, not the comments. A type checker's consumer (issue #16's \"type comments\"): no test run can show it",
            ),
        ),
        why=(
            (
                "tests.test_pytest_mock::test_",
                "not traced to the line: ruff's wide fixes of src/pytest_mock/plugin.py and the test module (pyupgrade, TC moves under `TYPE_CHECKING`, `import mock` -> `from unittest import mock`) leave the plugin's assertion introspection (pytest's rewrite of the plugin's `assert`s) without its detailed diff; safefix makes the same non-F401 edits, so the same four tests fail.",
            ),
        ),
    ),
    Project(
        "django-filter",
        "24.3",
        "Django application: settings module, models, apps, DRF integration",
        (PYTEST, "pytest-django==4.9.0", "django==5.1.2", "djangorestframework==3.15.2", "pytz"),
        ("tests",),
        pytest_args=("--ds=tests.settings",),
    ),
    Project(
        "sympy",
        "1.13.3",
        "scientific: `from sympy import *` hubs, eval'd/sympified test tables, doctests",
        (PYTEST, "mpmath==1.3.0", "hypothesis==6.112.1"),
        (
            "sympy/printing/tests/test_repr.py",
            "sympy/core/tests/test_sympify.py",
            "sympy/parsing/tests/test_sympy_parser.py",
            "sympy/printing/tests/test_str.py",
            "sympy/utilities/tests/test_lambdify.py",
            "sympy/core/tests/test_args.py",
        ),
        why=(
            (
                "sympy.",
                "the circular-import case: isort (I001) reordered sympy/core/basic.py's imports (and others in sympy/core), and `sympy` no longer imports (`cannot import name 'Basic' from partially initialized module 'sympy.core.basic'`), so conftest fails and nothing is collected. Not a removed import: the order of kept ones. safefix without `--verify` writes ruff's order as it is.",
            ),
        ),
    ),
    Project(
        "mpmath",
        "1.3.0",
        "scientific: backend-selecting compat module, doctests (--doctest-modules)",
        (PYTEST,),
        (
            "mpmath/tests/test_basic_ops.py",
            "mpmath/tests/test_convert.py",
            "mpmath/tests/test_functions.py",
            "mpmath/tests/test_matrices.py",
            "mpmath/tests/test_linalg.py",
            "mpmath/ctx_mp.py",
            "mpmath/ctx_base.py",
            "mpmath/functions/functions.py",
        ),
        keeps=(
            (
                "mpmath/ctx_mp.py:51",
                "consumed",
                "the `if BACKEND == 'sage':` arm of `import sage.libs.mpmath.ext_main as _mpf_module` / `from . import ctx_mp_python as _mpf_module`: mpmath/__init__.py sets `_ctx_mp._mpf_module.mpf` (its pickle hack) on whichever arm ran; Sage is not in the test venv, so no test runs this arm (the other arm, line 54, is needed by every test)",
            ),
            (
                "mpmath/tests/extratest_gamma.py:ifac",
                "consumed",
                "the module's test table holds strings such as `\"log(ifac(24))\"` that it runs with `eval(result)` in its own globals; an `extratest_` file, outside pytest's collection, so no test run shows it",
            ),
            (
                "mpmath/libmp/libhyper.py:xrange",
                "consumed",
                '`make_hyp_summator()` builds the summation loop as source (`add("for n in xrange(1,10**8):")`) and runs it with `exec_(source, globals(), namespace)`',
            ),
        ),
        why=(
            (
                "wide:mpmath.tests.test_matrices::test_matmul",
                "not an import, and not a module-level name: the wide selection's unsafe F841 fix (unused local variable) turned `A4 = matrix(...)` and `A5 = matrix(...)` inside `test_matmul()` into bare calls, and the function's next line is `exec(\"assert A4 @ A5 == A4 * A5\")`, which looks the two locals up at runtime. ruff marks that fix unsafe for this reason; safefix guards the module-level names and imports fixes remove (F401, F811), not function locals, so it passes ruff's F841 edit through as it is. Out of issue #16's scope (imports ruff removes); the principle that would cover it: a local a fix removes stays when its function runs `exec`/`eval` on a string naming it or hands `locals()`/`vars()` to a call.",
            ),
            (
                "",
                "mpmath/ctx_mp_python.py builds its number types' arithmetic methods from source strings (`'return mpf_eq(sval, tval)'`, `'val = mpf_mul_int(sval, other, prec, rounding)'`, ...) and runs them with `exec_(code, globals(), np)`: `mpf_eq`, `mpf_add`, `mpf_div`, `mpf_mul_int`, `mpf_pow_int`, ... are imported from `.libmp` only for those strings. Removed, every operation raises NameError (the doctests fail for the same reason). Consumer kind: names used only inside strings the module `exec`s.",
            ),
        ),
    ),
    Project(
        "networkx",
        "3.4.2",
        "scientific: lazy/optional backends, doctests, `__init__` star re-exports",
        (PYTEST,),
        ("networkx/classes", "networkx/algorithms/shortest_paths", "networkx/utils"),
        pytest_args=("--doctest-modules",),
        keeps=tuple(
            (
                path,
                "consumed",
                "inside `with pytest.raises(ImportError):` the import is the assertion (that the package does not expose the name); removed, the block raises nothing and pytest fails the test (DID NOT RAISE), as ruff's F401 edit fails networkx.utils.tests.test__init::test_utils_namespace",
            )
            for path in ("networkx/tests/test_import.py:", "networkx/utils/tests/test__init.py:")
        ),
    ),
    Project(
        "astroid",
        "3.3.5",
        "analyser: its tests read Python packages in tests/testdata as data",
        (PYTEST,),
        (
            "tests/test_modutils.py",
            "tests/test_manager.py",
            "tests/test_builder.py",
            "tests/test_regrtest.py",
        ),
        typed=True,
        keeps=(
            (
                "tests/testdata/python3/data/module.py:",
                "consumed",
                "test data the tests parse: tests/test_builder.py checks module.py's locals (`NameNode`, `modutils`) and the line numbers below them, and fails (4 tests) when plain ruff removes them; safefix keeps them because importing astroid has effects (`tokenize._compile = ...` in astroid/__init__.py), which this data file never runs: right for a reason other than the data one (issue #18's Python files read as data)",
            ),
            (
                "tests/testdata/python3/data/package/import_package_subpackage_module.py:package",
                "consumed",
                "test data: tests/test_regrtest.py::test_module_path infers `package` through this `import package.subpackage.module`, and fails when plain ruff removes it; safefix keeps it because the data package's __init__ calls `warnings.simplefilter(...)` (an effect), not for the data reason",
            ),
            (
                "tests/testdata/python3/data/module1abs/core.py:sys",
                "consumed",
                "the package's `__init__.py` does `from .core import *` and then `print(sys.version)`: importing the package needs core.py's `sys` (test data that tests/test_nodes.py builds, outside this run's test selection)",
            ),
        ),
        why=(
            (
                "tests.test_builder",
                "tests/testdata/python3/data/module.py is data: the tests parse it and check its locals (`NameNode`, `modutils`, `os` are imports it never uses) and the line numbers of the definitions below them; removing the imports (F401), or sorting and rewriting them (wide: I, UP), changes both. Consumer kind: Python files the tests read as data.",
            ),
            (
                "tests.test_manager",
                "tests/testdata/python3/data/namespace_pep_420/module.py is data: `from namespace_pep_420.submodule import var` is what the test infers `var` through. Consumer kind: Python files the tests read as data.",
            ),
            (
                "tests.test_regrtest",
                "tests/testdata/python3/data/package/import_package_subpackage_module.py is data: `import package.subpackage.module` is what the test infers `package` through. Consumer kind: Python files the tests read as data.",
            ),
        ),
    ),
    Project(
        "black",
        "24.10.0",
        "formatter: tests compare tests/data/cases/*.py (Python read as data) to goldens",
        (PYTEST,),
        ("tests/test_format.py", "-k", "import or comment"),
        pythonpath="src",
        typed=True,
        keeps=(
            (
                "tests/data/cases/comments6.py:Tuple",
                "consumed",
                "named in a PEP 484 type comment (`)  # type: Tuple[int, int]`) of a test case file: the type-comment kind, a type checker's consumer no test can show (the case is also data, compared to its golden output)",
            ),
            (
                "src/blib2to3/pgen2/pgen.py:os",
                "false",
                "the wide selection's TC003 moved `import os` under `if TYPE_CHECKING:` (its one use is the forward reference `Path = Union[str, \"os.PathLike[str]\"]`, which nothing evaluates at runtime); safefix kept it as module-globals because the module also runs `eval(label)`, and that rule takes every identifier in the module's strings, the forward reference's `os` too, though `eval(label)` only unquotes grammar labels. A string that is a type expression (an argument of a typing subscript, an annotation) is not one the module's own eval reads (since fixed: such a string's names are typing-only consumers, and a move under TYPE_CHECKING with only typing-only consumers is accepted)",
            ),
            (
                "tests/data/cases/fmtpass_imports.py:collections",
                "false",
                "tests/data/cases/ holds a file named collections.py (a formatting case whose top level prints), which the module map takes for the module `collections`, so the case file's `import collections` looks like an import of an effect module. Module names resolved per source root (issue #18) would not map test data onto the standard library's names",
            ),
        ),
        why=(
            (
                "F401:tests.test_format",
                "tests/data/cases/*.py are data: each holds an input and the output black must produce, and F401 removed an import from one half only (comments5.py, comments_in_blocks.py: imports in the input whose formatting is the case). Consumer kind: Python files the tests read as data.",
            ),
            (
                "wide:tests.test_format",
                "not a removed import: a wide-selection fix replaced src/blib2to3/pytree.py's `_P = TypeVar(...)` with `Self`, imported from typing_extensions (black's target is py39), which black does not install on Python 3.11: `import black` fails, nothing is collected. A fix that adds an import of an undeclared dependency; safefix writes it as ruff does.",
            ),
        ),
    ),
    Project(
        "pygments",
        "2.18.0",
        "highlighter: tests lex example .py files and compare tokens to golden outputs",
        (PYTEST,),
        (
            "tests/examplefiles/python",
            "tests/snippets/python2",
            "tests/examplefiles/pycon",
            "tests/snippets/python",
            "tests/test_basic_api.py",
            "tests/test_cmdline.py",
        ),
        why=(
            (
                "tests.examplefiles.python",
                "tests/examplefiles/python/linecontinuation.py is data: its `from \\\\ os \\\\ import \\\\ path` imports are what the lexer is tested on, against the golden token file beside it. Consumer kind: Python files the tests read as data.",
            ),
            (
                "wide:tests.test_basic_api",
                "not an import, not traced to the line: a wide-selection rewrite of the X++ lexer's token table leaves a state named `''` (`KeyError: ''` in `pygments/lexer.py`); safefix makes the same non-import edits.",
            ),
        ),
    ),
    Project(
        "nbformat",
        "5.10.4",
        "notebooks: .ipynb fixtures ruff also checks, read as data by the tests",
        (PYTEST, "testpath", "pep440"),
        ("tests",),
    ),
    Project(
        "jaraco.functools",
        "4.1.0",
        "namespace package (`jaraco/` has no `__init__`), doctests, importlib import mode",
        (PYTEST, "jaraco.classes==3.4.0", "more-itertools"),
        ("jaraco", "test_functools.py"),
        typed=True,
    ),
    Project(
        "python-dateutil",
        "2.9.0.post0",
        "library: `six` compat, `_common` helpers, tests with `pytest.warns`, src/ layout",
        (PYTEST, "pytest-cov", "six", "freezegun", "hypothesis==6.112.1"),
        ("tests",),
        pythonpath="src",
        pytest_args=("--ignore=tests/property",),
        keeps=(
            *(
                (
                    f"tests/test_imports.py:{line}",
                    "consumed",
                    "`test_import_tz_all()` reads its imports back by name through `lvars = locals(); lvars[var]`, and adds `tzwin`, `tzwinlocal` to the names it reads when `sys.platform` is Windows: consumed there, so no run on Linux can show it",
                )
                for line in (184, 185)
            ),
            (
                "tests/test_imports.py:",
                "consumed",
                'an import check: the import is the whole body of a `test_import_*()` function, whose point is that the import runs without error (issue #16\'s "imports whose execution is the point"); removed, the test still passes but tests nothing, so no test run can show it',
            ),
        ),
        why=(
            (
                "wide:tests.test_tz::test_valid_dateutil_format",
                "not an import: a wide-selection fix removed a duplicate `parametrize` case (`'EST5EDT,5,4,0,7200,11,-3,0,7200,3600'` listed twice): one case fewer collected, nothing failing.",
            ),
            (
                "tests.test_imports::test_import_tz_all",
                "tests/test_imports.py imports `tzutc`, `tzoffset`, ... inside the test function and reads them back with `lvars = locals(); lvars[var]` for each name in a list of strings: F401 removes every one. Consumer kind: `locals()[name]` lookups, here of function-local imports, which safefix does not guard (it keeps module-level names only).",
            ),
        ),
    ),
    Project(
        "pyparsing",
        "3.1.4",
        "library: `__init__` star re-exports of every module; tests import examples/ as modules",
        (PYTEST, "railroad-diagrams", "jinja2"),
        ("tests/test_simple_unit.py", "tests/test_examples.py"),
        typed=True,
        keeps=(
            (
                "examples/protobuf_parser.py:Keyword",
                "consumed",
                "`exec(\"{}_ = Keyword('{}')\".format(kw.upper(), kw))` at module level builds the keyword parsers from a computed string in the module's own globals (no test imports this example)",
            ),
            (
                "examples/statemachine/",
                "consumed",
                "each demo does `import statemachine` and then `import documentsignoffstate` (or another `.pystate` module): statemachine.py's top level calls `PystateImporter.register()`, the import hook that makes `.pystate` files importable; removed, the next line raises ModuleNotFoundError (no test runs the demos)",
            ),
            (
                "tests/test_unit.py:simpleSQL",
                "false",
                "the wide selection rewrote `import examples.simpleSQL as simpleSQL` into `from examples import simpleSQL`, which still runs examples.simpleSQL (an effect module: `ParserElement.enablePackrat()`), but the effect rule did not see that `from examples import simpleSQL` loads the submodule, so it kept the old statement too",
            ),
            (
                "pyparsing/core.py:",
                "consumed",
                "`List`, `Tuple` reach pyparsing/helpers.py through its `from .core import *` (core.py has no `__all__`) and are evaluated at runtime there: parameter, return and module-level annotations (`_builtin_exprs: List[ParserElement]`), with no `from __future__ import annotations`; requires-python >= 3.6.8 keeps UP006 from rewriting them",
            ),
            (
                "pyparsing/results.py:Dict",
                "false",
                "the consumers safefix names are `from pyparsing import Dict` (examples/*.py), reached through pyparsing/__init__.py's `from .results import *` (line 133); but line 134's `from .core import *` binds `Dict` again, to core's `Dict` class, so `pyparsing.Dict is pyparsing.core.Dict` and results.py's `typing.Dict` reaches no one. The star-import chain (consumers.py `consumers_of`/`_exports`) does not see a later binding of the name in the star importer",
            ),
        ),
        why=(
            (
                "wide:tests.",
                "the circular-import case: isort (I001) moved `pyparsing/__init__.py`'s submodule imports above `__diag__` and the other names `pyparsing/helpers.py` imports back from the package (`cannot import name '__diag__' from partially initialized module 'pyparsing'`): nothing is collected. Not a removed import: the order of kept ones; safefix without `--verify` writes ruff's order. safefix also left pyparsing/results.py unchanged (exit 3: `could not keep Dict safely`) and took 47 s.",
            ),
        ),
    ),
    Project(
        "toolz",
        "1.0.0",
        "functional library: `curried` namespace of re-exports, `tlz` import-hook alias package",
        (PYTEST,),
        ("toolz/tests",),
        why=(
            (
                "toolz.tests.test_dicttoolz",
                "not an import: a wide-selection fix rewrote `assert not (merge(...) == {...})` as `assert merge(...) != {...}`; the test's own `defaultdict` subclass defines `__eq__` without a matching `__ne__`, which is what the test checks.",
            ),
        ),
    ),
)
