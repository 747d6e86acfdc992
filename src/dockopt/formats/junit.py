"""JUnit XML: a test suite per Dockerfile, a failing test case per finding, a passing one for a
clean file, an error for a file that could not be read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from dockopt.formats import ordered, error_line, fix_mark
from dockopt.reporting import Reporter, Summary

if TYPE_CHECKING:
    from dockopt.batch import FileResult


class JunitReporter(Reporter):
    def start(self) -> None:
        self.root = ET.Element("testsuites", name="dockopt")

    def file(self, result: FileResult) -> None:
        self._error_line(result)
        suite = self._suite(result.path)
        if result.status == "error":
            self._error(suite, result.path, result.error or "error")
            return
        if not result.fixes:
            ET.SubElement(suite, "testcase", name="dockopt", classname=result.path, file=result.path)
        for item in ordered(result.fixes):
            name = f"{item['code']} {item['name']} (line {item['line']})"
            case = ET.SubElement(suite, "testcase", name=name, classname=result.path, file=result.path, line=str(item["line"]))
            mark = fix_mark(item)
            text = f"{result.path}:{item['line']}:{item.get('column', 1)}: {item['code']} {item['severity']}{' ' + mark if mark else ''}: {item['text']}"
            failure = ET.SubElement(case, "failure", message=item["text"], type=item["code"])
            failure.text = text
        self._count(suite)

    def missing(self, path: str, reason: str) -> None:
        super().missing(path, reason)
        self._error(self._suite(path), path, reason)

    def _suite(self, path: str) -> ET.Element:
        return ET.SubElement(self.root, "testsuite", name=path)

    def _error(self, suite: ET.Element, path: str, reason: str) -> None:
        case = ET.SubElement(suite, "testcase", name="dockopt", classname=path, file=path, line=str(error_line(reason)))
        error = ET.SubElement(case, "error", message=reason, type="dockopt-error")
        error.text = f"{path}: {reason}"
        self._count(suite)

    @staticmethod
    def _count(element: ET.Element) -> None:
        cases = element.findall(".//testcase")
        element.set("tests", str(len(cases)))
        element.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
        element.set("errors", str(sum(1 for case in cases if case.find("error") is not None)))

    def finish(self, summary: Summary) -> None:
        self._count(self.root)
        ET.indent(self.root)
        text = ET.tostring(self.root, encoding="unicode")
        self.streams.out('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")
