"""Line edits: the only way a transform changes a file.

An edit replaces the whole lines `start..stop` (0-based, half-open) of the text it was computed
on; `start == stop` inserts before line `start`. Edits are applied bottom-up, so every line
outside them comes out byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    start: int
    stop: int
    text: str  # whole lines, each ending in "\n" (the engine converts to the file's newline)

    @classmethod
    def replace(cls, start: int, end: int, text: str) -> Edit:
        """Replace lines start..end inclusive."""
        return cls(start, end + 1, text)

    @classmethod
    def insert(cls, before: int, text: str) -> Edit:
        return cls(before, before, text)

    @classmethod
    def delete(cls, start: int, end: int) -> Edit:
        return cls(start, end + 1, "")

    def overlaps(self, other: Edit) -> bool:
        if self.start == self.stop or other.start == other.stop:
            # An insertion collides with another edit at the same point or strictly inside it.
            point, span = (self, other) if self.start == self.stop else (other, self)
            if span.start == span.stop:
                return point.start == span.start
            return span.start < point.start < span.stop
        return self.start < other.stop and other.start < self.stop


def apply_edits(lines: list[str], edits: list[Edit], newline: str) -> list[str]:
    """New lines with non-overlapping `edits` applied; the caller guarantees they do not overlap."""
    result = list(lines)
    ends_without_newline = bool(lines) and not lines[-1].endswith("\n")
    for edit in sorted(edits, key=lambda e: (e.start, e.stop), reverse=True):
        new = _normalise(edit.text, newline)
        if ends_without_newline and edit.stop >= len(lines) and new and edit.start < len(lines):
            new[-1] = new[-1].rstrip("\r\n")  # the file had no final newline: keep it that way
        elif edit.start >= len(lines) and result and not result[-1].endswith("\n"):
            result[-1] += newline  # appending after a last line that had no newline
        result[edit.start : edit.stop] = new
    return result


def _normalise(text: str, newline: str) -> list[str]:
    from dockopt.text import split_lines

    lines = split_lines(text)
    out = []
    for line in lines:
        body = line.rstrip("\r\n")
        out.append(body + newline)
    return out
