"""Which module-level names did ruff's fixes take away, branch by branch?

A name can vanish in three ways that all break a consumer: its import is deleted, it is moved
under `if TYPE_CHECKING:` (bound for type checkers only), or it is dropped from one arm of a
`try/except ImportError` or `if/else` while the other arm still binds it. So bindings are
compared per branch, and a branch counts as still served when the name is bound in it or in
any enclosing branch after the fix.

This is a screen over every file ruff changed, so it uses `ast` (fast) rather than libcst;
libcst is kept for the files that get an edit.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from safefix.types import TYPE_CHECKING_SEGMENT, Binding, Branch, Removal


def parse(source: bytes, filename: str = "<unknown>") -> ast.Module:
    """Parse source bytes; raises SyntaxError (also for undecodable bytes)."""
    try:
        return ast.parse(source, filename=filename, type_comments=False)
    except ValueError as exc:  # e.g. null bytes
        raise SyntaxError(str(exc)) from exc


def module_bindings(tree: ast.Module, source_lines: Sequence[str] = ()) -> list[Binding]:
    """Every name the module body binds, with its branch and whether it exists at runtime."""
    return list(_walk(tree.body, (), True, source_lines))


def _walk(
    body: Sequence[ast.stmt], branch: Branch, runtime: bool, lines: Sequence[str]
) -> Iterator[Binding]:
    for stmt in body:
        for name, kind, source in bound_names(stmt):
            yield Binding(
                name=name,
                branch=branch,
                runtime=runtime,
                line=stmt.lineno,
                col=stmt.col_offset,
                end_line=stmt.end_lineno or stmt.lineno,
                kind=kind,
                statement=_statement_text(stmt, lines),
                source=source,
            )
        for arm, arm_body, arm_runtime in _arms(stmt):
            yield from _walk(arm_body, (*branch, arm), runtime and arm_runtime, lines)


def bound_names(stmt: ast.stmt) -> Iterator[tuple[str, str, str | None]]:
    """(name, kind, source) for each name `stmt` binds; source is `module:attr` for imports."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            yield (alias.asname or alias.name.split(".")[0]), "import", alias.name
    elif isinstance(stmt, ast.ImportFrom):
        module = "." * stmt.level + (stmt.module or "")
        for alias in stmt.names:
            if alias.name != "*":
                yield (alias.asname or alias.name), "import", f"{module}:{alias.name}"
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield stmt.name, "def", None
    elif isinstance(stmt, ast.ClassDef):
        yield stmt.name, "class", None
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            return  # a bare annotation binds nothing at runtime
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    yield node.id, "assign", None
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        for node in ast.walk(stmt.target):
            if isinstance(node, ast.Name):
                yield node.id, "assign", None
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                for node in ast.walk(item.optional_vars):
                    if isinstance(node, ast.Name):
                        yield node.id, "assign", None


def _arms(stmt: ast.stmt) -> Iterator[tuple[str, Sequence[ast.stmt], bool]]:
    """The nested bodies of a compound statement, each named stably across ruff's edits."""
    if isinstance(stmt, ast.If):
        test = ast.unparse(stmt.test)
        if is_type_checking(stmt.test):
            yield TYPE_CHECKING_SEGMENT, stmt.body, False
            yield "if not TYPE_CHECKING", stmt.orelse, True
        else:
            yield f"if {test}", stmt.body, True
            yield f"else of {test}", stmt.orelse, True
    elif isinstance(stmt, _TRY):
        trial = cast(ast.Try, stmt)  # ast.TryStar has the same fields
        yield "try", trial.body, True
        for handler in trial.handlers:
            caught = ast.unparse(handler.type) if handler.type is not None else ""
            yield f"except {caught}".rstrip(), handler.body, True
        yield "try-else", trial.orelse, True
        yield "finally", trial.finalbody, True
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        items = ", ".join(ast.unparse(item.context_expr) for item in stmt.items)
        yield f"with {items}", stmt.body, True
    elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
        head = ast.unparse(stmt.iter if not isinstance(stmt, ast.While) else stmt.test)
        yield f"loop {head}", stmt.body, True
        yield f"loop-else {head}", stmt.orelse, True
    elif isinstance(stmt, ast.Match):
        subject = ast.unparse(stmt.subject)
        for case in stmt.cases:
            yield f"match {subject} case {ast.unparse(case.pattern)}", case.body, True


_TRY: tuple[type[ast.stmt], ...] = (ast.Try, *([ast.TryStar] if hasattr(ast, "TryStar") else []))


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _statement_text(stmt: ast.stmt, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    last = (
        (stmt.end_lineno or stmt.lineno)
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        else stmt.lineno
    )
    text = " ".join(line.strip() for line in lines[stmt.lineno - 1 : last])
    return text.replace("( ", "(").replace(" )", ")")


#: Modules whose same-named exports ruff's rewrites (UP035 and friends) treat as one object.
_INTERCHANGEABLE = frozenset(
    {"typing", "typing_extensions", "collections", "collections.abc", "contextlib", "re", "types"}
)


def same_object(old: str | None, new: str | None) -> bool:
    """Whether two import sources (`module:attr`) bind the same object as far as safefix knows."""
    if old == new:
        return True
    if old is None or new is None or ":" not in old or ":" not in new:
        return False
    (old_module, old_attr), (new_module, new_attr) = old.split(":", 1), new.split(":", 1)
    return old_attr == new_attr and {old_module, new_module} <= _INTERCHANGEABLE


def lost_bindings(before: Sequence[Binding], after: Sequence[Binding]) -> list[Binding]:
    """The runtime bindings of `before` that no longer serve their branch in `after`.

    A binding is lost when nothing binds the name in its branch or an enclosing one, or when
    the branch now binds it to another object (`from a import X` replaced by `from b import X`).
    Of several sites in one branch, the first that imports the object consumers saw is
    returned: keeping it lets ruff drop the redundant rest.
    """
    served = {(b.name, b.branch) for b in after if b.runtime}
    final_source = {(b.name, b.branch): b.source for b in after if b.runtime}

    def still_served(binding: Binding) -> bool:
        branch = binding.branch
        return any((binding.name, branch[:depth]) in served for depth in range(len(branch) + 1))

    sites: dict[tuple[str, Branch], list[Binding]] = {}
    for binding in before:
        if binding.runtime:
            sites.setdefault((binding.name, binding.branch), []).append(binding)
    lost: list[Binding] = []
    for key, group in sites.items():
        seen = group[-1]
        if not still_served(seen):
            lost.append(next(b for b in group if b.source == seen.source))
        elif (
            key in final_source
            and seen.kind == "import"
            and not same_object(seen.source, final_source[key])
        ):
            lost.append(seen)
    return lost


#: Import statements, parenthesised ones whole, with their indentation (so a move into or out
#: of a block counts as a change). Comments inside parentheses cannot hold ")" here; a stray
#: one only makes two versions look different, which costs a parse, never a missed removal.
_IMPORT_STATEMENT = re.compile(
    rb"^(?:\xef\xbb\xbf)?[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]*(?:\([^)]*\)|(?:[^\\\n]|\\\r?\n|\\.)*)"
    rb"|import[ \t](?:[^\\\n]|\\\r?\n|\\.)*)",
    re.MULTILINE,
)


def line_matches(
    source: bytes, hits: Iterable[int], pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """`pattern`, which starts at a line start, matched on just the lines that hold a hit
    (positions in increasing order), each line once and none inside an earlier match.

    Several times faster than `pattern.finditer(source)` for a `^` pattern under MULTILINE,
    which `re` tries at every byte.
    """
    done = -1
    for position in hits:
        start = source.rfind(b"\n", 0, position) + 1
        if start > done:
            match = pattern.match(source, start)
            done = start if match is None else match.end()
            if match is not None:
                yield match


_IMPORT_WORD = re.compile(rb"import")


def statement_matches(source: bytes) -> Iterator[re.Match[bytes]]:
    """`_IMPORT_STATEMENT.finditer(source)`: every statement has `import` on its first line."""
    hits = (hit.start() for hit in _IMPORT_WORD.finditer(source))
    return line_matches(source, hits, _IMPORT_STATEMENT)


def _statements(source: bytes) -> list[bytes]:
    return [match.group() for match in statement_matches(source)]


#: Every effect import (`pytest.raises(ImportError)`, `except ImportError`) names one of these.
_EFFECT_TOKENS = re.compile(rb"ImportError|ModuleNotFoundError")


def same_imports(before: bytes, after: bytes) -> bool:
    """Whether both versions import the same names the same way, cheaply, without parsing:
    the same multiset of (indentation, module, name, alias).

    If so, no binding can have been removed or moved: sorting (I001) reorders, merges, splits
    and re-wraps statements but keeps every alias; every other way ruff loses a name edits,
    moves or deletes one.
    """
    old, new = _statements(before), _statements(after)
    if Counter(old) == Counter(new):
        return True  # the common case, without normalising
    return _imported(old) == _imported(new)


def _imported(statements: Iterable[bytes]) -> Counter[bytes]:
    return Counter(alias for statement in statements for alias in _aliases(statement))


_COMMENT = re.compile(rb"#[^\n]*")
_SPACE = re.compile(rb"\s+")


def _aliases(statement: bytes) -> list[bytes]:
    """One token per imported name; text after a `;` that is not an import stays as it is."""
    text = statement.removeprefix(b"\xef\xbb\xbf")
    indent = text[: len(text) - len(text.lstrip(b" \t"))]
    text = _SPACE.sub(b" ", _COMMENT.sub(b"", text).replace(b"\\", b" "))
    tokens = []
    for part in text.split(b";"):
        words = part.replace(b"(", b" ").replace(b")", b" ").split(b" import ", 1)
        head = words[0].split()
        if len(words) == 2 and len(head) == 2 and head[0] == b"from":
            prefix, names = indent + b"from " + head[1] + b" ", words[1]
        elif part.strip().startswith(b"import "):
            prefix, names = indent + b"import ", part.strip()[len(b"import ") :]
        else:
            tokens.append(indent + part.strip())
            continue
        tokens += [
            prefix + b" ".join(alias.split()) for alias in names.split(b",") if alias.strip()
        ]
    return tokens


_TOP_LEVEL_CODE = re.compile(rb"^[^\s#]", re.MULTILINE)
#: A top-level statement whose body's imports bind nothing at module level.
_SCOPE_HEADER = re.compile(rb"(?:async[ \t]+)?def[ \t]|class[ \t(:]")
#: Where the module-level analysis needs more than the leading import section.
_WHOLE_FILE = re.compile(rb"def[ \t]+__getattr__|ImportError|ModuleNotFoundError")


def _section(source: bytes, matches: Sequence[re.Match[bytes]]) -> bytes:
    if not matches:
        return b""
    following = _TOP_LEVEL_CODE.search(source, matches[-1].end())
    return source if following is None else source[: following.start()]


def import_section(source: bytes, parsed: set[bytes] | None = None) -> bytes:
    """The top-level statements up to and including the one that holds the last import that
    can bind a module-level name.

    Module-level bindings ruff can take away are imports, and imports usually open a module:
    parsing just this section instead of the whole file is what keeps a run over thousands
    of changed files fast. Statements after it bind nothing ruff removes.

    Imports inside a top-level `def` or `class` body bind nothing at module level, and in
    large modules (test files above all) they are what makes a plain section most of the file.
    A column-0 `def`/`class` line is such a body's header unless it is text inside a string
    that spans lines; that string would then close between the header and the imports, so
    where that stretch holds a triple quote, a backslash-newline or a quote on the header line,
    it must parse by itself (a string's closing quotes left unmatched do not), or the section
    ends at the last import. `parsed` remembers the stretches already parsed.
    """
    matches = list(statement_matches(source))
    starts = [match.start() for match in matches]
    reverse = source[::-1]
    kept = len(matches)
    while kept:
        match = matches[kept - 1]
        if source[match.start() : match.start() + 1] not in b" \t":
            break  # a column-0 import
        header = _header_above(source, reverse, match.start())
        if header < 0 or not _SCOPE_HEADER.match(source, header):
            break
        if not _is_header(source, header, match.end(), parsed):
            return _section(source, matches)
        kept = bisect.bisect_left(starts, header)  # the header's body holds all of them
    return _section(source, matches[:kept])


#: In the reversed text: the first character of a line that starts at column 0 with code.
_LINE_START_REVERSED = re.compile(rb"[^\s#]\n")
_UNSURE = re.compile(rb'"""|\'\'\'|\\\r?\n')
#: A column-0 line that closes a bracket: in formatted code, the end of a `def`'s signature.
_CLOSING = re.compile(rb"[)\]}]")


def _header_above(source: bytes, reverse: bytes, position: int) -> int:
    """Where the nearest column-0 line above `position` that opens a statement starts (-1 if
    none): the closing `):` of a signature split over lines is passed over to its `def`."""
    size = len(source)
    while True:
        found = _LINE_START_REVERSED.search(reverse, size - position)
        if found is None:
            return -1
        line = size - found.end() + 1
        if not _CLOSING.match(source, line):
            return line
        position = line


def _is_header(source: bytes, header: int, end: int, parsed: set[bytes] | None) -> bool:
    """Whether the column-0 `def`/`class` line at `header` starts a real body that runs at
    least to `end` (see `import_section`).

    Where the stretch between them could hide the end of a string, one text must parse: the
    stretch, the whole top-level statement, or everything above the header (which then ends
    between statements), tried smallest first. A stretch cut inside a `try` block, say, does
    not parse alone; the statement or the text above it may, at a fraction of the whole file.
    """
    stretch = source[header:end]
    first_line = stretch.split(b"\n", 1)[0]
    if not _UNSURE.search(stretch) and b"'" not in first_line and b'"' not in first_line:
        return True
    following = _TOP_LEVEL_CODE.search(source, end)
    statement = source[header : following.start()] if following else source[header:]
    return any(
        _parses(text, parsed)
        for text in sorted({stretch, statement, source[:header]}, key=len)
        if text
    )


def _parses(text: bytes, parsed: set[bytes] | None) -> bool:
    if parsed is not None and text in parsed:
        return True
    try:
        parse(text)
    except SyntaxError:
        return False
    if parsed is not None:
        parsed.add(text)
    return True


def _import_trees(path: Path, before: bytes, after: bytes) -> tuple[ast.Module, ast.Module, bool]:
    """Both versions' import sections parsed (True), or the whole files (False) where a section
    is not enough (a module `__getattr__`, imports whose effect is the point) or does not
    parse alone."""
    if not (_WHOLE_FILE.search(before) or _WHOLE_FILE.search(after)):
        parsed: set[bytes] = set()
        try:
            old = parse(import_section(before, parsed), str(path))
            return old, parse(import_section(after, parsed), str(path)), True
        except SyntaxError:
            pass  # e.g. the section ends inside a multi-line string: parse everything
    return parse(before, str(path)), parse(after, str(path)), False


def find_removals(path: Path, module: str, before: bytes, after: bytes) -> list[Removal]:
    """Removals between two versions of one file; raises SyntaxError if either does not parse.

    Two kinds: module-level bindings lost from a branch, and imports anywhere whose effect is
    the point (the assertion in `pytest.raises(ImportError)`, an availability probe).
    """
    if same_imports(before, after):
        return []  # only import statements bind what ruff removes; these are all still there
    old_lines = before.decode("utf-8", errors="replace").splitlines()
    old_tree, new_tree, sections = _import_trees(path, before, after)
    lazy = lazily_served(new_tree)
    found: dict[tuple[int, int, str], Removal] = {}
    old_bindings = module_bindings(old_tree, old_lines)
    if sections:  # the two sections can end at different statements: compare imports only
        old_bindings = [b for b in old_bindings if b.kind == "import"]
    for b in lost_bindings(old_bindings, module_bindings(new_tree)):
        found[(b.line, b.col, b.name)] = Removal(
            path=path,
            module=module,
            name=b.name,
            line=b.line,
            col=b.col,
            branch=b.branch,
            kind=b.kind,
            statement=b.statement,
            lazy=b.name in lazy,
        )
    if not _EFFECT_TOKENS.search(before):
        return sorted(found.values(), key=lambda r: (r.line, r.col, r.name))
    kept_effects = effect_imports(new_tree)
    for key, site in effect_imports(old_tree, old_lines).items():
        if key not in kept_effects:
            where = (site.line, site.col, site.name)
            lost = found.get(where) or Removal(
                path, module, site.name, site.line, site.col, site.scope, "import", site.statement
            )
            found[where] = replace(lost, effect=site.effect)
    return sorted(found.values(), key=lambda r: (r.line, r.col, r.name))


@dataclass(frozen=True)
class EffectSite:
    """An import whose execution is the point, wherever it stands."""

    name: str
    line: int
    col: int
    scope: Branch
    statement: str
    effect: str


_RAISES = frozenset({"raises", "assertRaises", "assertRaisesRegex", "suppress"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def effect_imports(
    tree: ast.Module, lines: Sequence[str] = ()
) -> dict[tuple[Any, ...], EffectSite]:
    """Imports inside `pytest.raises(ImportError)`-like blocks and `try/except ImportError`.

    Keyed stably across ruff's edits: enclosing definitions, the reason, the name, and the
    occurrence among identical keys.
    """
    found: dict[tuple[Any, ...], EffectSite] = {}
    counts: dict[tuple[Any, ...], int] = {}

    def visit(body: Sequence[ast.stmt], scope: Branch, effect: str | None) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)) and effect:
                for name, _, _ in bound_names(stmt):
                    base: tuple[Any, ...] = (scope, effect, name)
                    counts[base] = counts.get(base, 0) + 1
                    key = (*base, counts[base])
                    found[key] = EffectSite(
                        name,
                        stmt.lineno,
                        stmt.col_offset,
                        scope,
                        _statement_text(stmt, lines),
                        effect,
                    )
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(stmt.body, (*scope, stmt.name), None)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                visit(stmt.body, scope, _with_effect(stmt) or effect)
            elif isinstance(stmt, _TRY):
                trial = cast(ast.Try, stmt)
                probe = any(catches_import_error(h.type) for h in trial.handlers)
                visit(
                    trial.body,
                    scope,
                    "an availability probe (try/except ImportError)" if probe else effect,
                )
                for handler in trial.handlers:
                    visit(handler.body, scope, effect)
                visit(trial.orelse, scope, effect)
                visit(trial.finalbody, scope, effect)
            else:
                for arm in _bodies(stmt):
                    visit(arm, scope, effect)

    visit(tree.body, (), None)
    return found


def _bodies(stmt: ast.stmt) -> Iterator[Sequence[ast.stmt]]:
    """The nested statement lists of a compound statement (no names: the effect walk needs none)."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(stmt, field, None)
        if body:
            yield body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def _with_effect(stmt: ast.With | ast.AsyncWith) -> str | None:
    for item in stmt.items:
        call = item.context_expr
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in _RAISES and any(catches_import_error(arg) for arg in call.args):
            what = "a probe" if name == "suppress" else "the assertion"
            return f"the import is {what} (inside {ast.unparse(call)})"
    return None


def catches_import_error(node: ast.expr | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Tuple):
        return any(catches_import_error(e) for e in node.elts)
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    return name in _IMPORT_ERRORS


def lazily_served(tree: ast.Module) -> set[str]:
    """Names a module-level `__getattr__` (PEP 562) serves by name: reachable without a binding.

    Counted: string literals in its body, and in module-level literals (dicts, sets, lists)
    its body refers to.
    """
    literals: dict[str, ast.expr] = {}
    getattr_def = None
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__getattr__":
            getattr_def = stmt
        target, value = _assignment(stmt)
        if target and value is not None:
            literals[target] = value
    if getattr_def is None:
        return set()
    served: set[str] = set()
    for node in ast.walk(getattr_def):
        if isinstance(node, ast.Name) and node.id in literals:
            served |= _strings(literals[node.id])
    served |= _strings(getattr_def)
    return served


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def import_lines(tree: ast.Module, name: str) -> set[int]:
    """Lines of every import statement, at any depth, that binds `name`."""
    return {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(bound == name for bound, _, _ in bound_names(node))
    }


def has_literal_all(tree: ast.Module) -> bool:
    """Whether the module body assigns `__all__` a literal list or tuple of strings."""
    return _literal_all_index(tree.body) is not None


def _literal_all_index(body: Sequence[ast.stmt]) -> int | None:
    for index, stmt in enumerate(body):
        target, value = _assignment(stmt)
        if (
            target == "__all__"
            and isinstance(value, (ast.List, ast.Tuple))
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
        ):
            return index
    return None


def _assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None, None


def removals_or_error(item: tuple[Path, bytes, bytes]) -> list[Removal] | str:
    """`find_removals` for a worker process: a SyntaxError comes back as its message."""
    path, before, after = item
    try:
        return find_removals(path, "", before, after)
    except SyntaxError as exc:
        return exc.msg or "invalid syntax"
