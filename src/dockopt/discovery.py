"""Finding the Dockerfiles under the paths a user names.

Which names count as a Dockerfile: the word `Dockerfile` or `Containerfile` (any case), alone or
joined to other words by `.`, `-` or `_` — `Dockerfile`, `Dockerfile.prod`, `prod.Dockerfile`,
`Dockerfile-alpine`, `Dockerfile_windows`, `api__Dockerfile.debug`, `Containerfile.tmpl`... minus
names whose last extension says the file is something else: ignore files (`*.dockerignore`),
templates (`.template`, `.tmpl`, `.j2`, `.in`...), patches and backups (`.orig`, `.rej`, `.bak`,
`~`), and code or docs (`.py`, `.sh`, `.md`...). A template is not a Dockerfile until it is rendered,
and a backup is not the file that gets built.

A walk skips `.git`, `node_modules`, `vendor`, `.venv` (and other VCS folders), does not follow
symlinked folders, honours `.gitignore` files (those in the walked folders and in their parents
up to the repository root) and the config's `exclude` globs. Paths named on the command line are
always processed, whatever their name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from dockopt.config_model import Config

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "__pycache__"})

_NAME_RE = re.compile(r"(?:^|[._-])(?:docker|container)file(?:$|[._-])", re.IGNORECASE)
# The last extension of a name that holds the word but is not a Dockerfile to build.
NOT_DOCKERFILE_EXTENSIONS = frozenset(
    """
    dockerignore containerignore
    template tmpl tpl j2 jinja jinja2 in erb mustache hbs gotmpl
    orig rej bak old swp swo tmp patch diff
    md txt rst adoc html py sh bash ps1 bat cmd go rs js ts rb pl json yml yaml toml ini cfg lock
    """.split()
)


def is_dockerfile_name(name: str) -> bool:
    if name.endswith("~") or name.startswith(".#") or not _NAME_RE.search(name):
        return False
    stem, dot, extension = name.rpartition(".")
    return not (dot and stem and extension.lower() in NOT_DOCKERFILE_EXTENSIONS)


@dataclass(frozen=True)
class Found:
    path: str  # as the user will see it
    explicit: bool  # named on the command line (always processed)
    root: str = ""  # the command-line argument it was found under (a repo, in a migration)


@dataclass(frozen=True)
class NotFound:
    path: str
    reason: str


def discover(paths: list[str], config_for: Callable[[str], Config | None]) -> Iterator[Found | NotFound]:
    """Every Dockerfile under `paths`, each once, in a stable order; problems as `NotFound`."""
    seen: set[str] = set()
    for path in paths:
        if path == "-":
            yield Found(path, True, path)
            continue
        if os.path.isdir(path):
            found_any = False
            for found in _walk(path, config_for):
                found_any = True
                key = os.path.realpath(found)
                if key not in seen:
                    seen.add(key)
                    yield Found(found, False, path)
            if not found_any:
                yield NotFound(path, "no Dockerfile found in this directory")
        elif os.path.lexists(path):
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                yield Found(path, True, path)
        else:
            yield NotFound(path, "no such file or directory")


def _walk(top: str, config_for: Callable[[str], Config | None]) -> Iterator[str]:
    ignores = _GitIgnores(top)
    stack = [top]
    while stack:
        folder = stack.pop()
        ignores.enter(folder)
        try:
            with os.scandir(folder) as entries:
                items = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue  # an unreadable folder holds nothing we could fix
        subfolders = []
        for entry in items:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            path = _join(folder, entry.name)
            if is_dir:
                if entry.name in SKIP_DIRS or ignores.ignored(path, is_dir=True) or _excluded(path, config_for, is_dir=True):
                    continue
                subfolders.append(path)
            elif is_dockerfile_name(entry.name) and not ignores.ignored(path, is_dir=False):
                if not _excluded(path, config_for):
                    yield path
        stack.extend(reversed(subfolders))


def _join(folder: str, name: str) -> str:
    return name if folder == "." else os.path.join(folder, name)


def _excluded(path: str, config_for: Callable[[str], Config | None], is_dir: bool = False) -> bool:
    config = config_for(os.path.dirname(path) or ".")
    return bool(config and config.excludes(path, is_dir=is_dir))


class _GitIgnores:
    """The `.gitignore` files that apply to a walk: git's rules, deepest file first, last match wins."""

    def __init__(self, top: str):
        self.specs: dict[str, GitIgnoreSpec] = {}  # by folder (absolute)
        top_abs = os.path.abspath(top)
        # Parent folders' .gitignore files apply too, up to the repository root (none outside one).
        parents: list[str] = []
        folder = top_abs
        while not os.path.exists(os.path.join(folder, ".git")):
            parent = os.path.dirname(folder)
            if parent == folder:
                parents = []
                break
            folder = parent
            parents.append(folder)
        for folder in reversed(parents):
            self._load(folder)

    def enter(self, folder: str) -> None:
        self._load(os.path.abspath(folder))

    def _load(self, folder: str) -> None:
        if folder in self.specs:
            return
        try:
            with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return
        from pathspec import GitIgnoreSpec  # lazy: a walk with no .gitignore never pays for it

        self.specs[folder] = GitIgnoreSpec.from_lines(lines)

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        if not self.specs:
            return False
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        # A deeper .gitignore overrides a shallower one; within one file the last match wins.
        while True:
            spec = self.specs.get(folder)
            if spec is not None:
                relative = os.path.relpath(absolute, folder).replace(os.sep, "/")
                result = spec.check_file(relative + "/" if is_dir else relative)
                if result.include is not None:
                    return result.include
            parent = os.path.dirname(folder)
            if parent == folder:
                return False
            folder = parent
