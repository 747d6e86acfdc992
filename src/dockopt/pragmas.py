"""Suppression comments: dockopt's own, and hadolint's that users already have.

    # dockopt: ignore=DO201,chain-run # reason     -> the instruction below
    # dockopt: global ignore=DO3                   -> the whole file
    # dockopt: skip-file                           -> leave the file alone
    # hadolint ignore=DL3059                       -> transforms mapped to DL3059, below
    # hadolint global ignore=DL3059                -> ... in the whole file
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from dockopt.text import line_body

if TYPE_CHECKING:
    from dockopt.document import Document, Instruction
    from dockopt.results import Fix
    from dockopt.transform import Transform

_PRAGMA_RE = re.compile(
    r"^\s*#\s*(?P<tool>dockopt:|hadolint)\s*(?P<global>global\s+)?ignore\s*=\s*(?P<ids>[A-Za-z0-9_\-, ]+?)\s*(?:#.*)?$"
)
_SKIP_FILE_RE = re.compile(r"^\s*#\s*dockopt:\s*skip-file\b")
# Other tools' directives for the instruction below: `# dockerfmt-ignore`, `# checkov:skip=CKV_X`,
# `# trivy:ignore:AVD-DS-0002`, `# kics-scan ignore-line`, a bare noqa or nosec comment.
_TOOL_DIRECTIVE_RE = re.compile(
    r"^\s*#\s*(?:[\w.-]+(?:-ignore\b|:(?:ignore|skip)\b|\s+ignore(?:=|-line\b|-block\b|\s*$))|noqa\b|nosec\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Pragma:
    """One ignore comment, as written."""

    line: int  # 0-based
    tool: str  # "dockopt" or "hadolint"
    selectors: tuple[str, ...]
    is_global: bool
    text: str  # the comment's own text: names it across rewrites, which never touch it

    def spelled(self, selector: str) -> str:
        prefix = "# dockopt: " if self.tool == "dockopt" else "# hadolint "
        return f"`{prefix}{'global ' if self.is_global else ''}ignore={selector}`"


@dataclass
class Pragmas:
    skip_file: bool = False
    global_ignores: set[str] = field(default_factory=set)
    # instruction index -> selectors that suppress fixes touching it
    ignores: dict[int, set[str]] = field(default_factory=dict)
    entries: list[Pragma] = field(default_factory=list)
    # (instruction index or None for global, selector) -> texts of the comments that say so
    origins: dict[tuple[int | None, str], list[str]] = field(default_factory=dict)

    def suppresses(self, transform: type[Transform], selectors: set[str]) -> bool:
        return any(transform.matches(s) for s in selectors)

    def suppressed(self, fix: Fix, transform: type[Transform], doc: Document, used: set[tuple[str, str]] | None = None) -> bool:
        """Does a pragma suppress this fix? Each pragma that does goes into `used` as (text, selector)."""
        found = self._mark(None, self.global_ignores, transform, used)
        if found and used is None:
            return True
        if self.ignores:
            for instruction in touched(fix, doc):
                if self._mark(instruction.index, self.ignores.get(instruction.index, set()), transform, used):
                    found = True
                    if used is None:
                        return True
        return found

    def _mark(self, where: int | None, selectors: set[str], transform: type[Transform], used: set[tuple[str, str]] | None) -> bool:
        found = False
        for selector in selectors:
            if transform.matches(selector):
                found = True
                if used is not None:
                    used.update((text, selector) for text in self.origins.get((where, selector), ()))
        return found


def parse_pragmas(doc: Document) -> Pragmas:
    """The file's ignore comments (read once per document: it never changes)."""
    cached = doc.__dict__.get("_pragmas")
    if cached is None:
        cached = doc.__dict__["_pragmas"] = _parse(doc) if ("dockopt" in doc.folded or "hadolint" in doc.folded) else Pragmas()
    return cached


def _parse(doc: Document) -> Pragmas:
    pragmas = Pragmas()
    pending: set[str] = set()
    comment_lines: dict[int, set[str]] = {}
    for index, line in enumerate(doc.lines):
        body = line_body(line)
        if _SKIP_FILE_RE.match(body):
            pragmas.skip_file = True
        match = _PRAGMA_RE.match(body)
        if match:
            ids = [part.strip() for part in match.group("ids").replace(",", " ").split() if part.strip()]
            tool = "dockopt" if match.group("tool") == "dockopt:" else "hadolint"
            entry = Pragma(index, tool, tuple(ids), bool(match.group("global")), body.strip())
            pragmas.entries.append(entry)
            if entry.is_global:
                pragmas.global_ignores.update(ids)
                for selector in ids:
                    pragmas.origins.setdefault((None, selector), []).append(entry.text)
            else:
                comment_lines[index] = set(ids)
    if not comment_lines:
        return pragmas
    # A pragma applies to the instruction right below its block of comment lines.
    starts = {instruction.start: instruction for instruction in doc.instructions}
    texts = {entry.line: entry.text for entry in pragmas.entries}
    for index in sorted(comment_lines):
        pending = set(comment_lines[index])
        below = index + 1
        while below < len(doc.lines) and below not in starts and line_body(doc.lines[below]).lstrip().startswith("#"):
            below += 1
        if below in starts:
            target = starts[below].index
            pragmas.ignores.setdefault(target, set()).update(pending)
            for selector in pending:
                pragmas.origins.setdefault((target, selector), []).append(texts[index])
    return pragmas


_HADOLINT_CODE_RE = re.compile(r"^(DL|SC)\d{4}$", re.IGNORECASE)


def unknown_selector(pragma: Pragma, selector: str) -> str | None:
    """Why a pragma's code names nothing, or None. A hadolint code dockopt does not map is
    hadolint's business, not unknown."""
    from dockopt.registry import unknown_selectors

    if not unknown_selectors([selector]):
        return None
    if pragma.tool == "hadolint":
        if _HADOLINT_CODE_RE.match(selector):
            return None
        return f"{pragma.spelled(selector)}: '{selector}' is neither a hadolint code nor a dockopt rule"
    return f"{pragma.spelled(selector)}: unknown rule '{selector}' (see `dockopt rules`)"


def touched(fix: Fix, doc: Document) -> Iterator[Instruction]:
    lines: set[int] = {fix.line - 1}
    for edit in fix.edits:
        lines.update(range(edit.start, max(edit.stop, edit.start + 1)))
    for instruction in doc.instructions:
        if any(instruction.start <= line <= instruction.end for line in lines):
            yield instruction


def under_tool_directive(doc: Document) -> set[int]:
    """Indexes of instructions right below a comment block with a tool's directive (ours,
    hadolint's, a formatter's or a scanner's): the tool reads the instruction as written."""
    found: set[int] = set()
    for instruction in doc.instructions:
        line = instruction.start - 1
        while line >= 0 and line_body(doc.lines[line]).lstrip().startswith("#"):
            if _TOOL_DIRECTIVE_RE.match(line_body(doc.lines[line])):
                found.add(instruction.index)
                break
            line -= 1
    return found
