"""What a Python app in the build context needs at run time, learned without running anything.

`analyse(root)` reads the Python sources of a build context and returns `AppFacts`: the ports the app binds (`app.run(port=...)`, `uvicorn.run(...)`, `socket.bind`, a gunicorn
  config's `bind`), the files and folders it writes (`open(..., "w")`, `Path.write_text`,
  `os.makedirs`, sqlite paths, `shutil.copy` targets, log files), the programs it runs
  (`subprocess.*`, `os.system`), and whether it changes its own user id (`os.setuid`).
  Paths are kept symbolic (`PathRef`: relative to the working folder, to the source file's folder,
  absolute, home, or temp) because only the Dockerfile says where the files end up. The result is
  cached per context root; huge trees, virtualenvs, `node_modules` and tests are skipped, and the
  work stops at fixed limits of what it reads, never of time (`AppFacts.complete` says whether it
  did): the same tree always gives the same facts. The Dockerfile's side (where those files land, what starts) is the image model (`dockopt.image`).

Files are parsed with the standard library's `ast`, not libcst: nothing here needs a concrete
syntax tree (formatting is never written back), and on 2 MiB of real modules libcst took 8.7 times
as long, which alone broke the budget of half a second per Dockerfile. A file is parsed only when
its text names one of the calls looked for, or when another file looks a name up in it.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
import shlex
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol, Sequence, Union, cast, overload

from dockopt.commands import bind_port

if TYPE_CHECKING:
    from dockopt.context import BuildContext

# -- limits -------------------------------------------------------------------------------------

MAX_FILES = 400
MAX_FOLDERS = 2000  # folders walked in search of sources
MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024  # read, to see which files can hold a fact at all
MAX_PARSED_BYTES = 512 * 1024  # parsed, the app's own modules (shallowest first) before deeper ones
# Folders that are never the app: dependencies, virtualenvs, tests, VCS and tool caches.
SKIPPED_DIRS = frozenset(
    ".git .hg .svn node_modules site-packages dist-packages __pycache__ .venv venv env virtualenv "
    ".tox .nox .mypy_cache .pytest_cache .ruff_cache .eggs build dist tests test testing docs "
    "migrations alembic locale static".split()
)


# -- facts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    file: str  # context-relative, "/"-separated
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class PathRef:
    """A path as far as static analysis can tell.

    `anchor`: "cwd" (relative to the process's working folder), "root" (absolute), "module"
    (relative to the folder of `module`, a context-relative file), "home", "tmp".
    `text` is normalised ("." for the anchor itself); `exact` is False when an unknown tail
    follows (`f"uploads/{name}"` is cwd "uploads", not exact).
    """

    anchor: str
    text: str = "."
    exact: bool = True
    module: str | None = None

    def join(self, other: PathRef) -> PathRef:
        if not self.exact:
            return self
        if other.anchor != "cwd":  # an absolute (or home/tmp) right side wins, as in os.path.join
            return other
        return PathRef(self.anchor, _norm(self.text + "/" + other.text), other.exact, self.module)

    def append_text(self, text: str, exact: bool = True) -> PathRef:
        """This path with text added (`data` + `/x.db`); an inexact result keeps whole components only."""
        if not self.exact:
            return self
        raw = _raw(self.text) + text if self.text != "." else text.lstrip("/")
        if not exact and not raw.endswith("/"):
            raw = posixpath.dirname(raw)
        return PathRef(self.anchor, _norm(raw), exact, self.module)

    def parent(self) -> PathRef:
        if not self.exact:
            return self
        return PathRef(self.anchor, _norm(self.text + "/.."), True, self.module)

    def inexact(self) -> PathRef:
        return PathRef(self.anchor, self.text, False, self.module)

    def resolve(self, cwd: str, module_dir: str | None = None, home: str | None = None) -> str | None:
        """The absolute path in the image, given the working folder and the module's folder there."""
        base: str | None
        if self.anchor == "root":
            base = "/"
        elif self.anchor == "cwd":
            base = cwd
        elif self.anchor == "module":
            base = module_dir
        elif self.anchor == "home":
            base = home
        else:
            return None
        if base is None:
            return None
        return posixpath.normpath(posixpath.join(base, self.text))

    def __str__(self) -> str:
        prefix = {"cwd": "./", "root": "/", "home": "~/", "tmp": "$TMP/", "module": "<module>/"}[self.anchor]
        text = "" if self.text == "." else self.text
        return prefix + text + ("" if self.exact else "…")


@dataclass(frozen=True)
class Port:
    number: int
    site: Site
    via: str  # what binds it: "app.run", "socket.bind", "gunicorn config", ...
    main_only: bool  # inside `if __name__ == "__main__":` (runs only as a script)


@dataclass(frozen=True)
class Write:
    path: PathRef
    kind: str  # "file" (its folder must exist, the file be writable), "dir" (the folder itself), "database"
    site: Site
    via: str


    @property
    def folder(self) -> PathRef:
        """The folder the app must be able to write: the folder itself, or the one holding the file."""
        if self.kind == "dir" or not self.path.exact:
            return self.path
        return self.path.parent()


@dataclass(frozen=True)
class Run:
    program: str | None  # the program's name as written, None when computed at run time
    site: Site
    via: str


@dataclass
class AppFacts:
    root: str
    files: tuple[str, ...] = ()  # analysed sources, context-relative
    ports: tuple[Port, ...] = ()
    writes: tuple[Write, ...] = ()
    unknown_writes: tuple[Site, ...] = ()  # writes to a path only known at run time
    runs: tuple[Run, ...] = ()
    privilege_drops: tuple[Site, ...] = ()  # os.setuid / setgid / setgroups / initgroups
    root_calls: tuple[Run, ...] = ()  # os.chown, os.chroot, os.mknod: need root
    skipped: tuple[str, ...] = ()  # "path: why", for files not analysed
    complete: bool = True  # False when a limit stopped the analysis early
    uses_home: tuple[Site, ...] = ()  # writes under the user's home folder

    def only(self, files: Iterable[str]) -> AppFacts:
        """The facts found in these files only (e.g. the ones the image really contains)."""
        keep = set(files)
        return AppFacts(
            root=self.root,
            files=tuple(f for f in self.files if f in keep),
            ports=tuple(p for p in self.ports if p.site.file in keep),
            writes=tuple(w for w in self.writes if w.site.file in keep),
            unknown_writes=tuple(s for s in self.unknown_writes if s.file in keep),
            runs=tuple(r for r in self.runs if r.site.file in keep),
            privilege_drops=tuple(s for s in self.privilege_drops if s.file in keep),
            root_calls=tuple(r for r in self.root_calls if r.site.file in keep),
            skipped=self.skipped,
            complete=self.complete,
            uses_home=tuple(s for s in self.uses_home if s.file in keep),
        )


_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...]], AppFacts] = {}


def analyse(root: str | Path, build: BuildContext | None = None) -> AppFacts:
    """Facts about the Python sources under `root` (cached per root and file state).

    The work is bounded by what is read (folders, files, bytes read and bytes parsed), never by
    the clock, so the same tree always gives the same facts; parsed modules are shared by every
    Dockerfile of the run that reads the same file.
    """
    root_path = Path(root).resolve()
    files, skipped, complete = _discover(root_path, build)
    key = (str(root_path), tuple(files))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    facts = _Analysis(root_path, files, skipped, complete).run()
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = facts
    return facts


def _discover(root: Path, build: BuildContext | None) -> tuple[list[tuple[str, int, int]], list[str], bool]:
    files: list[tuple[str, int, int]] = []
    skipped: list[str] = []
    complete = True
    total = 0
    top = str(root)
    for visited, (folder, dirs, names) in enumerate(os.walk(top)):
        rel_folder = folder[len(top) + 1 :].replace(os.sep, "/")
        rel_folder = rel_folder + "/" if rel_folder else ""
        if visited >= MAX_FOLDERS:
            skipped.append(f"{rel_folder.rstrip('/') or '.'}: over the analysis limits (folders)")
            return files, skipped, False
        keep = []
        for name in sorted(dirs):
            if name in SKIPPED_DIRS or name.startswith(".") or os.path.exists(os.path.join(folder, name, "pyvenv.cfg")):
                continue
            if build is not None and build.ignored(rel_folder + name):
                continue
            keep.append(name)
        dirs[:] = keep
        for name in sorted(names):
            if not name.endswith(".py") or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
                continue
            rel = rel_folder + name
            if build is not None and build.ignored(rel):
                continue
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            if stat.st_size > MAX_FILE_BYTES:
                skipped.append(f"{rel}: larger than {MAX_FILE_BYTES // 1024} KiB")
                continue
            if len(files) >= MAX_FILES or total + stat.st_size > MAX_TOTAL_BYTES:
                complete = False
                skipped.append(f"{rel}: over the analysis limits")
                continue
            total += stat.st_size
            files.append((rel, stat.st_size, stat.st_mtime_ns))
    return files, skipped, complete


# -- the analysis ---------------------------------------------------------------------------------

# Calls that bind a port, by their last name: (keyword names, positional index of the port).
_PORT_CALLS: dict[str, tuple[tuple[str, ...], int | None]] = {
    "run": (("port",), None),  # app.run(host, port) is handled below; uvicorn.run(app, host, port) too
    "run_app": (("port",), None),  # aiohttp
    "serve": (("port",), None),  # waitress
    "run_server": (("port",), None),  # dash
    "run_simple": (("port",), 1),  # werkzeug
    "make_server": (("port",), 1),  # wsgiref
    "start_server": (("port",), 2),  # asyncio
    "create_server": (("port",), 2),
    "Config": (("port",), None),  # uvicorn.Config
    "launch": (("server_port",), None),  # gradio
}
_SERVER_CLASSES = frozenset(
    "HTTPServer ThreadingHTTPServer TCPServer ThreadingTCPServer UDPServer ForkingTCPServer "
    "WSGIServer SimpleXMLRPCServer".split()
)
_OPEN_CALLS = frozenset({"open", "io.open", "codecs.open", "builtins.open"})
_ARCHIVE_OPENS = frozenset({"tarfile.open", "gzip.open", "bz2.open", "lzma.open", "zipfile.ZipFile"})
_WRITE_MODES = set("wax+")
_MAKEDIRS = frozenset({"os.makedirs", "os.mkdir"})
_COPY_TARGETS = frozenset(
    {"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move", "os.rename", "os.replace", "os.renames"}
)
_REMOVES = frozenset({"os.remove", "os.unlink", "os.rmdir", "shutil.rmtree"})
_LOG_HANDLERS = frozenset({"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler"})
_DATABASES = frozenset({"sqlite3.connect", "shelve.open", "dbm.open", "aiosqlite.connect"})
# Methods whose first argument is a file they create, when it is a path we can see.
# Libraries that write a folder the app names (model and data caches): call -> keywords naming it.
_LIBRARY_FOLDERS = {
    "SentenceTransformer": ("cache_folder",),
    "CrossEncoder": ("cache_folder",),
    "from_pretrained": ("cache_dir",),
    "snapshot_download": ("cache_dir", "local_dir"),
    "hf_hub_download": ("cache_dir", "local_dir"),
    "load_dataset": ("cache_dir",),
    "download": ("download_dir", "download_root"),  # nltk.download, nltk.downloader
    "load_model": ("download_root",),  # whisper.load_model
    "TextEmbedding": ("cache_dir",),  # fastembed
}
_SAVE_METHODS = frozenset("save savefig to_csv to_json to_parquet to_excel to_pickle to_feather to_hdf extractall".split())
_PATH_METHODS_WRITE = {"write_text": "file", "write_bytes": "file", "touch": "file", "mkdir": "dir"}
_RUN_CALLS = frozenset(
    "subprocess.run subprocess.call subprocess.check_call subprocess.check_output subprocess.Popen "
    "subprocess.getoutput subprocess.getstatusoutput os.system os.popen asyncio.create_subprocess_exec "
    "asyncio.create_subprocess_shell".split()
)
_DROP_CALLS = frozenset(
    "os.setuid os.setgid os.setresuid os.setresgid os.seteuid os.setegid os.setgroups os.initgroups".split()
)
_ROOT_CALLS = frozenset("os.chown os.lchown os.chroot os.mknod".split())


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

# What an expression evaluates to: an int, a str (a literal), a PathRef (a path with a symbolic
# start), UNKNOWN, or None (unset: an environment variable without a default).
_Value = Union[int, str, PathRef, _Unknown, None]

# Words a file must contain to hold any fact above (a cheap look before parsing): the calls'
# names or modules, the servers' classes, sqlite URLs, Django's DATABASES.
_SINK_WORDS = re.compile(
    rb"\b(?:open|ZipFile|makedirs|mkdir|copy2?|copyfile|copytree|move|renames?|replace|remove|unlink|rmdir|rmtree|"
    rb"basicConfig|connect|save|savefig|to_\w+|extractall|write_text|write_bytes|touch|subprocess|system|popen|"
    rb"create_subprocess_\w+|exec\w*|spawn\w*|set\w*id|setgroups|initgroups|l?chown|chroot|mknod|run\w*|serve|"
    rb"make_server|start_server|create_server|Config|launch|bind|listen|sqlite|DATABASES|cache_folder|cache_dir|local_dir|"
    rb"download_dir|download_root)\b|(?:Handler|Server)\b"
)


@dataclass
class _Module:
    rel: str
    dotted: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted name
    assignments: dict[str, list[ast.expr]] = field(default_factory=dict)  # target key -> value nodes (module level)
    local_assignments: dict[int, dict[str, list[ast.expr]]] = field(default_factory=dict)  # id(function) -> ...


# Parsed modules, shared by every Dockerfile of one run that reads the same file: keyed by its
# path, its path from the build context's root (one file can be read from two contexts, a folder
# and its parent), size and modification time, so an edited file is read again.
_MODULES: dict[tuple[str, str, int, int], _Module | str] = {}
_MODULES_LIMIT = 4000


class _Analysis:
    def __init__(self, root: Path, files: list[tuple[str, int, int]], skipped: list[str], complete: bool):
        self.root = root
        self.files = {rel: (size, mtime) for rel, size, mtime in files}
        self.skipped = list(skipped)
        self.complete = complete
        self.modules: dict[str, _Module] = {}  # parsed, in the order they were read
        self.by_dotted: dict[str, str] = {}  # importable name -> rel, for every discovered file
        self.parsed_bytes = 0
        self.over_budget: set[str] = set()
        self.fact_free: set[str] = set()  # read, and naming none of the calls looked for
        self.ports: list[Port] = []
        self.writes: list[Write] = []
        self.unknown_writes: list[Site] = []
        self.runs: list[Run] = []
        self.drops: list[Site] = []
        self.root_calls: list[Run] = []
        self.uses_home: list[Site] = []

    def run(self) -> AppFacts:
        for rel in sorted(self.files, key=lambda rel: (rel.count("/"), rel)):  # the app's own modules first
            parts = _dotted(rel).split(".")
            for i in range(len(parts)):  # `src/pkg/config.py` is importable as pkg.config or config
                self.by_dotted.setdefault(".".join(parts[i:]), rel)
        for rel in sorted(self.files, key=lambda rel: (rel.count("/"), rel)):
            if self._relevant(rel):
                self.module(rel)
        for rel in list(self.modules):
            try:
                _Finder(self, self.modules[rel]).find()
            except Exception as exc:  # a construct this analysis does not expect: say so, go on
                self.complete = False
                self.skipped.append(f"{rel}: not fully analysed ({type(exc).__name__}: {exc})")
        return AppFacts(
            root=str(self.root),
            files=tuple(rel for rel in self.files if rel in self.modules or rel in self.fact_free),
            ports=tuple(self.ports),
            writes=tuple(self.writes),
            unknown_writes=tuple(self.unknown_writes),
            runs=tuple(self.runs),
            privilege_drops=tuple(self.drops),
            root_calls=tuple(self.root_calls),
            skipped=tuple(self.skipped),
            complete=self.complete,
            uses_home=tuple(self.uses_home),
        )

    def _relevant(self, rel: str) -> bool:
        """Could this file hold a fact? Read it (not parse it): most of a big tree cannot."""
        name = rel.rsplit("/", 1)[-1]
        if "gunicorn" in name:
            return True
        try:
            source = (self.root / rel).read_bytes()
        except OSError:
            return False
        if _SINK_WORDS.search(source) is None:
            self.fact_free.add(rel)
            return False
        return True

    def module(self, rel: str) -> _Module | None:
        """The parsed module of a discovered file, read on first use within the byte budget."""
        if rel in self.modules:
            return self.modules[rel]
        if rel not in self.files:
            return None
        size, mtime = self.files[rel]
        if self.parsed_bytes + size > MAX_PARSED_BYTES:
            if rel not in self.over_budget:
                self.over_budget.add(rel)
                self.complete = False
                self.skipped.append(f"{rel}: over the analysis limits (bytes parsed)")
            return None
        self.parsed_bytes += size
        key = (str(self.root / rel), rel, size, mtime)  # rel too: the module names its sites by it
        module = _MODULES.get(key)
        if module is None:
            module = _MODULES[key] = _parse(self.root / rel, rel)
            if len(_MODULES) > _MODULES_LIMIT:
                _MODULES.clear()
                _MODULES[key] = module
        if isinstance(module, str):
            self.skipped.append(f"{rel}: {module}")
            return None
        self.modules[rel] = module
        return module

    def imported(self, name: str) -> _Module | None:
        rel = self.by_dotted.get(name)
        return self.module(rel) if rel is not None else None

    def settings_module(self) -> _Module | None:
        rel = next((rel for rel in sorted(self.files) if rel.endswith("settings.py")), None)
        return self.module(rel) if rel is not None else None


def _dotted(rel: str) -> str:
    dotted = rel[:-3].replace("/", ".")
    return dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted


def _parse(path: Path, rel: str) -> _Module | str:
    """The module with its imports and assignments, or why it could not be read."""
    try:
        with warnings.catch_warnings():
            # The app's own `"\_"` and the like: Python warns about them when it compiles the app,
            # not for dockopt to print (nor, under `-W error`, to take for a module that does not parse).
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_bytes(), filename=rel)
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError) as exc:  # Python 2 code, bad bytes
        return f"does not parse ({type(exc).__name__})"
    module = _Module(rel, _dotted(rel), tree)
    _collect(module)
    return module


def _collect(module: _Module) -> None:
    """First pass over a module: imports and simple assignments (module level and per function).

    Both are statements, so only statement bodies are walked, never expressions."""

    def walk(body: Sequence[ast.AST], scope: int | None) -> None:  # statements, except handlers, match cases
        for node in body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    _record(module, _key(target), node.value, scope)
            elif isinstance(node, ast.AnnAssign):
                if node.value is not None:
                    _record(module, _key(node.target), node.value, scope)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname is not None:
                        module.imports[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        module.imports[head] = head
            elif isinstance(node, ast.ImportFrom):
                if not (node.module is None and not node.level) and not any(alias.name == "*" for alias in node.names):
                    base = node.module or ""
                    for alias in node.names:
                        module.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(node.body, id(node))
            else:
                for name in _BODIES:
                    inner = getattr(node, name, None)
                    if inner:
                        walk(inner, scope)

    walk(module.tree.body, None)


# Fields of a statement that hold statements (or handlers and cases, which hold them).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
# Nodes a walk goes into: statements, expressions and the parts that hold them (not contexts,
# operators or names of things).
_WALKED = (ast.stmt, ast.expr, ast.excepthandler, ast.arguments, ast.arg, ast.keyword, ast.comprehension, ast.withitem, ast.match_case)
_SQLITE_URL = "sqlite:///"


def _record(module: _Module, target: str | None, value: ast.expr, scope: int | None) -> None:
    if target is None:
        return
    table = module.assignments if scope is None else module.local_assignments.setdefault(scope, {})
    table.setdefault(target, []).append(value)


def _key(node: ast.expr) -> str | None:
    """The text a name, attribute or subscript is looked up by: `x`, `self.path`, `cfg['dir']`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _key(node.value)
        return f"{base}.{node.attr}" if base is not None else None
    if isinstance(node, (ast.Subscript, ast.Tuple, ast.List, ast.Starred, ast.Call)):
        try:
            return ast.unparse(node)
        except Exception:  # an AST the unparser does not know: nothing to look up
            return None
    return None


class _Arg(Protocol):
    """A call's argument by position or by keyword (the first of `keys` given), else None."""

    def __call__(self, index: int | None, *keys: str) -> ast.expr | None: ...


class _Finder:
    """Second pass: evaluates path and port expressions and records the facts."""

    MAX_DEPTH = 12

    def __init__(self, analysis: _Analysis, module: _Module):
        self.analysis = analysis
        self.module = module
        self.active: set[tuple[str, int | None, str]] = set()  # names being evaluated, against self-reference

    # -- helpers -------------------------------------------------------------------------

    def site(self, node: ast.AST, module: _Module | None = None) -> Site:
        return Site((module or self.module).rel, getattr(node, "lineno", 0))

    def qualified(self, node: ast.expr, module: _Module | None = None) -> str | None:
        """`os.path.join` for `os.path.join`, `osp.join` (import os.path as osp), `join` (from os.path import join)."""
        module = module or self.module
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = module.imports.get(node.id, node.id)
        return ".".join([head, *reversed(parts)])

    # -- the walk ------------------------------------------------------------------------

    def find(self) -> None:
        module = self.module
        # (node, function scope, inside `if __name__ == "__main__":`), in source order
        stack: list[tuple[ast.AST, int | None, bool]] = [(module.tree, None, False)]
        pop, push = stack.pop, stack.append
        while stack:
            node, scope, main_only = pop()
            kind = type(node)
            if isinstance(node, ast.Call):
                self.call(node, scope, main_only)
            elif isinstance(node, ast.Constant):
                if type(node.value) is str and node.value.startswith(_SQLITE_URL):
                    self.database_url(node, scope)
                continue
            elif kind is ast.Name:
                continue
            elif isinstance(node, ast.BinOp):
                if type(node.op) is ast.Add:
                    self.database_url(node, scope)
            elif isinstance(node, ast.JoinedStr):
                self.database_url(node, scope)
                for value in reversed(node.values):  # its text parts are not strings of their own
                    if type(value) is ast.FormattedValue:
                        push((value.value, scope, main_only))
                continue
            elif isinstance(node, ast.Dict):
                self.django_database(node, scope)
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                scope = id(node)
            elif isinstance(node, ast.If) and _is_main_guard(node.test):
                main_only = True
            children: list[ast.AST] = []
            for name in node._fields:
                field_value = getattr(node, name, None)
                if type(field_value) is list:
                    children.extend(item for item in field_value if isinstance(item, _WALKED))
                elif isinstance(field_value, _WALKED):
                    children.append(field_value)
            for child in reversed(children):
                push((child, scope, main_only))
        if "gunicorn" in module.rel.rsplit("/", 1)[-1]:
            for value in module.assignments.get("bind", []):
                for item in value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]:
                    text = self.literal(item, None)
                    if isinstance(text, str):
                        port = bind_port(text)
                        if port is not None:
                            self.analysis.ports.append(Port(port, self.site(value), "gunicorn config", False))

    def call(self, node: ast.Call, scope: int | None, main_only: bool) -> None:
        func = node.func
        name = self.qualified(func) or ""
        last = func.attr if isinstance(func, ast.Attribute) else (func.id if isinstance(func, ast.Name) else "")
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}

        def arg(index: int | None, *keys: str) -> ast.expr | None:
            for key in keys:
                if key in keywords:
                    return keywords[key]
            if index is not None and index < len(positional):
                return positional[index]
            return None

        site = self.site(node)
        # -- ports --
        if last in _PORT_CALLS or last in _SERVER_CLASSES or last == "bind" or (last == "listen" and self._imports("tornado")):
            self.port_call(node, name, last, arg, scope, site, main_only)
        # -- runs, privileges --
        if name in _RUN_CALLS or name.startswith(("os.exec", "os.spawn")):
            target = arg(0, "args", "cmd", "command", "program")
            self.analysis.runs.append(Run(self.program(target, scope, name), site, name))
            return
        if name in _DROP_CALLS:
            self.analysis.drops.append(site)
            return
        if name in _ROOT_CALLS:
            self.analysis.root_calls.append(Run(name, site, name))
            return
        # -- writes --
        kind: str | None = None
        target = None
        if name in _OPEN_CALLS or name in _ARCHIVE_OPENS:
            mode = self.literal(arg(1, "mode"), scope)
            if isinstance(mode, str) and _WRITE_MODES & set(mode):
                kind, target = "file", arg(0, "file", "filename", "name")
        elif name == "os.open":
            flags = arg(1, "flags")
            if flags is not None and re.search(r"O_(WRONLY|RDWR|CREAT|APPEND)", _code(flags)):
                kind, target = "file", arg(0, "path")
        elif name in _MAKEDIRS:
            kind, target = "dir", arg(0, "name", "path")
        elif name in _COPY_TARGETS:
            kind, target = "file", arg(1, "dst")
        elif name in _REMOVES:
            kind, target = "file", arg(0, "path")
        elif name in _DATABASES:
            target = arg(0, "database", "filename", "file")
            kind = None if self.literal(target, scope) in (":memory:", "") else "database"
        elif last in _LOG_HANDLERS:
            kind, target = "file", arg(0, "filename")
        elif name == "logging.basicConfig":
            kind, target = "file", keywords.get("filename")
        elif last in _LIBRARY_FOLDERS and any(key in keywords for key in _LIBRARY_FOLDERS[last]):
            kind, target = "dir", next(keywords[key] for key in _LIBRARY_FOLDERS[last] if key in keywords)
        elif isinstance(func, ast.Attribute) and last in ("open", *_PATH_METHODS_WRITE, *_SAVE_METHODS):
            # Methods on a path we can see: Path(...).write_text(), df.to_csv("out.csv"), img.save(path)
            if last in _SAVE_METHODS:
                value = self.evaluate(arg(0, "path", "fname", "path_or_buf"), scope)
                if isinstance(value, (str, PathRef)) and not _is_unknown(value):
                    self.write_ref(_as_path(value), "dir" if last == "extractall" else "file", site, last)
                return
            receiver = self.evaluate(func.value, scope)
            if not isinstance(receiver, PathRef):
                return
            if last == "open":
                mode = self.literal(arg(0, "mode"), scope)
                if isinstance(mode, str) and _WRITE_MODES & set(mode):
                    self.write_ref(receiver, "file", site, "Path.open")
            else:
                self.write_ref(receiver, _PATH_METHODS_WRITE[last], site, f"Path.{last}")
            return
        if kind is not None and target is not None:
            self.write(target, kind, site, name or last, scope)

    def _imports(self, package: str) -> bool:
        return any(value == package or value.startswith(package + ".") for value in self.module.imports.values())

    def port_call(self, node: ast.Call, name: str, last: str, arg: _Arg, scope: int | None, site: Site, main_only: bool) -> None:
        values: list[ast.expr | None] = []
        if last == "bind":
            target = arg(0, "address")
            if isinstance(target, ast.Tuple) and len(target.elts) == 2:
                values.append(target.elts[1])
            elif target is not None:
                text = self.literal(target, scope)
                if isinstance(text, str) and text.startswith(("tcp://", "udp://")):
                    port = bind_port(text.split("://", 1)[1])
                    if port is not None:
                        self.analysis.ports.append(Port(port, site, f"{last}({text!r})", main_only))
                return
        elif last in _SERVER_CLASSES:
            target = arg(0, "server_address")
            if isinstance(target, ast.Tuple) and len(target.elts) == 2:
                values.append(target.elts[1])
        elif last == "listen":
            values.append(arg(0, "port"))
        else:
            keys, index = _PORT_CALLS[last]
            if last == "run":
                # app.run(host, port) (Flask); uvicorn.run(app, host, port)
                index = 2 if name.startswith("uvicorn") else 1
                if not (name.startswith("uvicorn") or isinstance(node.func, ast.Attribute)):
                    index = None
            values.append(arg(index, *keys))
        for value in values:
            if value is None:
                continue
            port = self.port_value(value, scope)
            if port is not None:
                via = name if name and "." in name else last
                self.analysis.ports.append(Port(port, site, via, main_only))

    def port_value(self, node: ast.expr, scope: int | None) -> int | None:
        value = self.literal(node, scope)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
            return value
        if isinstance(value, str) and value.isdigit() and 0 < int(value) < 65536:
            return int(value)
        return None

    def program(self, node: ast.expr | None, scope: int | None, via: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
            first = self.literal(node.elts[0], scope)
            return first if isinstance(first, str) else None
        text = self.literal(node, scope)
        if isinstance(text, str):
            try:
                words = shlex.split(text)
            except ValueError:
                words = text.split()
            return words[0] if words else None
        return None

    def write(self, node: ast.expr | None, kind: str, site: Site, via: str, scope: int | None) -> None:
        if node is None:
            return
        value = self.evaluate(node, scope)
        if isinstance(value, (str, PathRef)):
            self.write_ref(_as_path(value), kind, site, via)
        else:
            self.analysis.unknown_writes.append(site)

    def write_ref(self, ref: PathRef, kind: str, site: Site, via: str) -> None:
        if ref.anchor == "tmp":
            return
        if ref.anchor == "home":
            self.analysis.uses_home.append(site)
        self.analysis.writes.append(Write(ref, kind, site, via))

    def database_url(self, node: ast.expr, scope: int | None) -> None:
        """`"sqlite:///data/app.db"` (SQLAlchemy, dj-database-url...) names a database file."""
        prefix = _SQLITE_URL
        rest: str | PathRef | _Unknown | None = None  # what follows the prefix: a str, or a PathRef when built from variables
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and node.value.startswith(prefix):
                rest = node.value[len(prefix) :]
        elif isinstance(node, ast.JoinedStr):
            values = node.values
            if values and isinstance(values[0], ast.Constant) and isinstance(values[0].value, str) and values[0].value.startswith(prefix):
                rest = values[0].value[len(prefix) :]
                for part in values[1:]:
                    # an f-string's constants are its text
                    piece = cast(str, part.value) if isinstance(part, ast.Constant) else self.evaluate(cast(ast.FormattedValue, part).value, scope)
                    rest = _concat(rest, piece)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and not isinstance(node.left, ast.BinOp):
            left = self.evaluate(node.left, scope)
            if isinstance(left, str) and left.startswith(prefix):
                rest = _concat(left[len(prefix) :], self.evaluate(node.right, scope))
        if rest is None or rest in ("", ":memory:") or isinstance(rest, _Unknown):
            return
        self.write_ref(_as_path(rest), "database", self.site(node), "sqlite URL")

    def django_database(self, node: ast.Dict, scope: int | None) -> None:
        entries: dict[str, ast.expr] = {}
        for key, value in zip(node.keys, node.values):
            if key is not None:
                text = self.literal(key, scope)
                if isinstance(text, str):
                    entries[text] = value
        engine = self.literal(entries.get("ENGINE"), scope) if "ENGINE" in entries else None
        if isinstance(engine, str) and "sqlite3" in engine and "NAME" in entries:
            self.write(entries["NAME"], "database", self.site(node), "Django DATABASES", scope)

    # -- evaluation ------------------------------------------------------------------------

    def literal(self, node: ast.expr | None, scope: int | None) -> int | str | None:
        """The str or int the expression always has, else None."""
        if node is None:
            return None
        value = self.evaluate(node, scope)
        return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None

    def evaluate(self, node: ast.expr | None, scope: int | None, module: _Module | None = None, depth: int = 0) -> _Value:
        """An int, a str (a literal), a PathRef (a path with a symbolic start), UNKNOWN, or None (unset)."""
        module = module or self.module
        if node is None or depth > self.MAX_DEPTH:
            return UNKNOWN

        def again(item: ast.expr | None, s: int | None = scope, m: _Module = module) -> _Value:
            return self.evaluate(item, s, m, depth + 1)

        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                return UNKNOWN  # True/False/None, floats, bytes: never a path or a port
            return value
        if isinstance(node, ast.JoinedStr):
            result: _Value = ""
            for part in node.values:
                piece = cast(str, part.value) if isinstance(part, ast.Constant) else again(cast(ast.FormattedValue, part).value)
                result = _concat(result, piece)
                if _is_unknown(result) or (isinstance(result, PathRef) and not result.exact):
                    return result
            return result
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return PathRef("module", posixpath.basename(module.rel), True, module.rel)
            return self.lookup(node.id, scope, module, depth)
        if isinstance(node, ast.BinOp):
            left, right = again(node.left), again(node.right)
            if isinstance(node.op, ast.Div) and isinstance(left, (PathRef, str)):
                left = _as_path(left)
                right = _as_path(right) if isinstance(right, (PathRef, str)) else None
                return left.join(right) if right is not None else left.inexact()
            if isinstance(node.op, ast.Add):
                if isinstance(left, int) and isinstance(right, int):
                    return left + right
                return _concat(left, right)
            if isinstance(node.op, ast.Mod) and isinstance(left, str):
                values = list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
                return _format(left, [again(v) for v in values])
            return UNKNOWN
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            result = again(node.values[0])
            for item in node.values[1:]:
                if result is None or _is_unknown(result) or result == "":
                    result = again(item)
            return result
        if isinstance(node, ast.IfExp):
            body, orelse = again(node.body), again(node.orelse)
            return body if _same(body, orelse) else UNKNOWN
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                base = again(node.value)
                return _as_path(base).parent() if isinstance(base, (PathRef, str)) else UNKNOWN
            key = _key(node)
            found = self.lookup(key, scope, module, depth) if key is not None else UNKNOWN
            if not _is_unknown(found):
                return found
            return self.lookup_qualified(self.qualified(node, module), depth)
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
                if isinstance(node.slice, (ast.Slice, ast.Tuple)):
                    return UNKNOWN
                base = again(node.value.value)
                index = again(node.slice)
                if isinstance(base, (PathRef, str)) and isinstance(index, int):
                    base = _as_path(base)
                    for _ in range(index + 1):
                        base = base.parent()
                    return base
                return UNKNOWN
            key = _key(node)
            return self.lookup(key, scope, module, depth) if key is not None else UNKNOWN
        if isinstance(node, ast.Call):
            return self.evaluate_call(node, scope, module, depth)
        return UNKNOWN

    def evaluate_call(self, node: ast.Call, scope: int | None, module: _Module, depth: int) -> _Value:
        def again(item: ast.expr | None) -> _Value:
            return self.evaluate(item, scope, module, depth + 1)

        func = node.func
        name = self.qualified(func, module) or ""
        method = func.attr if isinstance(func, ast.Attribute) else None
        receiver = func.value if isinstance(func, ast.Attribute) else None  # what `method` is called on
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        if name in ("os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path") or method == "joinpath":
            items = list(positional)
            result = _as_path(again(receiver)) if method == "joinpath" else (_as_path(again(items.pop(0))) if items else PathRef("cwd"))
            for item in items:
                if not isinstance(result, PathRef):
                    return UNKNOWN
                part = again(item)
                result = result.join(_as_path(part)) if isinstance(part, (PathRef, str)) else result.inexact()
            return result if isinstance(result, PathRef) else UNKNOWN
        if name in ("os.path.dirname", "posixpath.dirname"):
            value = again(positional[0]) if positional else UNKNOWN
            return _as_path(value).parent() if isinstance(value, (PathRef, str)) else UNKNOWN
        if name in ("os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser", "os.path.expandvars", "os.fspath", "str"):
            return again(positional[0]) if positional else UNKNOWN
        if method in ("resolve", "absolute", "expanduser") and not positional and not name.startswith("os."):
            return again(receiver)
        if name in ("os.getcwd", "pathlib.Path.cwd", "Path.cwd"):
            return PathRef("cwd")
        if name in ("pathlib.Path.home", "Path.home"):
            return PathRef("home")
        if name.startswith("tempfile."):
            return PathRef("tmp")
        if name in ("os.environ.get", "os.getenv") or (method == "get" and (_key(func) or "").endswith("environ.get")):
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            return again(default) if default is not None else None
        if name == "int" and positional:
            value = again(positional[0])
            if isinstance(value, int):
                return value
            return int(value) if isinstance(value, str) and value.strip().isdigit() else UNKNOWN
        if method in ("with_name", "with_suffix", "with_stem"):
            base = again(receiver)
            return _as_path(base).parent() if isinstance(base, (PathRef, str)) else UNKNOWN
        if method == "format":
            base = again(receiver)
            if isinstance(base, str):
                return _format(base, [again(a) for a in positional])
        return UNKNOWN

    def lookup(self, key: str, scope: int | None, module: _Module, depth: int) -> _Value:
        candidates: list[ast.expr] = []
        if scope is not None:
            candidates = module.local_assignments.get(scope, {}).get(key, [])
        if not candidates:
            candidates = module.assignments.get(key, [])
            scope = None  # module-level values see module-level names only
        if candidates:
            if len(candidates) > 4:
                return UNKNOWN  # a variable that changes that often is not a fixed path
            marker = (module.rel, scope, key)
            if marker in self.active:
                return UNKNOWN  # `x = x + "/a"`: a name defined through itself
            self.active.add(marker)
            try:
                values = [self.evaluate(value, scope, module, depth + 1) for value in candidates]
            finally:
                self.active.discard(marker)
            first = values[0]
            return first if all(_same(first, value) for value in values) else UNKNOWN
        if key in module.imports:
            return self.lookup_qualified(module.imports[key], depth)
        return UNKNOWN

    def lookup_qualified(self, dotted: str | None, depth: int) -> _Value:
        """`config.DATA_DIR`: a module-level name of another source in the context."""
        if not dotted or "." not in dotted:
            return UNKNOWN
        module_name, _, attr = dotted.rpartition(".")
        target = self.analysis.imported(module_name.lstrip("."))
        if target is None and module_name.endswith("settings"):  # django.conf.settings -> the settings.py
            target = self.analysis.settings_module()
        if target is None:
            return UNKNOWN
        return self.lookup(attr, None, target, depth + 1)


def _is_unknown(value: _Value) -> bool:
    return isinstance(value, _Unknown)


@overload
def _as_path(value: str | PathRef) -> PathRef: ...


@overload
def _as_path(value: _Value) -> _Value: ...


def _as_path(value: _Value) -> _Value:
    """A str as the path it names; anything else as it is."""
    return _literal_path(value) if isinstance(value, str) else value


def _literal_path(text: str) -> PathRef:
    if text.startswith("/"):
        return PathRef("root", _norm(text.lstrip("/")))
    if text == "~" or text.startswith("~/"):
        return PathRef("home", _norm(text[2:]))
    return PathRef("cwd", _norm(text))


def _partial_path(text: str) -> PathRef:
    """A path of which only the start is known: whole components only."""
    return (_literal_path(text) if text.endswith("/") else _literal_path(posixpath.dirname(text) or ".")).inexact()


def _concat(left: _Value, right: _Value) -> str | PathRef | _Unknown:
    """`left + right` for strings and paths; an unknown right side leaves a path with an unknown tail."""
    if isinstance(right, int) and not isinstance(right, bool):
        right = str(right)
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, str):
        if isinstance(right, PathRef) and not left:
            return right
        if isinstance(right, PathRef) and right.anchor == "cwd":
            return _literal_path(left).append_text("/" + _raw(right.text) if left.endswith("/") else _raw(right.text), right.exact)
        return _partial_path(left) if left else UNKNOWN
    if isinstance(left, PathRef):
        if isinstance(right, str):
            return left.append_text(right)
        if isinstance(right, PathRef) and right.anchor == "cwd":
            return left.append_text(_raw(right.text), right.exact)
        return left.inexact()
    return UNKNOWN


def _format(template: str, values: list[_Value]) -> _Value:
    """`"{}/data".format(x)` / `"%s/data" % x` with the values we know."""
    pieces = re.split(r"(\{[^}]*\}|%[sdr])", template)
    result: str | PathRef | _Unknown = ""
    index = 0
    for piece in pieces:
        if re.fullmatch(r"\{[^}]*\}|%[sdr]", piece or "x"):
            value = values[index] if index < len(values) else UNKNOWN
            index += 1
            result = _concat(result, value)
        else:
            result = _concat(result, piece)
        if _is_unknown(result) or (isinstance(result, PathRef) and not result.exact):
            return result
    return result


def _same(a: _Value, b: _Value) -> bool:
    if isinstance(a, PathRef) and isinstance(b, PathRef):
        return (a.anchor, a.text, a.exact, a.module) == (b.anchor, b.text, b.exact, b.module)
    return a == b and not isinstance(a, _Unknown)


def _norm(text: str) -> str:
    if not text:
        return "."
    normal = posixpath.normpath(text)
    return "." if normal in ("", ".") else normal


def _raw(text: str) -> str:
    return "" if text == "." else text


def _code(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:
        return ""


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    texts = [side.value for side in sides if isinstance(side, ast.Constant)]
    return names == ["__name__"] and texts == ["__main__"]
