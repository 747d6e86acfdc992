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
from typing import TYPE_CHECKING

from dockopt.document import line_body

if TYPE_CHECKING:
    from dockopt.document import Document
    from dockopt.transform import Fix, Transform

_PRAGMA_RE = re.compile(
    r"^\s*#\s*(?P<tool>dockopt:|hadolint)\s*(?P<global>global\s+)?ignore\s*=\s*(?P<ids>[A-Za-z0-9_\-, ]+?)\s*(?:#.*)?$"
)
_SKIP_FILE_RE = re.compile(r"^\s*#\s*dockopt:\s*skip-file\b")
# Other tools' directives for the instruction below: `# dockerfmt-ignore`, `# checkov:skip=CKV_X`,
# `# trivy:ignore:AVD-DS-0002`, `# kics-scan ignore-line`, `# noqa`.
_TOOL_DIRECTIVE_RE = re.compile(
    r"^\s*#\s*(?:[\w.-]+(?:-ignore\b|:(?:ignore|skip)\b|\s+ignore(?:=|-line\b|-block\b|\s*$))|noqa\b|nosec\b)",
    re.IGNORECASE,
)


@dataclass
class Pragmas:
    skip_file: bool = False
    global_ignores: set[str] = field(default_factory=set)
    # instruction index -> selectors that suppress fixes touching it
    ignores: dict[int, set[str]] = field(default_factory=dict)

    def suppresses(self, transform: type[Transform], selectors: set[str]) -> bool:
        return any(transform.matches(s) for s in selectors)

    def suppressed(self, fix: Fix, transform: type[Transform], doc: Document) -> bool:
        if self.suppresses(transform, self.global_ignores):
            return True
        if not self.ignores:
            return False
        for instruction in _touched(fix, doc):
            if self.suppresses(transform, self.ignores.get(instruction.index, set())):
                return True
        return False


def parse_pragmas(doc: Document) -> Pragmas:
    pragmas = Pragmas()
    pending: set[str] = set()
    comment_lines: dict[int, set[str]] = {}
    for index, line in enumerate(doc.lines):
        body = line_body(line)
        if _SKIP_FILE_RE.match(body):
            pragmas.skip_file = True
        match = _PRAGMA_RE.match(body)
        if match:
            ids = {part.strip() for part in match.group("ids").replace(",", " ").split() if part.strip()}
            if match.group("global"):
                pragmas.global_ignores |= ids
            else:
                comment_lines[index] = ids
    if not comment_lines:
        return pragmas
    # A pragma applies to the instruction right below its block of comment lines.
    starts = {instruction.start: instruction for instruction in doc.instructions}
    for index in sorted(comment_lines):
        pending = set(comment_lines[index])
        line = index + 1
        while line < len(doc.lines) and line not in starts and line_body(doc.lines[line]).lstrip().startswith("#"):
            pending |= comment_lines.get(line, set())
            line += 1
        if line in starts:
            pragmas.ignores.setdefault(starts[line].index, set()).update(pending)
    return pragmas


def _touched(fix: Fix, doc: Document):
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
