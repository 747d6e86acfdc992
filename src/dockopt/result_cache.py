"""Results kept between runs, so a run over files that did not change does not fix them again.

Ruff's way: one entry per file and set of options, valid while everything the fix could read is
as it was. A Dockerfile's result depends on more than its bytes: its rules read the build context
(manifests, sources, `.dockerignore`), the other Dockerfiles of its folder and the pragmas of its
repository. So an entry is used only when its fingerprint matches one taken now, of

- dockopt's own code and data (their contents), Python, and the versions of the libraries that
  decide results;
- the task: the path, the options, the config's settings;
- the Dockerfile's bytes;
- every file and folder below the build context: its path, kind and mode, where a link points,
  and a file's content (a file over 1 MiB: its size, modification and change times), so a fresh
  clone of the same commit, or a file touched but not changed, keeps the entries; and BuildKit's
  `<Dockerfile>.dockerignore` beside a Dockerfile outside its context;
- what the repository's files silence (`repository.silencing`: the one thing a fix reads of the
  repository beyond the context), so an edit elsewhere in the repository keeps the entries of
  other contexts valid.

A tree of more than `MAX_TREE_ENTRIES` entries or `MAX_TREE_BYTES` of small files, or one holding
a link to a folder (a rule may follow it out of the tree), is not fingerprinted: its Dockerfiles
are fixed every time. A VCS folder (`.git`) counts for its presence alone: no rule reads inside
it, and git rewrites it on every command. Nothing else is read by a rule: a COPY source that
would leave the context resolves inside it, as in BuildKit (`context.in_context`).

The fingerprint is taken before the file is fixed. A Dockerfile edited in between is caught (the
worker's digest of the bytes it fixed must match the one taken here, or nothing is stored); a
context file edited in that moment leaves a result stored under the fingerprint of its former
content, found again only if the file returns to exactly that content.

Only the CLI's batches use it (`fix`, `check` over a folder or several files); one file named
alone, `dockopt.fix`, the language server and `migrate` never do. A result that writes the file
is never stored, and a stored one serves a `--write` run only when it changes nothing. The folder
is `$DOCKOPT_CACHE_DIR`, else `$XDG_CACHE_HOME/dockopt`, else `~/.cache/dockopt` (one SQLite file;
results as JSON, never executed). Any failure to read or write it costs the speed, never the
result.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib
import json
import os
import sqlite3
import stat
import sys
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from dockopt.repository import silencing
from dockopt.run_memory import per_run

if TYPE_CHECKING:
    from dockopt.batch import FileResult, Task

FORMAT = 1  # of the entries: a new one makes the old ones stale
MAX_TREE_ENTRIES = 10_000  # about 0.1 s to fingerprint here
MAX_TREE_BYTES = 64 << 20  # read to fingerprint a tree by its files' contents
_HASHED_UP_TO = 1 << 20  # a file up to this size counts by its content, a larger one by its times
_OPAQUE_FOLDERS = frozenset({".git", ".hg", ".svn"})
_PACKAGES = ("dockopt", "dockopt.transforms", "dockopt.templates")
# The distributions whose versions can change a result (read from their metadata, not imported:
# the main process must not load BuildKit's Go parser before it forks its workers).
_LIBRARIES = ("dockerfile", "dockerfile-parse", "tree-sitter", "tree-sitter-bash", "libcst", "jinja2", "pyyaml", "pathspec")
# What a stored result holds; the rest comes from the task it answers.
_STORED = ("status", "fixes", "error", "skipped", "warnings", "diff", "output", "base_before", "base_after", "files")


def default_folder() -> Path | None:
    """Where the cache lives; None without a home to put it in (never a `~` folder in the
    current one)."""
    explicit = os.environ.get("DOCKOPT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    if explicit:
        return Path(explicit) if os.environ.get("DOCKOPT_CACHE_DIR") else Path(explicit) / "dockopt"
    home = os.path.expanduser("~")
    if home.startswith("~") or not os.path.isabs(home):
        return None
    return Path(home) / ".cache" / "dockopt"


def disabled_by_environment() -> bool:
    return os.environ.get("DOCKOPT_NO_RESULT_CACHE", "") not in ("", "0")


@dataclass(frozen=True)
class Entry:
    slot: str  # the file and options it answers for
    fingerprint: str
    digest: str  # sha256 of the Dockerfile's bytes as read when the fingerprint was taken


class ResultCache:
    """The entries live in one SQLite file (a run stores hundreds in one transaction; a file per
    entry cost half a millisecond each here). It is opened twice per run: for the lookups, closed
    before the workers fork (a connection must not cross a fork), and for the writes."""

    def __init__(self, folder: Path):
        self.base = folder
        self.version = f"{FORMAT}-{code_fingerprint()}"

    def around(self, tasks: list[Task], fix: Callable[[list[Task]], Iterator[FileResult]]) -> Iterator[FileResult]:
        """The results of `tasks` in their order: stored ones where they are still valid, the others
        from `fix` (called now, with the tasks to fix, in order), which are stored as they come."""
        entries = [self.entry(task) for task in tasks]
        found = self._lookup(tasks, entries)
        missing = [dataclasses.replace(task, digest=True) if entry is not None else task for task, entry, hit in zip(tasks, entries, found) if hit is None]
        fixed = fix(missing)
        return self._merged(tasks, entries, found, fixed)

    def _merged(self, tasks: list[Task], entries: list[Entry | None], found: list[FileResult | None], fixed: Iterator[FileResult]) -> Iterator[FileResult]:
        rows: list[tuple[str, str, str, str]] = []
        try:
            for task, entry, hit in zip(tasks, entries, found):
                if hit is not None:
                    yield hit
                    continue
                result = next(fixed)
                if entry is not None:
                    row = _row(entry, task, result, self.version)  # before the caller sees it (and may change it)
                    if row is not None:
                        rows.append(row)
                yield result
        finally:
            self._store(rows)

    def entry(self, task: Task) -> Entry | None:
        """The task's slot and the fingerprint its result must have; None when the task cannot be
        fingerprinted (stdin, an unreadable file, a tree too big or with folder links)."""
        if task.data is not None:
            return None
        path = os.path.abspath(task.path)
        try:
            info = os.stat(path)
            digest = _content_digest(path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        except OSError:
            return None
        folder = os.path.abspath(task.context or os.path.dirname(task.path) or ".")
        tree = tree_fingerprint(folder, os.path.abspath(self.base))
        if tree is None:
            return None
        beside = path + ".dockerignore"  # BuildKit's Dockerfile-specific ignore file
        if not path.startswith(folder.rstrip(os.sep) + os.sep):  # a Dockerfile outside its context
            facts = _stat_or_none(beside)
            tree += repr((beside, _file_facts(beside, facts, [MAX_TREE_BYTES]) if facts is not None else None))
        repository = silencing(path)  # the only reading of the repository beyond the context
        options = {field.name: getattr(task, field.name) for field in dataclasses.fields(task) if field.name not in ("data", "write", "group", "digest")}
        where = json.dumps([path, folder, options], sort_keys=True)
        slot = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
        fingerprint = hashlib.sha256(repr((self.version, where, digest, tree, repository)).encode("utf-8", "surrogateescape")).hexdigest()
        return Entry(slot, fingerprint, digest)

    def _lookup(self, tasks: list[Task], entries: list[Entry | None]) -> list[FileResult | None]:
        wanted = [entry.slot for entry in entries if entry is not None]
        stored: dict[str, tuple[str, str]] = {}
        if wanted and (self.base / _DATABASE).is_file():
            try:
                with closing(self._connect()) as database:
                    for at in range(0, len(wanted), 500):  # SQLite's limit of parameters per statement
                        part = wanted[at : at + 500]
                        query = f"SELECT slot, fingerprint, result FROM results WHERE slot IN ({','.join('?' * len(part))})"
                        stored.update((slot, (fingerprint, result)) for slot, fingerprint, result in database.execute(query, part))
            except sqlite3.Error:
                return [None] * len(tasks)
        return [_result(stored.get(entry.slot), entry, task) if entry is not None else None for task, entry in zip(tasks, entries)]

    def _store(self, rows: list[tuple[str, str, str, str]]) -> None:
        if not rows:
            return
        try:
            self.base.mkdir(parents=True, exist_ok=True)
            tag = self.base / "CACHEDIR.TAG"  # backup tools skip a folder with this file
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# dockopt's result cache (safe to delete)\n")
            with closing(self._connect()) as database, database:
                database.execute("CREATE TABLE IF NOT EXISTS results (slot TEXT PRIMARY KEY, version TEXT, fingerprint TEXT, result TEXT)")
                # Entries of another version of dockopt never match again: drop them.
                database.execute("DELETE FROM results WHERE version != ?", (self.version,))
                database.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", rows)
        except (OSError, sqlite3.Error):
            pass  # the speed is lost, never the result

    def _connect(self) -> sqlite3.Connection:
        # A run that finds the file locked by another waits a little, then goes on without it.
        return sqlite3.connect(self.base / _DATABASE, timeout=2)


_DATABASE = "results.sqlite3"


def _result(stored: tuple[str, str] | None, entry: Entry, task: Task) -> FileResult | None:
    """The stored result, if it answers this task with this fingerprint."""
    from dockopt.batch import FileResult

    if stored is None or stored[0] != entry.fingerprint:
        return None
    try:
        values: dict[str, Any] = json.loads(stored[1])
        if task.write and values["status"] != "ok":
            return None  # a --write run must write: only a result that changes nothing serves it
        if values["output"] is not None:
            values["output"] = base64.b64decode(values["output"])
        values["warnings"] = [tuple(warning) for warning in values["warnings"]]
        return FileResult(path=task.path, group=task.group, **{name: values[name] for name in _STORED})
    except (ValueError, KeyError, TypeError):
        return None


def _row(entry: Entry, task: Task, result: FileResult, version: str) -> tuple[str, str, str, str] | None:
    """What to store of a fresh result; None when it is not this entry's to keep."""
    if result.digest != entry.digest or result.written:
        return None  # fixed other bytes than were fingerprinted, or wrote them
    if result.status not in ("ok", "changed", "error", "skipped") or (task.write and result.status != "ok"):
        return None
    values = {name: getattr(result, name) for name in _STORED}
    if values["output"] is not None:
        values["output"] = base64.b64encode(values["output"]).decode("ascii")
    return (entry.slot, version, entry.fingerprint, json.dumps(values))


@per_run(maxsize=256)
def tree_fingerprint(root: str, cache: str) -> str | None:
    """A digest of every entry below `root` (see the module's docstring); None when there are more
    than `MAX_TREE_ENTRIES` or `MAX_TREE_BYTES` to read, a link to a folder, or something that
    cannot be read. The cache's own folder, if it is in the tree, is left out: each run writes to
    it."""
    digest = hashlib.sha256()
    seen = 0
    budget = [MAX_TREE_BYTES]
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(os.path.join(root, relative) if relative else root) as listing:
                entries = sorted(listing, key=lambda item: item.name)
        except OSError:
            return None
        for item in entries:
            if item.path == cache:
                continue
            seen += 1
            if seen > MAX_TREE_ENTRIES:
                return None
            name = f"{relative}/{item.name}" if relative else item.name
            try:
                info = item.stat(follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    followed = _stat_or_none(item.path)
                    if followed is not None and stat.S_ISDIR(followed.st_mode):
                        return None
                    facts = _file_facts(item.path, followed, budget) if followed is not None else None
                    record: tuple[object, ...] = (name, "link", os.readlink(item.path), facts)
                elif stat.S_ISDIR(info.st_mode):
                    record = (name, "folder", info.st_mode)
                    if item.name not in _OPAQUE_FOLDERS:
                        pending.append(name)
                else:
                    record = (name, "file", _file_facts(item.path, info, budget))
            except OSError:
                return None
            if budget[0] < 0:
                return None
            digest.update(repr(record).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _file_facts(path: str, info: os.stat_result, budget: list[int]) -> tuple[object, ...]:
    """A small regular file by its content (a fresh clone or a touch keeps its entries); a large
    one, or anything else, by its size and times; its mode either way."""
    if stat.S_ISREG(info.st_mode) and info.st_size <= _HASHED_UP_TO:
        budget[0] -= info.st_size
        if budget[0] < 0:
            return ()
        return (info.st_mode, _content_digest(path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@per_run(maxsize=65536)
def _content_digest(path: str, *identity: int) -> str:
    """sha256 of a file's bytes, read once per run for the same file unchanged (`identity`: its
    inode, size and times): the Dockerfile's own digest reuses its context's walk."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """dockopt's code and data (their contents: a new install of the same code keeps the
    entries), Python's version and the versions of the libraries that decide results."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(sys.version.encode())
    for package in _PACKAGES:
        for folder in importlib.import_module(package).__path__:
            for where, folders, names in os.walk(folder):
                folders[:] = sorted(name for name in folders if name != "__pycache__")
                for name in sorted(names):
                    if not name.endswith(".pyc"):
                        path = os.path.join(where, name)
                        with open(path, "rb") as handle:
                            digest.update(repr((package, os.path.relpath(path, folder))).encode() + hashlib.sha256(handle.read()).digest())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()
