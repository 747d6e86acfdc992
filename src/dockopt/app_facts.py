"""What a Python app in the build context needs at run time, learned without running anything.

`analyse(root)` reads the Python sources of a build context with libcst and returns `AppFacts`:
  the ports the app binds (`app.run(port=...)`, `uvicorn.run(...)`, `socket.bind`, a gunicorn
  config's `bind`), the files and folders it writes (`open(..., "w")`, `Path.write_text`,
  `os.makedirs`, sqlite paths, `shutil.copy` targets, log files), the programs it runs
  (`subprocess.*`, `os.system`), and whether it changes its own user id (`os.setuid`).
  Paths are kept symbolic (`PathRef`: relative to the working folder, to the source file's folder,
  absolute, home, or temp) because only the Dockerfile says where the files end up. The result is
  cached per context root; huge trees, virtualenvs, `node_modules` and tests are skipped, and the
  work stops at fixed size and time limits (`AppFacts.complete` says whether it did).
The Dockerfile's side (where those files land, what starts) is the image model (`dockopt.image`).

libcst is imported only when `analyse` runs.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from dockopt.commands import bind_port

if TYPE_CHECKING:
    from dockopt.context import BuildContext

# -- limits -------------------------------------------------------------------------------------

MAX_FILES = 400
MAX_FOLDERS = 5000  # folders walked in search of sources
MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024
TIME_BUDGET_SECONDS = 10.0
# Folders that are never the app: dependencies, virtualenvs, tests, VCS and tool caches.
SKIPPED_DIRS = frozenset(
    ".git .hg .svn node_modules site-packages dist-packages __pycache__ .venv venv env virtualenv "
    ".tox .nox .mypy_cache .pytest_cache .ruff_cache .eggs build dist tests test testing docs "
    "migrations alembic".split()
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


_CACHE: dict[tuple, AppFacts] = {}


def analyse(root: str | Path, build: BuildContext | None = None) -> AppFacts:
    """Facts about the Python sources under `root` (cached per root and file state)."""
    root_path = Path(root).resolve()
    files, skipped, complete = _discover(root_path, build)
    signature = tuple((rel, size, mtime) for rel, size, mtime in files)
    key = (str(root_path), signature)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    facts = _Analysis(root_path, [rel for rel, _, _ in files], skipped, complete).run()
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = facts
    return facts


def _discover(root: Path, build: BuildContext | None):
    files: list[tuple[str, int, int]] = []
    skipped: list[str] = []
    complete = True
    total = 0
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    for visited, (folder, dirs, names) in enumerate(os.walk(root)):
        if visited >= MAX_FOLDERS or time.monotonic() > deadline:
            skipped.append(f"{Path(folder).relative_to(root).as_posix()}: over the analysis limits (folders)")
            return files, skipped, False
        rel_folder = Path(folder).relative_to(root).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        keep = []
        for name in sorted(dirs):
            if name in SKIPPED_DIRS or name.startswith(".") or (Path(folder) / name / "pyvenv.cfg").exists():
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
                stat = (Path(folder) / name).stat()
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


@dataclass
class _Module:
    rel: str
    dotted: str
    tree: object  # libcst.Module
    wrapper: object
    positions: Mapping
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted name
    assignments: dict[str, list] = field(default_factory=dict)  # target code -> value nodes (module level)
    local_assignments: dict[int, dict[str, list]] = field(default_factory=dict)  # id(function) -> ...


class _Analysis:
    def __init__(self, root: Path, files: list[str], skipped: list[str], complete: bool):
        self.root = root
        self.files = files
        self.skipped = list(skipped)
        self.complete = complete
        self.modules: dict[str, _Module] = {}
        self.by_dotted: dict[str, _Module] = {}
        self.ports: list[Port] = []
        self.writes: list[Write] = []
        self.unknown_writes: list[Site] = []
        self.runs: list[Run] = []
        self.drops: list[Site] = []
        self.root_calls: list[Run] = []
        self.uses_home: list[Site] = []

    def run(self) -> AppFacts:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        deadline = time.monotonic() + TIME_BUDGET_SECONDS
        for rel in self.files:
            if time.monotonic() > deadline:
                self.complete = False
                self.skipped.append(f"{rel}: over the time limit")
                continue
            try:
                source = (self.root / rel).read_bytes()
                tree = cst.parse_module(source)
            except Exception as exc:  # Python 2 code, syntax errors, unreadable files
                self.skipped.append(f"{rel}: does not parse ({type(exc).__name__})")
                continue
            wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
            positions = wrapper.resolve(PositionProvider)
            dotted = rel[:-3].replace("/", ".")
            if dotted.endswith(".__init__"):
                dotted = dotted[: -len(".__init__")]
            module = _Module(rel, dotted, tree, wrapper, positions)
            try:
                _Collector(module).collect()
            except Exception as exc:  # a construct this analysis does not expect: skip the file, say so
                self.skipped.append(f"{rel}: not analysed ({type(exc).__name__}: {exc})")
                continue
            self.modules[rel] = module
            parts = dotted.split(".")
            for i in range(len(parts)):  # `src/pkg/config.py` is importable as pkg.config or config
                self.by_dotted.setdefault(".".join(parts[i:]), module)
        for module in self.modules.values():
            if time.monotonic() > deadline:
                self.complete = False
                self.skipped.append(f"{module.rel}: over the time limit")
                continue
            try:
                _Finder(self, module).find()
            except Exception as exc:
                self.complete = False
                self.skipped.append(f"{module.rel}: not fully analysed ({type(exc).__name__}: {exc})")
        return AppFacts(
            root=str(self.root),
            files=tuple(self.modules),
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


class _Collector:
    """First pass over a module: imports and simple assignments (module level and per function)."""

    def __init__(self, module: _Module):
        self.module = module

    def collect(self) -> None:
        import libcst as cst

        module = self.module

        def code(node) -> str:
            return module.tree.code_for_node(node).strip()

        stack: list[int | None] = [None]
        outer = self

        class Visitor(cst.CSTVisitor):
            def visit_FunctionDef(self, node):
                stack.append(id(node))

            def leave_FunctionDef(self, node):
                stack.pop()

            def visit_Import(self, node):
                for alias in node.names:
                    name = code(alias.name)
                    if alias.asname is not None:
                        module.imports[code(alias.asname.name)] = name
                    else:
                        module.imports[name.split(".")[0]] = name.split(".")[0]

            def visit_ImportFrom(self, node):
                if isinstance(node.names, cst.ImportStar) or node.module is None and not node.relative:
                    return
                base = code(node.module) if node.module is not None else ""
                if node.relative and not base:
                    base = ""
                for alias in node.names:
                    name = code(alias.name)
                    local = code(alias.asname.name) if alias.asname is not None else name
                    module.imports[local] = f"{base}.{name}" if base else name

            def visit_Assign(self, node):
                for target in node.targets:
                    outer._record(code(target.target), node.value, stack[-1])

            def visit_AnnAssign(self, node):
                if node.value is not None:
                    outer._record(code(node.target), node.value, stack[-1])

        module.tree.visit(Visitor())

    def _record(self, target: str, value, scope: int | None) -> None:
        table = self.module.assignments if scope is None else self.module.local_assignments.setdefault(scope, {})
        table.setdefault(target, []).append(value)


class _Finder:
    """Second pass: evaluates path and port expressions and records the facts."""

    MAX_DEPTH = 12

    def __init__(self, analysis: _Analysis, module: _Module):
        self.analysis = analysis
        self.module = module
        self.active: set[tuple] = set()  # names being evaluated, against self-reference

    # -- helpers -------------------------------------------------------------------------

    def site(self, node, module: _Module | None = None) -> Site:
        module = module or self.module
        try:
            line = module.positions[node].start.line
        except KeyError:
            line = 0
        return Site(module.rel, line)

    def code(self, node, module: _Module | None = None) -> str:
        return (module or self.module).tree.code_for_node(node).strip()

    def qualified(self, node, module: _Module | None = None) -> str | None:
        """`os.path.join` for `os.path.join`, `osp.join` (import os.path as osp), `join` (from os.path import join)."""
        import libcst as cst

        module = module or self.module
        parts = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        head = module.imports.get(node.value, node.value)
        return ".".join([head, *reversed(parts)])

    # -- the walk ------------------------------------------------------------------------

    def find(self) -> None:
        import libcst as cst

        finder = self
        module = self.module
        scopes: list[int | None] = [None]
        main_guard = [0]

        class Visitor(cst.CSTVisitor):
            def visit_FunctionDef(self, node):
                scopes.append(id(node))

            def leave_FunctionDef(self, node):
                scopes.pop()

            def visit_If(self, node):
                if _is_main_guard(finder.code(node.test)):
                    main_guard[0] += 1

            def leave_If(self, node):
                if _is_main_guard(finder.code(node.test)):
                    main_guard[0] -= 1

            def visit_Call(self, node):
                finder.call(node, scopes[-1], main_guard[0] > 0)

            def visit_SimpleString(self, node):
                finder.database_url(node, scopes[-1])

            def visit_FormattedString(self, node):
                finder.database_url(node, scopes[-1])

            def visit_BinaryOperation(self, node):
                finder.database_url(node, scopes[-1])

            def visit_Dict(self, node):
                finder.django_database(node, scopes[-1])

        module.tree.visit(Visitor())
        if "gunicorn" in module.rel.rsplit("/", 1)[-1]:
            for value in module.assignments.get("bind", []):
                for item in [e.value for e in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]:
                    text = self.literal(item, None)
                    if isinstance(text, str):
                        port = bind_port(text)
                        if port is not None:
                            self.analysis.ports.append(Port(port, self.site(value), "gunicorn config", False))

    def call(self, node, scope, main_only: bool) -> None:
        import libcst as cst

        func = node.func
        name = self.qualified(func) or ""
        last = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
        args = node.args
        positional = [a.value for a in args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in args if a.keyword is not None}

        def arg(index: int | None, *keys: str):
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
        kind = None
        target = None
        if name in _OPEN_CALLS or name in _ARCHIVE_OPENS:
            mode = self.literal(arg(1, "mode"), scope)
            if isinstance(mode, str) and _WRITE_MODES & set(mode):
                kind, target = "file", arg(0, "file", "filename", "name")
        elif name == "os.open":
            flags = arg(1, "flags")
            if flags is not None and re.search(r"O_(WRONLY|RDWR|CREAT|APPEND)", self.code(flags)):
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
        elif isinstance(func, cst.Attribute) and last in ("open", *_PATH_METHODS_WRITE, *_SAVE_METHODS):
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

    def port_call(self, node, name, last, arg, scope, site, main_only) -> None:
        import libcst as cst

        values = []
        if last == "bind":
            target = arg(0, "address")
            if isinstance(target, cst.Tuple) and len(target.elements) == 2:
                values.append(target.elements[1].value)
            elif target is not None:
                text = self.literal(target, scope)
                if isinstance(text, str) and text.startswith(("tcp://", "udp://")):
                    port = bind_port(text.split("://", 1)[1])
                    if port is not None:
                        self.analysis.ports.append(Port(port, site, f"{last}({text!r})", main_only))
                return
        elif last in _SERVER_CLASSES:
            target = arg(0, "server_address")
            if isinstance(target, cst.Tuple) and len(target.elements) == 2:
                values.append(target.elements[1].value)
        elif last == "listen":
            values.append(arg(0, "port"))
        else:
            keys, index = _PORT_CALLS[last]
            if last == "run":
                # app.run(host, port) (Flask); uvicorn.run(app, host, port)
                index = 2 if name.startswith("uvicorn") else 1
                if not (name.startswith("uvicorn") or isinstance(node.func, cst.Attribute)):
                    index = None
            values.append(arg(index, *keys))
        for value in values:
            if value is None:
                continue
            port = self.port_value(value, scope)
            if port is not None:
                via = name if name and "." in name else last
                self.analysis.ports.append(Port(port, site, via, main_only))

    def port_value(self, node, scope) -> int | None:
        value = self.literal(node, scope)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
            return value
        if isinstance(value, str) and value.isdigit() and 0 < int(value) < 65536:
            return int(value)
        return None

    def program(self, node, scope, via: str) -> str | None:
        import libcst as cst

        if node is None:
            return None
        if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
            first = self.literal(node.elements[0].value, scope)
            return first if isinstance(first, str) else None
        text = self.literal(node, scope)
        if isinstance(text, str):
            try:
                words = shlex.split(text)
            except ValueError:
                words = text.split()
            return words[0] if words else None
        return None

    def write(self, node, kind: str, site: Site, via: str, scope) -> None:
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

    def database_url(self, node, scope) -> None:
        """`"sqlite:///data/app.db"` (SQLAlchemy, dj-database-url...) names a database file."""
        import libcst as cst

        prefix = "sqlite:///"
        rest = None  # what follows the prefix: a str, or a PathRef when built from variables
        if isinstance(node, cst.SimpleString):
            text = _string_value(node)
            if text and text.startswith(prefix):
                rest = text[len(prefix) :]
        elif isinstance(node, cst.FormattedString) and node.parts and isinstance(node.parts[0], cst.FormattedStringText):
            if node.parts[0].value.startswith(prefix):
                rest = node.parts[0].value[len(prefix) :]
                for part in node.parts[1:]:
                    piece = part.value if isinstance(part, cst.FormattedStringText) else self.evaluate(part.expression, scope)
                    rest = _concat(rest, piece)
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add) and not isinstance(node.left, cst.BinaryOperation):
            left = self.evaluate(node.left, scope)
            if isinstance(left, str) and left.startswith(prefix):
                rest = _concat(left[len(prefix) :], self.evaluate(node.right, scope))
        if rest in (None, "", ":memory:") or _is_unknown(rest):
            return
        self.write_ref(_as_path(rest), "database", self.site(node), "sqlite URL")

    def django_database(self, node, scope) -> None:
        import libcst as cst

        entries = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.literal(element.key, scope)
                if isinstance(key, str):
                    entries[key] = element.value
        engine = self.literal(entries.get("ENGINE"), scope) if "ENGINE" in entries else None
        if isinstance(engine, str) and "sqlite3" in engine and "NAME" in entries:
            self.write(entries["NAME"], "database", self.site(node), "Django DATABASES", scope)

    # -- evaluation ------------------------------------------------------------------------

    def literal(self, node, scope):
        """The str or int the expression always has, else None."""
        if node is None:
            return None
        value = self.evaluate(node, scope)
        return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None

    def evaluate(self, node, scope, module: _Module | None = None, depth: int = 0):
        """An int, a str (a literal), a PathRef (a path with a symbolic start), UNKNOWN, or None (unset)."""
        import libcst as cst

        module = module or self.module
        if node is None or depth > self.MAX_DEPTH:
            return UNKNOWN

        def again(item, s=scope, m=module):
            return self.evaluate(item, s, m, depth + 1)

        if isinstance(node, cst.Integer):
            try:
                return int(node.value.replace("_", ""), 0)
            except ValueError:
                return UNKNOWN
        if isinstance(node, cst.SimpleString):
            text = _string_value(node)
            return UNKNOWN if text is None else text
        if isinstance(node, cst.ConcatenatedString):
            return _concat(again(node.left), again(node.right))
        if isinstance(node, cst.FormattedString):
            result = ""
            for part in node.parts:
                piece = part.value if isinstance(part, cst.FormattedStringText) else again(part.expression)
                result = _concat(result, piece)
                if _is_unknown(result) or (isinstance(result, PathRef) and not result.exact):
                    return result
            return result
        if isinstance(node, cst.Name):
            if node.value == "__file__":
                return PathRef("module", posixpath.basename(module.rel), True, module.rel)
            return self.lookup(node.value, scope, module, depth)
        if isinstance(node, cst.BinaryOperation):
            left, right = again(node.left), again(node.right)
            if isinstance(node.operator, cst.Divide) and isinstance(left, (PathRef, str)):
                left = _as_path(left)
                right = _as_path(right) if isinstance(right, (PathRef, str)) else None
                return left.join(right) if right is not None else left.inexact()
            if isinstance(node.operator, cst.Add):
                if isinstance(left, int) and isinstance(right, int):
                    return left + right
                return _concat(left, right)
            if isinstance(node.operator, cst.Modulo) and isinstance(left, str):
                values = list(node.right.elements) if isinstance(node.right, cst.Tuple) else [node.right]
                return _format(left, [again(getattr(v, "value", v)) for v in values])
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            left = again(node.left)
            return again(node.right) if left is None or _is_unknown(left) or left == "" else left
        if isinstance(node, cst.IfExp):
            body, orelse = again(node.body), again(node.orelse)
            return body if _same(body, orelse) else UNKNOWN
        if isinstance(node, cst.Attribute):
            if node.attr.value == "parent":
                base = again(node.value)
                return _as_path(base).parent() if isinstance(base, (PathRef, str)) else UNKNOWN
            found = self.lookup(self.code(node, module), scope, module, depth)
            if not _is_unknown(found):
                return found
            return self.lookup_qualified(self.qualified(node, module), depth)
        if isinstance(node, cst.Subscript):
            base_code = self.code(node.value, module)
            if base_code.endswith(".parents") and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                base = again(node.value.value)
                index = again(node.slice[0].slice.value)
                if isinstance(base, (PathRef, str)) and isinstance(index, int):
                    base = _as_path(base)
                    for _ in range(index + 1):
                        base = base.parent()
                    return base
                return UNKNOWN
            return self.lookup(self.code(node, module), scope, module, depth)
        if isinstance(node, cst.Call):
            return self.evaluate_call(node, scope, module, depth)
        return UNKNOWN

    def evaluate_call(self, node, scope, module, depth):
        import libcst as cst

        def again(item):
            return self.evaluate(item, scope, module, depth + 1)

        func = node.func
        name = self.qualified(func, module) or ""
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if name in ("os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path") or method == "joinpath":
            items = list(positional)
            result = _as_path(again(func.value)) if method == "joinpath" else (_as_path(again(items.pop(0))) if items else PathRef("cwd"))
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
            return again(func.value)
        if name in ("os.getcwd", "pathlib.Path.cwd", "Path.cwd"):
            return PathRef("cwd")
        if name in ("pathlib.Path.home", "Path.home"):
            return PathRef("home")
        if name.startswith("tempfile."):
            return PathRef("tmp")
        if name in ("os.environ.get", "os.getenv") or (method == "get" and self.code(func, module).endswith("environ.get")):
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            return again(default) if default is not None else None
        if name == "int" and positional:
            value = again(positional[0])
            if isinstance(value, int):
                return value
            return int(value) if isinstance(value, str) and value.strip().isdigit() else UNKNOWN
        if method in ("with_name", "with_suffix", "with_stem"):
            base = again(func.value)
            return _as_path(base).parent() if isinstance(base, (PathRef, str)) else UNKNOWN
        if method == "format":
            base = again(func.value)
            if isinstance(base, str):
                return _format(base, [again(a) for a in positional])
        return UNKNOWN

    def lookup(self, key: str, scope, module: _Module, depth: int):
        candidates = []
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

    def lookup_qualified(self, dotted: str | None, depth: int):
        """`config.DATA_DIR`: a module-level name of another source in the context."""
        if not dotted or "." not in dotted:
            return UNKNOWN
        module_name, _, attr = dotted.rpartition(".")
        target = self.analysis.by_dotted.get(module_name.lstrip("."))
        if target is None and module_name.endswith("settings"):  # django.conf.settings -> the settings.py
            target = next((m for m in self.analysis.modules.values() if m.rel.endswith("settings.py")), None)
        if target is None:
            return UNKNOWN
        return self.lookup(attr, None, target, depth + 1)


def _is_unknown(value) -> bool:
    return isinstance(value, _Unknown)


def _as_path(value) -> PathRef:
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


def _concat(left, right):
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


def _format(template: str, values: list):
    """`"{}/data".format(x)` / `"%s/data" % x` with the values we know."""
    pieces = re.split(r"(\{[^}]*\}|%[sdr])", template)
    result = ""
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


def _same(a, b) -> bool:
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


def _string_value(node) -> str | None:
    try:
        value = node.evaluated_value
    except Exception:
        return None
    return value if isinstance(value, str) else None


def _is_main_guard(test: str) -> bool:
    compact = test.replace(" ", "").replace("'", '"')
    return compact in ('__name__=="__main__"', '"__main__"==__name__')
