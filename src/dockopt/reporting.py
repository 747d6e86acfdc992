"""The parts every output format shares: the two streams, colour, the run's summary, the mode
the command runs in, and the `Reporter` each format implements (one call per file, then the end).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, TextIO

from dockopt.text import split_lines

if TYPE_CHECKING:
    from dockopt.batch import FileResult


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_wanted(stream: TextIO, no_color: bool) -> bool:
    """--no-color and NO_COLOR turn colour off; FORCE_COLOR (any value but empty) turns it on
    where no terminal is (CI logs); otherwise a terminal gets colour."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


class Streams:
    """stdout as bytes (exact line endings) unless it is a terminal; stderr as text.

    With `output_file`, what would go to stdout goes to that file instead (uncoloured), written
    to a sibling temporary file and moved into place by `close()`.
    """

    def __init__(self, no_color: bool = False, output_file: str | None = None):
        self.output_file = output_file
        self.file: BinaryIO | None = None
        if output_file is not None:
            self.file = open(f"{output_file}.dockopt-tmp", "wb")  # noqa: SIM115 (closed by close())
        self.out_terminal = is_terminal(sys.stdout) and self.file is None
        self.color_out = color_wanted(sys.stdout, no_color) and self.file is None
        self.color_err = color_wanted(sys.stderr, no_color)

    def close(self) -> None:
        if self.file is not None and self.output_file is not None:
            self.file.close()
            os.replace(self.file.name, self.output_file)
            self.file = None

    def out(self, text: str) -> None:
        if self.file is not None:
            self.file.write(text.encode("utf-8", "surrogateescape"))
            return
        stream = sys.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is None or self.out_terminal:
            stream.write(text)  # a terminal (maybe behind a progress bar): text is what it wants
            return
        stream.flush()
        buffer.write(text.encode("utf-8", "surrogateescape"))  # undecodable file names stay as they were
        buffer.flush()

    def out_bytes(self, data: bytes) -> None:
        if self.file is not None:
            self.file.write(data)
            return
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            buffer.write(data)
            buffer.flush()

    def err(self, text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    def error(self, path: str, reason: str) -> None:
        self.err(f"dockopt: error: {path}: {reason}\n")


_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "bold": "\x1b[1m", "dim": "\x1b[2m", "yellow": "\x1b[33m"}
_RESET = "\x1b[0m"


def color_diff(diff: str) -> str:
    out = []
    for line in split_lines(diff):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if line.startswith(("--- ", "+++ ")):
            code = _COLORS["bold"]
        else:
            code = _COLORS.get(line[:1], "")
        out.append(f"{code}{body}{_RESET}{ending}" if code else line)
    return "".join(out)


def paint(text: str, color: str, enabled: bool) -> str:
    return f"{_COLORS[color]}{text}{_RESET}" if enabled else text


@dataclass
class Summary:
    scanned: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    fixes_by_code: Counter[str] = field(default_factory=Counter)
    unsafe_left_out: int = 0
    findings: int = 0
    # per command-line argument (one repository each, in `dockopt fix ~/src/*/`)
    by_root: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        row = self.by_root.setdefault(result.group, Counter())
        row["scanned"] += 1
        row[{"changed": "changed", "ok": "unchanged", "error": "failed"}.get(result.status, "skipped")] += 1
        row["fixes"] += sum(1 for item in result.fixes if item["applied"]) if result.status != "error" else 0
        self.scanned += 1
        if result.status == "changed":
            self.changed += 1
        elif result.status == "ok":
            self.unchanged += 1
        elif result.status == "error":
            self.failed += 1
        else:
            self.skipped += 1
        if result.status == "error":
            return  # nothing of a failed file was applied
        for item in result.fixes:
            if item["applied"]:
                self.fixes_by_code[item["code"]] += 1
            elif ("fix" in item) and item["safety"] == "unsafe":
                self.unsafe_left_out += 1
            elif "fix" not in item:
                self.findings += 1

    def add_missing(self) -> None:
        """A path that named nothing we could read (missing, no Dockerfile inside)."""
        self.failed += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "scanned": self.scanned,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": self.skipped,
            "fixes_by_code": dict(sorted(self.fixes_by_code.items())),
            "unsafe_fixes_left_out": self.unsafe_left_out,
            "findings": self.findings,
            "by_root": {root: dict(row) for root, row in self.by_root.items()},
        }

    def root_table(self) -> str:
        """One row per command-line argument: the per-repository summary of a migration."""
        headers = ("path", "scanned", "changed", "unchanged", "failed", "skipped", "fixes")
        rows = [(root, *(str(row[key]) for key in headers[1:])) for root, row in self.by_root.items()]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

        def render(r: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))

        return "\n".join([render(headers), "  ".join("-" * w for w in widths), *map(render, rows)]) + "\n"


@dataclass(frozen=True)
class Mode:
    write: bool = False
    check: bool = False
    diff: bool = True
    quiet: bool = False
    batch: bool = False  # more than one file or a folder: print the summary
    table: bool = False  # several folders named (a migration): one summary row per folder


class Reporter:
    def __init__(self, streams: Streams, mode: Mode):
        self.streams = streams
        self.mode = mode

    def start(self) -> None:
        pass

    def file(self, result: FileResult) -> None:
        raise NotImplementedError

    def missing(self, path: str, reason: str) -> None:
        self.streams.error(path, reason)

    def finish(self, summary: Summary) -> None:
        pass

    def _error_line(self, result: FileResult) -> None:
        if result.status == "error":
            self.streams.error(result.path, result.error or "unknown error")
