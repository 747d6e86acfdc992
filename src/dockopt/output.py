"""What the user sees: the diff, the list of changes, the summary, and the machine formats.

stdout carries the product (the diff, the fixed text for stdin, JSON, SARIF, GitHub annotations)
so it can be piped into `git apply` or a file; stderr carries the change list, hints, the summary
and errors. The diff is byte-faithful: lines keep their own endings (CRLF stays CRLF) and a
missing final newline is marked as `patch` expects, so `git apply` takes it as is.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from dockopt.diffs import header_path
from dockopt.reporting import Reporter, Summary, color_diff, paint

if TYPE_CHECKING:
    from dockopt.batch import CompanionChange, FileResult
    from dockopt.transform import Transform

class TextReporter(Reporter):
    def file(self, result: FileResult) -> None:
        streams, mode = self.streams, self.mode
        if result.changed and result.diff and mode.diff:
            streams.out(color_diff(result.diff) if streams.color_out else result.diff)
        if result.status == "error":
            self._error_line(result)  # one line: the fixes of a file that failed mean nothing
            return
        if mode.quiet:
            return
        color = streams.color_err
        if result.changed and mode.check:
            streams.err(f"would fix {result.path}\n")
        from dockopt.formats import ordered

        for item in ordered(result.fixes):
            streams.err(_change_line(result.path, item, color))

    def finish(self, summary: Summary) -> None:
        if self.mode.quiet:
            return
        lines = []
        if self.mode.table and len(summary.by_root) > 1:
            self.streams.err(summary.root_table())
        if self.mode.batch and summary.scanned:
            verb = "fixed" if self.mode.write else "would change"
            lines.append(
                f"Scanned {_count(summary.scanned, 'file')}: {summary.changed} {verb}, {summary.unchanged} unchanged, "
                f"{summary.failed} failed, {summary.skipped} skipped."
            )
            if summary.fixes_by_code:
                parts = ", ".join(f"{code} \u00d7{n}" for code, n in sorted(summary.fixes_by_code.items()))
                lines.append(f"Fixes: {parts}")
        elif summary.fixes_by_code and self.mode.write:
            lines.append(f"Fixed {_count(sum(summary.fixes_by_code.values()), 'issue')}.")
        if summary.fixes_by_code and not self.mode.write:
            lines.append(f"{_count(sum(summary.fixes_by_code.values()), 'fix', 'fixes')} marked [*]: apply with --write.")
        if summary.unsafe_left_out:
            lines.append(f"{_count(summary.unsafe_left_out, 'unsafe fix', 'unsafe fixes')} left out (use --unsafe-fixes).")
        if lines:
            self.streams.err("\n".join(lines) + "\n")


def _change_line(path: str, item: dict[str, Any], color: bool) -> str:
    if item["applied"]:
        mark = " " + paint("[*]", "+", color)
    elif ("fix" in item) and item["safety"] == "unsafe":
        mark = " " + paint("[unsafe]", "yellow", color)
    else:
        mark = ""
    code = paint(item["code"], "bold", color)
    return f"{path}:{item['line']}: {code}{mark} {item['text']}\n"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


class JsonReporter(Reporter):
    """Streamed, so thousands of files never sit in memory: {"files": [...], "summary": {...}}."""

    def start(self) -> None:
        self.first = True
        self.streams.out('{\n  "version": ' + json.dumps(_version()) + ',\n  "files": [')

    def _item(self, entry: dict[str, Any]) -> None:
        text = json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        self.streams.out(("\n    " if self.first else ",\n    ") + text)
        self.first = False

    def file(self, result: FileResult) -> None:
        self._error_line(result)
        self._item(
            {
                "path": result.path,
                "status": result.status,
                "changed": result.changed,
                "written": result.written,
                "fixes": result.fixes,
                "error": result.error,
                "skipped": result.skipped,
                "diff": result.diff,
            }
        )

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self._item({"path": path, "status": "error", "changed": False, "written": False, "fixes": [], "error": reason, "skipped": None, "diff": None})

    def finish(self, summary: Summary) -> None:
        tail = json.dumps(summary.as_dict(), indent=2).replace("\n", "\n  ")
        self.streams.out(("\n  ]" if not self.first else "]") + ',\n  "summary": ' + tail + "\n}\n")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one annotation per change or finding, each with a line and
    a column, on a path relative to the workspace ($GITHUB_WORKSPACE, else the current folder) so
    GitHub can put it on the file."""

    LEVELS = {"error": "error", "warning": "warning", "info": "notice", "style": "notice"}

    def file(self, result: FileResult) -> None:
        from dockopt.formats import error_line, ordered

        self._error_line(result)
        path = _gh_property(_workspace_path(result.path))
        if result.status == "error":
            line = error_line(result.error)
            self.streams.out(f"::error file={path},line={line},col=1,title=dockopt::{_gh_data(result.error or '')}\n")
        for item in ordered(result.fixes):
            level = self.LEVELS.get(item.get("severity", ""), "warning")
            title = _gh_property(f"{item['code']} {item['name']}")
            where = f"line={item['line']},col={item.get('column', 1)}"
            if item.get("end_line", item["line"]) != item["line"]:
                where += f",endLine={item['end_line']}"
            self.streams.out(f"::{level} file={path},{where},title={title}::{_gh_data(item['text'])}\n")

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self.streams.out(f"::error file={_gh_property(_workspace_path(path))},line=1,col=1,title=dockopt::{_gh_data(reason)}\n")


def _workspace_path(path: str) -> str:
    from dockopt.formats import workspace_path

    return workspace_path(path, "GITHUB_WORKSPACE")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class SarifReporter(Reporter):
    """SARIF 2.1.0, one run; results carry `fixes` (line-based replacements) for code scanning."""

    SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

    def start(self) -> None:
        from dockopt.registry import all_transforms

        self.rules = list(all_transforms())
        self.rule_index = {rule.code: index for index, rule in enumerate(self.rules)}
        self.first = True
        self.notifications: list[dict[str, Any]] = []
        driver = {
            "name": "dockopt",
            "version": _version(),
            "informationUri": "https://pypi.org/project/dockopt/",
            "rules": [_sarif_rule(rule) for rule in self.rules],
        }
        head = {"$schema": self.SCHEMA, "version": "2.1.0"}
        text = json.dumps(head, indent=2)[:-2]  # leave the object open
        tool = json.dumps({"driver": driver}, indent=2).replace("\n", "\n      ")
        self.streams.out(f'{text},\n  "runs": [\n    {{\n      "tool": {tool},\n      "results": [')

    def file(self, result: FileResult) -> None:
        self._error_line(result)
        if result.status == "error":
            self._notify(result.path, result.error or "error")
        uri = _sarif_uri(result.path)
        for item in result.fixes:
            region = {"startLine": item["line"], "startColumn": item["column"], "endLine": item["end_line"]}
            if item["end_column"]:
                region["endColumn"] = item["end_column"]
            entry = {
                "ruleId": item["code"],
                "ruleIndex": self.rule_index.get(item["code"], -1),
                "level": _SARIF_LEVELS.get(item.get("severity", ""), "warning"),
                "message": {"text": item["text"]},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
                "properties": {"applied": item["applied"], "applicability": item["safety"], "severity": item.get("severity")},
            }
            fix = item.get("fix")
            if fix is not None and fix["together_with"]:
                entry["properties"]["together_with"] = fix["together_with"]
            if fix is not None and (fix["edits"] or (item["applied"] and fix.get("files"))):
                title = fix["title"] + (f" (with {', '.join(fix['together_with'])}: they rewrite the same lines)" if fix["together_with"] else "")
                changes = []
                if fix["edits"]:
                    changes.append(
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": edit["location"]["row"],
                                        "startColumn": edit["location"]["column"],
                                        "endLine": edit["end_location"]["row"],
                                        "endColumn": edit["end_location"]["column"],
                                    },
                                    "insertedContent": {"text": edit["content"]},
                                }
                                for edit in fix["edits"]
                            ],
                        }
                    )
                paths = {change["path"] for change in fix.get("files", ())}
                changes.extend(_sarif_file_change(change) for change in result.files if change["path"] in paths)
                entry["fixes"] = [{"description": {"text": title}, "artifactChanges": changes}]
            if entry["ruleIndex"] < 0:
                del entry["ruleIndex"]
            text = json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n        ")
            self.streams.out(("\n        " if self.first else ",\n        ") + text)
            self.first = False

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self._notify(path, reason)

    def _notify(self, path: str, reason: str) -> None:
        from dockopt.formats import error_line

        region = {"startLine": error_line(reason), "startColumn": 1}
        self.notifications.append(
            {
                "level": "error",
                "message": {"text": f"{path}: {reason}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _sarif_uri(path)}, "region": region}}],
            }
        )

    def finish(self, summary: Summary) -> None:
        invocation = {"executionSuccessful": not summary.failed, "toolExecutionNotifications": self.notifications}
        inv = json.dumps([invocation], indent=2, ensure_ascii=False).replace("\n", "\n      ")
        close = "\n      ]" if not self.first else "]"
        self.streams.out(f'{close},\n      "invocations": {inv}\n    }}\n  ]\n}}\n')


def _sarif_rule(rule: type[Transform]) -> dict[str, Any]:
    doc = rule.doc()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _first_paragraph(doc) or rule.title},
        "help": {"text": doc or rule.title, "markdown": doc or rule.title},
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity.value]},
        "properties": {
            "safety": rule.safety.value,
            "severity": rule.severity.value,
            "aliases": list(rule.aliases),
            "tags": [rule.safety.value],
        },
    }


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "style": "note"}


def _first_paragraph(doc: str) -> str:
    return doc.split("\n\n", 1)[0].strip()


def _sarif_file_change(change: CompanionChange) -> dict[str, Any]:
    """A companion file's change as one SARIF replacement: what is added at its end, or all of it."""
    before, after = change["before"] or "", change["after"]
    lines = before.splitlines(keepends=True) or [""]
    if after.startswith(before):
        # the end of the old text: after its last line, or at the end of an unterminated one
        end = {"startLine": len(lines) + 1, "startColumn": 1} if before.endswith("\n") else {"startLine": len(lines), "startColumn": len(lines[-1]) + 1}
        region, text = {**end, "endLine": end["startLine"], "endColumn": end["startColumn"]}, after[len(before) :]
    else:
        region = {"startLine": 1, "startColumn": 1, "endLine": len(lines) + 1, "endColumn": 1}
        text = after
    return {"artifactLocation": {"uri": _sarif_uri(change["path"])}, "replacements": [{"deletedRegion": region, "insertedContent": {"text": text}}]}


def _sarif_uri(path: str) -> str:
    if path == "-":
        return "stdin"
    if os.path.isabs(path):
        from pathlib import Path

        return Path(path).as_uri()
    from urllib.parse import quote

    return quote(header_path(path))


def _version() -> str:
    from dockopt import __version__

    return __version__


REPORTERS = {"text": TextReporter, "json": JsonReporter, "sarif": SarifReporter, "github": GithubReporter}
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "checkstyle")


def reporter_class(output_format: str, *, lint: bool = False, statistics: bool = False) -> type[Reporter]:
    """The reporter for a format; `lint` for `dockopt check` (its own text and statistics)."""
    if statistics:
        from dockopt.formats.lint import JsonStatisticsReporter, StatisticsReporter

        return JsonStatisticsReporter if output_format == "json" else StatisticsReporter
    if lint and output_format == "text":
        from dockopt.formats.lint import LintTextReporter

        return LintTextReporter
    if output_format in REPORTERS:
        return REPORTERS[output_format]
    from importlib import import_module

    module = import_module(f"dockopt.formats.{output_format}")
    found: type[Reporter] = getattr(module, f"{output_format.capitalize()}Reporter")
    return found
