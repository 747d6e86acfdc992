"""The repository a Dockerfile belongs to, and what its other files say about the project's style.

A project that silences a rule somewhere (`# hadolint ignore=DL3059` above one RUN of another
Dockerfile, `ignored: [DL3059]` in `.hadolint.yaml`) has decided against that rule's advice; a
rewrite that applies it elsewhere in the same repository is noise to its reviewers.

"The same repository" is the nearest folder up from the Dockerfile (or the build context) that
holds `.git`, looked for at most `MAX_LEVELS_UP` levels up; without one, the Dockerfile's own
folder. The walk below it is bounded by what it reads (folders, files, bytes), never by the
clock, so the same tree always gives the same answer; it skips dependencies, VCS folders and test
fixture trees (whose Dockerfiles show what a tool must cope with, not the project's style). The
answer is cached per root for the run.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from dockopt.discovery import SKIP_DIRS, is_dockerfile_name
from dockopt.run_memory import per_run

MAX_LEVELS_UP = 8
MAX_FOLDERS = 2000
MAX_FILES = 200  # Dockerfiles and hadolint configs read
MAX_BYTES = 64 * 1024  # read from each
# Folders of test inputs: their Dockerfiles are samples, not the project's own.
_SAMPLE_DIRS = frozenset({"fixtures", "testdata", "test-data", "test", "tests", "__tests__", "spec", "third_party"})
_HADOLINT_CONFIGS = (".hadolint.yaml", ".hadolint.yml")
_PRAGMA_RE = re.compile(r"^\s*#\s*(?:hadolint|dockopt:)\s*(?:global\s+)?ignore\s*=\s*([A-Za-z0-9_\-, ]+)", re.MULTILINE)
_YAML_KEY_RE = re.compile(r"^(\s*)ignored\s*:\s*(.*)$")



def root_of(start: str | Path) -> Path:
    """The repository folder `start` is in: the nearest one with `.git`, else `start` itself."""
    folder = os.path.abspath(start)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    return Path(_root_of_folder(folder))


@per_run(maxsize=1024)
def _root_of_folder(folder: str) -> str:
    """Looked for once per folder and run (`run_memory.forget` starts over)."""
    candidate = folder
    for _ in range(MAX_LEVELS_UP + 1):
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            break
        candidate = parent
    return folder


def ignored_rules(start: str | Path, *, besides: str | Path | None = None) -> dict[str, str]:
    """Rule IDs (upper case) the repository of `start` silences somewhere, each with where; a
    Dockerfile named by `besides` (the one being fixed, which speaks for itself) is not read."""
    skip = os.path.abspath(besides) if besides is not None else None
    chosen = []
    for rule, places in _places(str(root_of(start))).items():
        place = next((place for place in places if place[2] != skip), None)
        if place is not None:
            chosen.append((place, rule))
    return {rule: where for (_, _, _, where), rule in sorted(chosen)}


def silencing(start: str | Path) -> str:
    """A digest of all that `ignored_rules(start)` answers from: the repository's root and what
    each of its files silences (the result cache keys on it instead of on every file of the
    repository)."""
    return _silencing(str(root_of(start)))


@per_run(maxsize=64)
def _silencing(root: str) -> str:
    return hashlib.sha256(repr((root, _silenced(root))).encode("utf-8", "surrogateescape")).hexdigest()


@per_run(maxsize=64)
def _places(root: str) -> dict[str, tuple[tuple[int, int, str, str], ...]]:
    """Each rule's first place (file, entry, path, `where:line`) in each of the first two files
    that silence it: whichever file is left out, the first of the others is there. Built once
    per root and run; a batch asks once per Dockerfile."""
    found: dict[str, list[tuple[int, int, str, str]]] = {}
    for order, (path, where, rules) in enumerate(_silenced(root)):
        for entry, (rule, line) in enumerate(rules):
            places = found.setdefault(rule, [])
            if len(places) < 2 and all(place[2] != path for place in places):
                places.append((order, entry, path, f"{where}:{line}"))
    return {rule: tuple(places) for rule, places in found.items()}


@per_run(maxsize=64)
def _silenced(root: str) -> tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...]:
    """What each file of the repository silences (path, path from the root, rules with their
    lines), in walk order: read once per root and run, not once per Dockerfile fixed there
    (`run_memory.forget` starts over, for a long-lived process)."""
    found: list[tuple[str, str, tuple[tuple[str, int], ...]]] = []
    read = 0
    for visited, (folder, dirs, names) in enumerate(os.walk(root)):
        if visited >= MAX_FOLDERS:
            break
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and d not in _SAMPLE_DIRS and not d.startswith("."))
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in sorted(names):
            config = name in _HADOLINT_CONFIGS
            if not (config or is_dockerfile_name(name)):
                continue
            if read >= MAX_FILES:
                return tuple(found)
            read += 1
            where = name if relative == "." else f"{relative}/{name}"
            path = os.path.join(folder, name)
            found.append((path, where, _rules_in(path, config)))
    return tuple(found)


def _rules_in(path: str, config: bool) -> tuple[tuple[str, int], ...]:
    """What one file silences (nothing, when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(_config_ignores(text) if config else _pragma_ignores(text))


def _pragma_ignores(text: str) -> list[tuple[str, int]]:
    rules = []
    for match in _PRAGMA_RE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        rules += [(part.upper(), line) for part in re.split(r"[\s,]+", match.group(1)) if part]
    return rules


def _config_ignores(text: str) -> list[tuple[str, int]]:
    """The `ignored:` list of a hadolint config (block or flow style)."""
    rules = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = _YAML_KEY_RE.match(line)
        if not match:
            continue
        indent, rest = len(match.group(1)), match.group(2).split("#", 1)[0].strip()
        if rest.startswith("["):
            rules += [(item.strip(" '\"").upper(), number + 1) for item in rest.strip("[]").split(",") if item.strip(" '\"")]
            continue
        for offset, item in enumerate(lines[number + 1 :], number + 2):
            stripped = item.split("#", 1)[0].strip()
            if not stripped:
                continue
            if not stripped.startswith("-") or len(item) - len(item.lstrip()) < indent:
                break
            rules.append((stripped[1:].strip(" '\"").upper(), offset))
    return rules
