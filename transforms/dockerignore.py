"""DO330 dockerignore."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from stat import S_ISREG

from dockopt.context import BuildContext, DockerIgnore
from dockopt.discovery import is_dockerfile_name
from dockopt.document import Document, Instruction
from dockopt.errors import DockoptError
from dockopt.image import clean_source
from dockopt.results import FileEdit, Fix, Safety
from dockopt.run_memory import per_run
from dockopt.transform import Context, Transform

# Folders whose insides never decide anything here: walked past, not into.
_OPAQUE = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})
_WALK_LIMIT = 50_000  # entries; a context bigger than this is looked at only that far
_KEY_NAMES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
_KEY_SUFFIXES = (".pem", ".key")
# A RUN that reads the repository: git itself (a clone makes its own), or a version taken from it.
_GIT_READERS = re.compile(
    r"\bgit\s+(?!clone\b)[a-z-]+|setuptools[_-]scm|hatch-vcs|versioneer|dunamai|"
    r"poetry-dynamic-versioning|setuptools-git-versioning|vcs-versioning|\bpbr\b|husky",
    re.IGNORECASE,
)
_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "package.json")
_JS_INSTALL = re.compile(r"\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+install)?|pnpm\s+(?:install|i)|bun\s+install)\b")
_PY_INSTALL = re.compile(r"\b(?:pip3?\s+install|uv\s+(?:sync|pip\s+install)|poetry\s+install|pipenv\s+install|pdm\s+(?:install|sync))\b")
_BUILDS = re.compile(
    r"\b(?:(?:npm|pnpm|yarn)\s+(?:run\s+)?build|python3?\s+-m\s+build|setup\.py\s+(?:sdist|bdist\w*|build)|"
    r"(?:poetry|hatch|uv|pdm)\s+build)\b"
)
_ENV_WORD = re.compile(r"(?<![\w.-])\.env(?![\w.-])")
_DOTENV = re.compile(r"dotenv", re.IGNORECASE)


class Dockerignore(Transform):
    """Keep out of the build context what no image needs.

    ## What it does
    When a stage copies the whole build context (`COPY . .`, `COPY . /app`, `ADD . ...`),
    adds to the `.dockerignore` the build uses (BuildKit's `<Dockerfile>.dockerignore` next to
    the Dockerfile when there is one, else `.dockerignore` at the context root, created if
    missing) the entries it lacks: `.git` and `**/.env` always; `**/node_modules`, `**/.venv`,
    `**/venv` when the image installs its own packages; `**/__pycache__`, `**/*.pyc`, private
    keys (`**/*.pem`, `**/*.key`, `**/id_rsa`... holding a `PRIVATE KEY`; a `.pem` certificate
    stays, and the keys beside it are then named one by one), the Dockerfile itself, and
    `dist`/`build` when a RUN builds them again; each only when the context holds it.
    The change is part of the same diff and `--write` writes it atomically, like the Dockerfile.

    It never excludes what the build reads: a COPY/ADD source or a `RUN --mount` that names
    it, `.git` when a RUN calls git (other than `git clone`) or the project takes its version
    from git (setuptools-scm, hatch-vcs, versioneer, husky...), `node_modules` or a venv when the
    stage copying the context installs none, `.env` when the Dockerfile names it, anything a
    `!` line of the file brings back. Other Dockerfiles at the context root that share the
    file count too.

    ## Why
    Without it every build sends, and `COPY . .` bakes into the image, the repository history,
    local dependencies built for the host, caches and secrets. A commit (a change in `.git`)
    then invalidates `COPY . .` and every step after it, and `.env` or a private key ships
    to whoever pulls the image.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    with no `.dockerignore` gets a new one:
    ```
    # Never needed in the image (dockopt DO330)
    .git
    **/.env
    **/__pycache__
    Dockerfile
    ```

    ## Fix safety
    Unsafe: the excluded files no longer reach the image. The app loses a `.env` it read at run
    time (pass it with `--env-file` instead), and code that reads `.git` at run time loses it.
    The fix needs the build context (`dockopt fix path/Dockerfile` uses its folder) and does
    nothing without one. `.env`: an app that loads it with dotenv still gets the entry (a
    secret baked into an image is the bigger harm); the message says so.
    """

    code = "DO330"
    name = "dockerignore"
    title = "the whole build context is copied and .dockerignore does not keep out what no image needs"
    safety = Safety.UNSAFE
    order = 900  # last in a round: it reads what the structural passes made of the stages
    needs = ("copy", "add")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        build = ctx.build
        if build is None:
            return
        whole = _whole_copies(doc)
        if not whole:
            return
        target = _ignore_file(build.root, build.dockerfile)
        key = str(target)
        if key in ctx.files:
            current: str | None = ctx.files[key]
        else:
            try:
                current = target.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            if current is None and target.exists():
                return  # there but unreadable: not ours to replace
        matcher = DockerIgnore(current or "")
        tree = build.__dict__.get("_dockerignore_tree")  # walked once per run, not once per round
        if tree is None:
            tree = build.__dict__["_dockerignore_tree"] = _Tree.of(build.root)
        needs = _needs(doc, build.root)
        for sibling in _siblings(build.root, build.dockerfile, target):
            needs.merge(sibling)
        wanted = _candidates(doc, whole, build, tree, needs)
        missing = [entry for entry in wanted if not _covered(entry, matcher, tree) and not _reincludes(entry, matcher, tree)]
        if not missing:
            return
        newline = "\r\n" if current and "\r\n" in current else "\n"
        comment = f"# Never needed in the image (dockopt {self.code})"
        lines = ([] if current and comment in current else [comment]) + [entry.pattern for entry in missing]
        head = current or ""
        if head and not head.endswith(("\n", "\r")):
            head += newline
        after = head + newline.join(lines) + newline
        names = ", ".join(f"`{entry.pattern}`" for entry in missing)
        where = _shown(target, build)
        title = f"{'create' if current is None else 'add to'} {where}: {names}"
        if any(entry.pattern == "**/.env" for entry in missing) and needs.dotenv:
            title += " (the app loads .env with dotenv: give it at run time, `docker run --env-file .env`)"
        yield self.fix(
            title,
            whole[0],
            problem=f"{self.title}: {names}",
            reason="what it excludes no longer reaches the image through `COPY .`",
            files=[FileEdit(key, current, after)],
        )


@dataclass(frozen=True)
class _Entry:
    pattern: str
    paths: tuple[str, ...]  # what it stands for in the context (the name itself when nothing exists)


@dataclass
class _Needs:
    """What the builds sharing the ignore file read of the context."""

    sources: set[str] = field(default_factory=set)  # COPY/ADD sources and RUN --mount sources, cleaned
    git: bool = False
    env: bool = False
    dotenv: bool = False
    # a stage copies the context and installs no JavaScript (Python) packages of its own: it may
    # use the context's node_modules (venv)
    js_bare: bool = False
    py_bare: bool = False

    def merge(self, other: _Needs) -> None:
        self.sources |= other.sources
        self.git |= other.git
        self.env |= other.env
        self.dotenv |= other.dotenv
        self.js_bare |= other.js_bare
        self.py_bare |= other.py_bare


@dataclass
class _Tree:
    """The context's paths (files and folders), not looking inside `.git`, `node_modules`, venvs."""

    root: Path
    paths: list[str]
    folders: set[str]

    @classmethod
    def of(cls, root: Path) -> _Tree:
        top = str(root)
        paths: list[str] = []
        folders: set[str] = set()
        for folder, dirs, names in os.walk(top):
            rel = folder[len(top) + 1 :].replace(os.sep, "/")
            prefix = rel + "/" if rel else ""
            dirs.sort()
            for name in dirs:
                paths.append(prefix + name)
                folders.add(prefix + name)
            dirs[:] = [name for name in dirs if name not in _OPAQUE]
            paths.extend(prefix + name for name in sorted(names))
            if len(paths) > _WALK_LIMIT:
                break
        return cls(root, paths, folders)

    def named(self, name: str, *, folder: bool | None = None) -> list[str]:
        return [p for p in self._by_name.get(name, ()) if folder is None or (p in self.folders) == folder]

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        """The paths by their last part, in walk order (a candidate is looked for by name)."""
        found: dict[str, list[str]] = {}
        for path in self.paths:
            found.setdefault(path.rpartition("/")[2], []).append(path)
        return found


def _whole_copies(doc: Document) -> list[Instruction]:
    found: list[Instruction] = []
    for stage in doc.stages:
        for copy in doc.image.context_copies(stage, chain=False):
            if any(clean_source(source) == "." for source in copy.sources):
                found.append(copy.instruction)
    return found


def _ignore_file(root: Path, dockerfile: Path | None) -> Path:
    """BuildKit's choice: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's."""
    if dockerfile is not None:
        own = dockerfile.with_name(dockerfile.name + ".dockerignore")
        if own.is_file():
            return own
    return root / ".dockerignore"


def _shown(target: Path, build: BuildContext) -> str:
    if build.dockerfile is not None:
        return str(target)
    return target.name


def _siblings(root: Path, dockerfile: Path | None, target: Path) -> list[_Needs]:
    """What the other Dockerfiles at the context root that read the same ignore file read."""
    if target != root / ".dockerignore":
        return []
    try:
        mine = os.stat(dockerfile) if dockerfile is not None else None
    except OSError:
        mine = None
    found = []
    for path, device, inode, size, mtime in _dockerfiles_at(str(root)):
        if mine is not None and (device, inode) == (mine.st_dev, mine.st_ino):
            continue  # this Dockerfile (or a link to it)
        needs = _sibling_needs(path, size, mtime)
        if needs is not None:
            found.append(needs)
    return found


@per_run(maxsize=256)
def _dockerfiles_at(root: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """The Dockerfiles at a context root that read its ignore file (none of their own): path,
    device, inode, size, mtime. Listed once per run: each of a folder's N Dockerfiles asks."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return ()
    present = set(names)
    found = []
    for name in names:
        if not is_dockerfile_name(name) or name + ".dockerignore" in present:
            continue  # not a Dockerfile, or one with its own ignore file
        path = os.path.join(root, name)
        try:
            stat = os.stat(path)  # one stat answers: a file? which one (a link to this Dockerfile)?
        except OSError:
            continue
        if S_ISREG(stat.st_mode):
            found.append((path, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


@lru_cache(maxsize=4096)
def _sibling_needs(path: str, size: int, mtime: int) -> _Needs | None:
    """One sibling's needs, read once per run: a folder of N Dockerfiles would otherwise parse
    each of them N times (size and mtime are part of the key: an edited file is read again).
    The result is shared: callers merge it into their own, never change it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return _document_needs(Document(handle.read()))
    except (OSError, DockoptError):
        return None


def _needs(doc: Document, root: Path) -> _Needs:
    """What this Dockerfile and the project's manifests at the context root read."""
    needs = _document_needs(doc)
    for name in _MANIFESTS + ("requirements.txt",):
        try:
            manifest = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if name in _MANIFESTS and _GIT_READERS.search(manifest):
            needs.git = True
        needs.dotenv |= bool(_DOTENV.search(manifest))
    return needs


def _document_needs(doc: Document) -> _Needs:
    needs = _Needs()
    image = doc.image
    for stage in doc.stages:
        for copy in image.context_copies(stage, chain=False):
            needs.sources.update(clean_source(source) for source in copy.sources if clean_source(source) != ".")
    runs = [instruction for instruction in doc.instructions if instruction.cmd == "RUN"]
    for instruction in runs:
        for mount in instruction.flags_named("mount"):
            match = re.search(r"(?:^|,)(?:source|src)=([^,]+)", mount)
            if "type=bind" in mount or "type=" not in mount:
                needs.sources.add(clean_source(match.group(1)) if match else ".")
    text = "\n".join(instruction.original for instruction in doc.instructions if instruction.cmd in ("RUN", "CMD", "ENTRYPOINT"))
    needs.git = bool(_GIT_READERS.search(text))
    needs.env = bool(_ENV_WORD.search("\n".join(i.original for i in doc.instructions if i.cmd != "FROM")))
    whole = _whole_copies(doc)
    for stage in doc.stages:
        if not any(i in whole for i in stage.instructions):
            continue
        chain = image.chain(stage)
        body = "\n".join(i.original for s in chain for i in s.instructions if i.cmd == "RUN")
        copied = " ".join(i.original for s in chain for i in s.instructions if i.cmd in ("COPY", "ADD") and i.flag("from"))
        needs.js_bare |= not (_JS_INSTALL.search(body) or "node_modules" in copied)
        needs.py_bare |= not (_PY_INSTALL.search(body) or "venv" in copied)
    return needs


def _candidates(doc: Document, whole: list[Instruction], build: BuildContext, tree: _Tree, needs: _Needs) -> list[_Entry]:
    runs = "\n".join(i.original for i in doc.instructions if i.cmd == "RUN")
    wanted: list[_Entry] = []

    def add(pattern: str, paths: list[str]) -> None:
        if paths and not any(_protects(source, path) for source in needs.sources for path in paths):
            wanted.append(_Entry(pattern, tuple(paths)))

    if not needs.git:
        add(".git", [".git"])
    if not needs.env:
        add("**/.env", [p for p in tree.named(".env", folder=False)] or [".env"])
    if not needs.js_bare:
        add("**/node_modules", tree.named("node_modules", folder=True))
    if not needs.py_bare:
        add("**/.venv", tree.named(".venv", folder=True))
        add("**/venv", [p for p in tree.named("venv", folder=True) if (build.root / p / "pyvenv.cfg").is_file()])
    add("**/__pycache__", tree.named("__pycache__", folder=True))
    add("**/*.pyc", [p for p in tree.paths if p.endswith(".pyc") and "/__pycache__/" not in "/" + p and p not in tree.folders])
    for suffix in _KEY_SUFFIXES:
        files = [p for p in tree.paths if p.endswith(suffix) and p not in tree.folders]
        keys = [p for p in files if _private_key(build.root / p)]
        if keys and len(keys) == len(files):
            add(f"**/*{suffix}", keys)
        else:
            for path in keys:
                add(path, [path])
    for name in _KEY_NAMES:
        keys = [p for p in tree.named(name, folder=False) if _private_key(build.root / p)]
        add(f"**/{name}", keys)
    if build.dockerfile is not None:
        try:
            rel = Path(os.path.abspath(build.dockerfile)).relative_to(os.path.abspath(build.root)).as_posix()
        except ValueError:
            rel = None
        if rel:
            add(rel, [rel])
    if _BUILDS.search(runs):
        for name in ("dist", "build"):
            if name in tree.folders:
                add(name, [name])
    return wanted


def _protects(source: str, path: str) -> bool:
    """Does the COPY/mount source `source` read the context path `path` (or something in it)?"""
    from fnmatch import fnmatchcase

    if source == ".":
        return False  # the whole context: what it reads is what this rule decides
    if "$" in source:
        return True  # a variable source: it could name anything
    if any(ch in source for ch in "*?["):
        parts = path.split("/")
        below = [part for part in range(1, len(parts) + 1) if fnmatchcase("/".join(parts[:part]), source)]
        return bool(below) or fnmatchcase(source.split("/")[0], parts[0]) and len(source.split("/")) > len(parts)
    return source == path or source.startswith(path + "/") or path.startswith(source + "/")


def _covered(entry: _Entry, matcher: DockerIgnore, tree: _Tree) -> bool:
    return all(matcher.ignored(path) for path in entry.paths)


def _reincludes(entry: _Entry, matcher: DockerIgnore, tree: _Tree) -> bool:
    """Would the entry, added last, exclude again something a `!` line brings back?"""
    if not matcher.has_exceptions:
        return False
    added = DockerIgnore(entry.pattern)
    return any(matcher.decision(path) is False and added.ignored(path) for path in tree.paths + list(entry.paths))


def _private_key(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"PRIVATE KEY" in handle.read(65536)
    except OSError:
        return False
