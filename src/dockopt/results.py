"""What a run reports: one `Fix` per result, in the user's coordinates, from the engine to the output.

ruff's split of words: `message` says what is wrong, `title` what the fix does, and `reason` why an
unsafe fix may change the image. Each result keeps its range in the user's file (line and column,
start and end, 1-based, the end column exclusive) and, when it was applied, its own edits in that
file: applied alone to the original they make that result's change; the edits of all results
together make the `--write` output. Results that rewrite each other's lines cannot be separated:
the first of them carries their joint edits and names the others in `together_with`.

A fix may also change a companion file of the build (`.dockerignore`): `files` holds each such
file's whole text before and after, so every output shows it as a diff of its own and `--write`
replaces it atomically, next to the Dockerfile.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dockopt.edits import Edit


class Safety(str, enum.Enum):
    """A fix's applicability (ruff's safe / unsafe / display-only)."""

    SAFE = "safe"  # the image and its behaviour stay the same
    UNSAFE = "unsafe"  # may change them: applied only with --unsafe-fixes
    DISPLAY = "finding"  # reported, with no edit: shown, never applied
    FINDING = "finding"


class Severity(str, enum.Enum):
    """How much a rule's finding matters, for `dockopt check --fail-level` (hadolint's levels)."""

    ERROR = "error"  # a security or correctness problem: a leaked secret, a build that fails
    WARNING = "warning"  # likely trouble: deprecated, unreproducible, root at run time
    INFO = "info"  # a missed optimisation: layers, caches, image size
    STYLE = "style"  # a matter of form

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """A level by name, any case (`ValueError` for an unknown one)."""
        return cls(value.strip().lower())


_SEVERITY_RANK = {Severity.STYLE: 1, Severity.INFO: 2, Severity.WARNING: 3, Severity.ERROR: 4}


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (line, column) to (end_line, end_column) of the user's file.

    Lines and columns are 1-based; the end column is exclusive, so an insertion has start == end.
    `content` uses "\\n" line ends (writers use the file's own).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": {"row": self.line, "column": self.column},
            "end_location": {"row": self.end_line, "column": self.end_column},
            "content": self.content,
        }


@dataclass(frozen=True)
class FileEdit:
    """A companion file's change: its path (as the run names it) and its whole text before and
    after; `before` is None for a file the fix creates."""

    path: str
    before: str | None
    after: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "created": self.before is None, "content": self.after}


@dataclass(frozen=True)
class Fix:
    code: str
    name: str
    message: str  # what is wrong (for a fix made by the transform: what the fix does, until split)
    line: int  # 1-based; the user's file once the engine has placed it
    safety: Safety
    edits: tuple[Edit, ...] = ()  # line edits of the text the transform read (engine use only)
    applied: bool = False
    column: int = 1
    end_line: int = 0  # 0: the same line as `line`
    end_column: int = 0  # 0: the end of that line
    title: str | None = None  # what the fix does
    reason: str | None = None  # for an unsafe fix: what may change
    fix_edits: tuple[TextEdit, ...] | None = None  # its own edits in the user's file (None: carried by another)
    together_with: tuple[str, ...] = field(default=())  # `CODE@line` of results it cannot be separated from
    files: tuple[FileEdit, ...] = ()  # changes to companion files (`.dockerignore`), not the Dockerfile

    @property
    def is_finding(self) -> bool:
        return not self.edits and not self.files

    @property
    def text(self) -> str:
        """The line the text output prints: what the fix does (or what is wrong), then why unsafe."""
        head = self.title or self.message
        return f"{head} (unsafe: {self.reason})" if self.reason else head

    @property
    def ident(self) -> str:
        return f"{self.code}@{self.line}"

    def replace(self, **changes: Any) -> Fix:
        # The engine places and marks every result of every round: a copy of the fields, without
        # dataclasses.replace's call of __init__ (Fix has no derived state to rebuild).
        unknown = changes.keys() - _FIX_FIELDS
        if unknown:
            raise TypeError(f"Fix has no field {sorted(unknown)[0]!r}")
        copied = object.__new__(Fix)
        copied.__dict__.update(self.__dict__)
        copied.__dict__.update(changes)
        return copied

    def as_dict(self) -> dict[str, Any]:
        """The result for machine formats and for the batch workers' results."""
        found: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "end_column": self.end_column,
            "safety": self.safety.value,
            "applied": self.applied,
            "text": self.text,
        }
        if not self.is_finding:
            found["fix"] = {
                "applicability": self.safety.value,
                "title": self.title or self.message,
                "reason": self.reason,
                "edits": None if self.fix_edits is None else [edit.as_dict() for edit in self.fix_edits],
                "together_with": list(self.together_with),
            }
            if self.files:
                found["fix"]["files"] = [change.as_dict() for change in self.files]
        return found


def apply_text_edits(text: str, edits: list[TextEdit]) -> str:
    """`text` (the user's file) with `edits` applied, as an editor or a SARIF client applies them.

    Edits must not overlap; an insertion at the start of a replaced region goes before it.
    """
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line > len(lines):
            return len(text)
        return starts[line - 1] + column - 1

    ordered = sorted(edits, key=lambda e: (offset(e.line, e.column), offset(e.end_line, e.end_column)), reverse=True)
    for edit in ordered:
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        text = text[:start] + edit.content + text[end:]
    return text


_FIX_FIELDS = frozenset(item.name for item in fields(Fix))
