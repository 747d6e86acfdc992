"""Output formats that CI tools read, one small module each, fed from the batch's `FileResult`s.

    lint        `dockopt check`'s text: one line per finding, and `--statistics`
    gitlab      GitLab Code Quality (a JSON array)
    junit       JUnit XML (a test case per finding)
    checkstyle  Checkstyle XML

The older formats of `dockopt fix` (text, json, sarif, github) live in `dockopt.output`. Every
reporter here only reads `FileResult` fields (path, status, fixes as dicts, error) and the
helpers below, so a later change of the result objects moves them in one place.
"""

from __future__ import annotations

import os
import re
from typing import Any

_LINE_RE = re.compile(r"\bline (\d+)\b")


def error_line(reason: str | None) -> int:
    """The line a file-level error names (`line 3: unknown instruction`), else 1."""
    match = _LINE_RE.search(reason or "")
    return int(match.group(1)) if match else 1


def workspace_path(path: str, *env_vars: str) -> str:
    """`path` relative to the CI workspace (the first of `env_vars` set, else the current folder),
    with `/` separators. A path outside it stays absolute and whole: never a stripped `/`."""
    if path == "-":
        return path
    root = next((os.environ[name] for name in env_vars if os.environ.get(name)), None) or os.getcwd()
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # another drive (Windows)
        relative = ".."
    if relative == ".." or relative.startswith(".." + os.sep):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def fix_mark(item: dict[str, Any]) -> str:
    """`[*]` for a fix `dockopt fix --write` makes, `[unsafe]` for one it makes with --unsafe-fixes."""
    if item["applied"]:
        return "[*]"
    if ("fix" in item) and item["safety"] == "unsafe":
        return "[unsafe]"
    return ""


def ordered(fixes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A file's findings top to bottom, left to right."""
    return sorted(fixes, key=lambda item: (item["line"], item.get("column", 1), item["code"]))
