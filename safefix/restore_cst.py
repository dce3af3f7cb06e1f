"""The libcst edits of `restore`: splitting a statement, moving names out, extending `__all__`.

Only runs that need more than a comment merged into a whole single-line import come here:
importing libcst costs a noticeable share of a run's start-up.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst import ParserSyntaxError
from libcst.metadata import MetadataWrapper, PositionProvider

from safefix.noqa_text import merge_noqa
from safefix.types import Protection

__all__ = ["ParserSyntaxError", "protect"]

_EMPTY = cst.Module(body=[])


def protect(source: bytes, protections: Sequence[Protection]) -> bytes:
    """Apply `protections` to `source` with libcst (see `restore.protect`)."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    by_noqa = [p for p in protections if not p.via_all]
    via_all = [p.name for p in protections if p.via_all]
    result = wrapper.visit(_Protector(by_noqa)) if by_noqa else module
    if via_all:
        result = result.visit(_AllExtender(via_all))
    return result.bytes


def _bound_name(alias: cst.ImportAlias, is_from: bool) -> str:
    if alias.asname is not None:
        name = alias.asname.name
        assert isinstance(name, cst.Name)
        return name.value
    dotted = _EMPTY.code_for_node(alias.name)
    return dotted if is_from else dotted.split(".")[0]


def _import_line(stmt: cst.Import | cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> str:
    names = [
        _EMPTY.code_for_node(a.name) + (f" as {_bound_name(a, True)}" if a.asname else "")
        for a in aliases
    ]
    if isinstance(stmt, cst.Import):
        return f"import {', '.join(names)}"
    dots = "." * len(stmt.relative)
    module = _EMPTY.code_for_node(stmt.module) if stmt.module is not None else ""
    return f"from {dots}{module} import {', '.join(names)}"


class _Protector(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, protections: Sequence[Protection]) -> None:
        super().__init__()
        self.wanted: dict[tuple[int, int], list[Protection]] = {}
        for protection in protections:
            self.wanted.setdefault((protection.line, protection.col), []).append(protection)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        line_pos = self.get_metadata(PositionProvider, original_node)
        single_line = line_pos.start.line == line_pos.end.line and len(original_node.body) == 1
        body: list[cst.BaseSmallStatement] = []
        extra: list[cst.SimpleStatementLine] = []
        comment_codes: set[str] = set()
        for original, updated in zip(original_node.body, updated_node.body, strict=True):
            wanted = self._wanted_for(original)
            if not wanted or not isinstance(updated, (cst.Import, cst.ImportFrom)):
                body.append(updated)
                continue
            assert not isinstance(updated.names, cst.ImportStar)
            is_from = isinstance(updated, cst.ImportFrom)
            names = {p.name for p in wanted}
            codes = set().union(*(p.codes for p in wanted))
            keep = [a for a in updated.names if _bound_name(a, is_from) in names]
            rest = [a for a in updated.names if _bound_name(a, is_from) not in names]
            if not rest and single_line:
                body.append(updated)
                comment_codes |= codes
                continue
            if rest:
                body.append(_with_names(updated, rest))
            groups = [[a] for a in keep] if isinstance(updated, cst.Import) else [keep]
            extra += [
                _generated_line(_import_line(updated, group), codes, _comments(group))
                for group in groups
            ]
        if comment_codes:
            updated_node = _with_noqa(updated_node, comment_codes)
        if not extra:
            return updated_node.with_changes(body=body)
        if not body:
            first = extra[0].with_changes(leading_lines=updated_node.leading_lines)
            return cst.FlattenSentinel([first, *extra[1:]])
        if body[-1].semicolon is not cst.MaybeSentinel.DEFAULT:
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return cst.FlattenSentinel([updated_node.with_changes(body=body), *extra])

    def _wanted_for(self, node: cst.BaseSmallStatement) -> list[Protection]:
        if not isinstance(node, (cst.Import, cst.ImportFrom)):
            return []
        start = self.get_metadata(PositionProvider, node).start
        return self.wanted.get((start.line, start.column), [])


def _with_names(
    stmt: cst.Import | cst.ImportFrom, names: list[cst.ImportAlias]
) -> cst.Import | cst.ImportFrom:
    """`stmt` binding only `names`; their comments stay, the statement's ending is reused."""
    assert not isinstance(stmt.names, cst.ImportStar)
    last, comma, ending = names[-1], names[-1].comma, stmt.names[-1].comma
    if not isinstance(stmt, cst.ImportFrom) or stmt.rpar is None:
        names[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(names=names)
    if not isinstance(comma, cst.Comma) or not isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return stmt.with_changes(names=names)
    if isinstance(ending, cst.Comma) and isinstance(
        ending.whitespace_after, cst.ParenthesizedWhitespace
    ):
        after = comma.whitespace_after.with_changes(
            indent=ending.whitespace_after.indent, last_line=ending.whitespace_after.last_line
        )
        names[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=after))
        return stmt.with_changes(names=names)
    # No trailing comma before: the closing line's whitespace lives on the parenthesis.
    after = comma.whitespace_after.with_changes(indent=False, last_line=cst.SimpleWhitespace(""))
    names[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=after))
    rpar = stmt.rpar.with_changes(whitespace_before=cst.SimpleWhitespace(""))
    return stmt.with_changes(names=names, rpar=rpar)


def _comments(aliases: Sequence[cst.ImportAlias]) -> str:
    """The comments written after these names in a multi-line import, to move along with them."""
    found = []
    for alias in aliases:
        after = alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else None
        if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment:
            found.append(after.first_line.comment.value)
    return "  ".join(found)


def _generated_line(code: str, codes: Iterable[str], comment: str) -> cst.SimpleStatementLine:
    line = cst.parse_statement(code + (f"  {comment}" if comment else "") + "\n")
    assert isinstance(line, cst.SimpleStatementLine)
    return _with_noqa(line, codes)


def _with_noqa(line: cst.SimpleStatementLine, codes: Iterable[str]) -> cst.SimpleStatementLine:
    trailing = line.trailing_whitespace
    old = trailing.comment.value if trailing.comment else None
    new = merge_noqa(old, codes)
    if new == old or new is None:
        return line
    whitespace = trailing.whitespace if old else cst.SimpleWhitespace("  ")
    return line.with_changes(
        trailing_whitespace=trailing.with_changes(whitespace=whitespace, comment=cst.Comment(new))
    )


class _AllExtender(cst.CSTTransformer):
    """Adds names to the module's literal `__all__`, in its quote, layout and order style."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = list(dict.fromkeys(names))
        self.done = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if len(updated_node.targets) == 1 and _is_all(updated_node.targets[0].target):
            return updated_node.with_changes(value=self._extended(updated_node.value))
        return updated_node

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        if _is_all(updated_node.target) and updated_node.value is not None:
            return updated_node.with_changes(value=self._extended(updated_node.value))
        return updated_node

    def _extended(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if self.done or not isinstance(value, (cst.List, cst.Tuple)):
            return value
        elements = list(value.elements)
        strings = [e.value for e in elements if isinstance(e.value, cst.SimpleString)]
        if len(strings) != len(elements):
            return value
        self.done = True
        present = [s.evaluated_value for s in strings]
        quote = strings[0].quote if strings else '"'
        values: list[cst.BaseExpression] = [e.value for e in elements]
        texts = [str(v) for v in present]
        is_sorted = texts == sorted(texts) and len(texts) > 1
        for name in self.names:
            if name in texts:
                continue
            position = bisect.bisect(texts, name) if is_sorted else len(texts)
            texts.insert(position, name)
            values.insert(position, cst.SimpleString(f"{quote}{name}{quote}"))
        commas = _separators(value, [e.comma for e in elements], len(values))
        new_elements = [cst.Element(value=v, comma=c) for v, c in zip(values, commas, strict=True)]
        return value.with_changes(elements=new_elements)


def _is_all(target: cst.BaseExpression) -> bool:
    return isinstance(target, cst.Name) and target.value == "__all__"


def _separators(
    container: cst.List | cst.Tuple,
    commas: Sequence[cst.Comma | cst.MaybeSentinel],
    count: int,
) -> list[cst.Comma | cst.MaybeSentinel]:
    """Commas for `count` elements, reusing the container's own separator and trailing style."""
    if not commas:
        return [cst.MaybeSentinel.DEFAULT] * count
    if len(commas) >= 2:
        inner = commas[0]
    else:
        after: cst.BaseParenthesizableWhitespace | None
        if isinstance(container, cst.List):
            after = container.lbracket.whitespace_after
        else:
            after = container.lpar[0].whitespace_after if container.lpar else None
        if isinstance(after, cst.ParenthesizedWhitespace):
            inner = cst.Comma(whitespace_after=after)
        else:
            inner = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    inner_commas = [*commas[:-1]]
    while len(inner_commas) < count - 1:
        inner_commas.append(inner)
    return [*inner_commas, commas[-1]]
