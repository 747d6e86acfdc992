"""Checkstyle XML, as Jenkins (warnings-ng), reviewdog and many CI dashboards read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from dockopt.formats import ordered, error_line
from dockopt.reporting import Reporter, Summary

if TYPE_CHECKING:
    from dockopt.batch import FileResult

SEVERITIES = {"error": "error", "warning": "warning", "info": "info", "style": "info"}


class CheckstyleReporter(Reporter):
    def start(self) -> None:
        self.root = ET.Element("checkstyle", version="4.3")

    def file(self, result: FileResult) -> None:
        self._error_line(result)
        element = ET.SubElement(self.root, "file", name=result.path)
        if result.status == "error":
            self._add(element, error_line(result.error), "error", result.error or "error", "dockopt.error")
            return
        for item in ordered(result.fixes):
            self._add(element, item["line"], SEVERITIES[item["severity"]], f"{item['code']}: {item['text']}", f"dockopt.{item['code']}")

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self._add(ET.SubElement(self.root, "file", name=path), 1, "error", reason, "dockopt.error")

    @staticmethod
    def _add(element: ET.Element, line: int, severity: str, message: str, source: str) -> None:
        ET.SubElement(element, "error", line=str(line), column="1", severity=severity, message=message, source=source)

    def finish(self, summary: Summary) -> None:
        ET.indent(self.root)
        self.streams.out('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(self.root, encoding="unicode") + "\n")
