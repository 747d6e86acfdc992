"""`dockopt check`'s text output: one line per finding, `path:line:col: CODE severity [*]: message`,
then a one-line summary; or, with `--statistics`, one row per rule (text or JSON)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from dockopt.formats import fix_mark, ordered
from dockopt.reporting import Reporter, Summary, paint

if TYPE_CHECKING:
    from dockopt.batch import FileResult

LEVELS = ("error", "warning", "info", "style")
_COLOURS = {"error": "-", "warning": "yellow", "info": "@", "style": "dim"}


class Tally:
    """How many findings, by severity, and how many of them a `dockopt fix --write` would fix."""

    def __init__(self) -> None:
        self.by_severity: Counter[str] = Counter()
        self.fixable = 0
        self.unsafe = 0

    def add(self, item: dict[str, Any]) -> None:
        self.by_severity[item["severity"]] += 1
        mark = fix_mark(item)
        self.fixable += mark == "[*]"
        self.unsafe += mark == "[unsafe]"

    def sentence(self) -> str:
        total = sum(self.by_severity.values())
        if not total:
            return "All checks passed."
        levels = ", ".join(f"{self.by_severity[level]} {level}{'s' if level in ('error', 'warning') and self.by_severity[level] != 1 else ''}"
                           for level in LEVELS if self.by_severity[level])
        text = f"Found {total} problem{'s' if total != 1 else ''} ({levels})."
        if self.fixable:
            text += f" {self.fixable} fixable with `dockopt fix --write`."
        if self.unsafe:
            text += f" {self.unsafe} more with `--unsafe-fixes`."
        return text


class LintTextReporter(Reporter):
    def start(self) -> None:
        self.tally = Tally()

    def file(self, result: FileResult) -> None:
        if result.status == "error":
            self._error_line(result)
            return
        color = self.streams.color_out
        for item in ordered(result.fixes):
            self.tally.add(item)
            mark = fix_mark(item)
            code = paint(item["code"], "bold", color)
            severity = paint(item["severity"], _COLOURS[item["severity"]], color)
            self.streams.out(f"{result.path}:{item['line']}:{item.get('column', 1)}: {code} {severity}{' ' + mark if mark else ''}: {item['text']}\n")

    def finish(self, summary: Summary) -> None:
        if not self.mode.quiet:
            self.streams.out(self.tally.sentence() + "\n")


class StatisticsReporter(Reporter):
    """`--statistics`: one row per rule, most frequent first."""

    as_json = False

    def start(self) -> None:
        self.counts: Counter[str] = Counter()
        self.fixable: Counter[str] = Counter()
        self.rules: dict[str, tuple[str, str]] = {}

    def file(self, result: FileResult) -> None:
        if result.status == "error":
            self._error_line(result)
            return
        for item in result.fixes:
            self.counts[item["code"]] += 1
            self.fixable[item["code"]] += fix_mark(item) == "[*]"
            self.rules[item["code"]] = (item["name"], item["severity"])

    def finish(self, summary: Summary) -> None:
        rows = sorted(self.counts.items(), key=lambda pair: (-pair[1], pair[0]))
        if self.as_json:
            items = [
                {"code": code, "name": self.rules[code][0], "severity": self.rules[code][1], "count": count, "fixable": self.fixable[code]}
                for code, count in rows
            ]
            self.streams.out(json.dumps(items, indent=2) + "\n")
            return
        width = max((len(str(count)) for _, count in rows), default=1)
        for code, count in rows:
            name, severity = self.rules[code]
            mark = "[*]" if self.fixable[code] else "   "
            self.streams.out(f"{count:>{width}}  {code}  {severity:<7}  {mark} {name}\n")


class JsonStatisticsReporter(StatisticsReporter):
    as_json = True
