"""The change as a unified diff: byte-faithful, so `git apply` and `patch` take it as is.

Lines keep their own endings (CRLF stays CRLF) and a missing final newline is marked as `patch`
expects. Headers carry `a/` and `b/` paths and no timestamps.
"""

from __future__ import annotations

import os
from difflib import unified_diff as _difflib_unified_diff

from dockopt.text import split_lines

NO_NEWLINE = "\\ No newline at end of file\n"


def header_path(path: str) -> str:
    """The path in `a/...` headers: as shown, without `./` or a leading `/`."""
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def unified_diff(path: str, before: str | None, after: str) -> str:
    """`before` None: a new file (`--- /dev/null`, as git writes it, so `git apply` creates it)."""
    name = header_path(path)
    out = []
    for line in _difflib_unified_diff(
        split_lines(before or ""), split_lines(after), "/dev/null" if before is None else f"a/{name}", f"b/{name}", lineterm="\n"
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)
