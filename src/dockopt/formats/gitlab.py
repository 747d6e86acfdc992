"""GitLab Code Quality: a JSON array of issues (`artifacts: reports: codequality: dockopt.json`).

Paths are relative to the project ($CI_PROJECT_DIR, else the current folder). The fingerprint
leaves the line number out, so a finding keeps its identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from dockopt.formats import ordered, error_line, workspace_path
from dockopt.reporting import Reporter, Summary

if TYPE_CHECKING:
    from dockopt.batch import FileResult

SEVERITIES = {"error": "critical", "warning": "major", "info": "minor", "style": "info"}


class GitlabReporter(Reporter):
    def start(self) -> None:
        self.issues: list[dict[str, Any]] = []
        self.seen: Counter[tuple[str, str, str]] = Counter()

    def file(self, result: FileResult) -> None:
        self._error_line(result)
        if result.status == "error":
            self._issue(result.path, "dockopt-error", result.error or "error", "blocker", error_line(result.error))
            return
        for item in ordered(result.fixes):
            self._issue(result.path, item["code"], item["text"], SEVERITIES[item["severity"]], item["line"])

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self._issue(path, "dockopt-error", reason, "blocker", 1)

    def _issue(self, path: str, check: str, message: str, severity: str, line: int) -> None:
        shown = workspace_path(path, "CI_PROJECT_DIR")
        key = (shown, check, message)
        self.seen[key] += 1
        fingerprint = hashlib.sha256("\0".join([*key, str(self.seen[key])]).encode("utf-8", "surrogateescape")).hexdigest()
        self.issues.append(
            {
                "description": f"{check}: {message}",
                "check_name": check,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {"path": shown, "lines": {"begin": line}},
            }
        )

    def finish(self, summary: Summary) -> None:
        self.streams.out(json.dumps(self.issues, indent=2, ensure_ascii=False) + "\n")
