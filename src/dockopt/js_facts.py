"""What a Node app in the build context writes, found by reading its sources (never running them).

A light scan, not a JavaScript parser: calls of `fs` functions that write (`writeFile`, `mkdir`,
`createWriteStream`, ...), multer upload folders and SQLite database files, in the app's own
`.js`/`.mjs`/`.cjs`/`.ts` files (dependencies, builds and tests are skipped). A write into the
system's temp folder is not one. The work is bounded by what is read (files and bytes), so the
same context always gives the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dockopt.context import BuildContext

MAX_FILES = 400
MAX_BYTES = 4 * 1024 * 1024
SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
SKIPPED_DIRS = frozenset("node_modules dist build out .next .nuxt coverage test tests __tests__ .git vendor public".split())
_WRITES = re.compile(
    r"\b(?:fs|fsp|fse|fs\.promises|promises)\s*\.\s*(writeFile|writeFileSync|appendFile|appendFileSync|mkdir|mkdirSync|"
    r"mkdtemp|mkdtempSync|createWriteStream|rename|renameSync|copyFile|copyFileSync|cp|cpSync|rm|rmSync|unlink|"
    r"unlinkSync|outputFile|outputFileSync|ensureDir|ensureDirSync|writeJson|writeJsonSync)\s*\(\s*([^\n]{0,60})"
)
_OTHER_WRITES = re.compile(r"\bmulter\s*\(\s*\{[^}]*\bdest\s*:|new\s+(?:sqlite3\.)?Database\s*\(\s*(['\"`])(?!:memory:)")
_TEMP = re.compile(r"^\s*(?:['\"`]/tmp\b|os\.tmpdir\(\)|tmpdir\(\)|path\.join\(\s*os\.tmpdir\(\))")


@dataclass(frozen=True)
class WriteSite:
    file: str  # context-relative
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def write_sites(build: BuildContext, files: list[str] | None = None) -> list[WriteSite]:
    """Where the app's own sources write files (outside the temp folder), in file order."""
    found: list[WriteSite] = []
    read = 0
    for rel in (files if files is not None else source_files(build))[:MAX_FILES]:
        text = build.read_text(rel)
        if text is None:
            continue
        read += len(text)
        if read > MAX_BYTES:
            break
        for match in _WRITES.finditer(text):
            if not _TEMP.match(match.group(2)):
                found.append(WriteSite(rel, text.count("\n", 0, match.start()) + 1))
        for match in _OTHER_WRITES.finditer(text):
            found.append(WriteSite(rel, text.count("\n", 0, match.start()) + 1))
    return sorted(set(found), key=lambda site: (site.file, site.line))


def source_files(build: BuildContext) -> list[str]:
    """The app's own JavaScript/TypeScript sources, sorted."""
    found = []
    for rel in build.files():
        parts = rel.split("/")
        if any(part in SKIPPED_DIRS for part in parts[:-1]) or not rel.endswith(SUFFIXES) or rel.endswith(".d.ts"):
            continue
        if re.search(r"\.(test|spec)\.[cm]?[jt]s$", rel):
            continue
        found.append(rel)
    return found
