"""Dependency installs and the source copies they depend on: what DO301 and DO311 consult.

Three things, each kept small:

- where a stage's `COPY . .` puts each context file (`SourceCopy`);
- the install commands per ecosystem, as data (`PROJECT_INSTALLERS`, `SYSTEM_INSTALLERS`), and
  `classify_run`, which says whether a RUN is a dependency install, which files it reads, and
  which paths it could touch;
- requirements-file reading (`requirement_files`), which follows `-r` / `-c` includes.

Nothing here executes anything from the build context.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from dockopt.context import in_context
from dockopt.image import is_under, join
from dockopt.run_memory import is_folder
from dockopt.package_managers import (
    PIP_OPTIONS_WITH_VALUE,
    PIP_PATH_OPTIONS,
    PIP_REQUIREMENT_FILE_OPTIONS,
    pip_install_arguments,
)

if TYPE_CHECKING:
    from dockopt.context import BuildContext
    from dockopt.document import Document, Instruction
    from dockopt.shell import Command, ShellView

GLOB_CHARS = re.compile(r"[*?\[]")


# -- where a source COPY puts the context ----------------------------------------------------------


@dataclass(frozen=True)
class SourceCopy:
    """A COPY/ADD of a folder or glob from the build context (`COPY . .`, `COPY src/ /app/`).

    `sources` are context-relative ("" is the context root; a trailing "/" marks a folder);
    `dest` is the absolute destination folder inside the image; `dest_text` is how the file wrote it.
    """

    sources: tuple[str, ...]
    dest: str
    dest_text: str

    def context_path(self, path: str) -> str | None:
        """The context path that lands at the in-image `path`, or None when this copy puts nothing there."""
        if not is_under(path, self.dest):
            return None
        rest = "" if path == self.dest else path[len(self.dest.rstrip("/")) + 1 :]
        for source in self.sources:
            if GLOB_CHARS.search(source):
                # `COPY app/* .`: each match lands in dest under its own name.
                head, _, tail = rest.partition("/")
                candidate = posixpath.join(posixpath.dirname(source), head) if head else ""
                if head and fnmatchcase(candidate, source):
                    return candidate + ("/" + tail if tail else "")
                continue
            folder = source.rstrip("/")
            return posixpath.join(folder, rest) if folder else rest
        return None

    def dest_for(self, context_path: str) -> tuple[str, str] | None:
        """(destination folder as to write it in a COPY line, source path) for one context file."""
        for source in self.sources:
            if GLOB_CHARS.search(source):
                parent = posixpath.dirname(source)
                head = context_path[len(parent) + 1 :] if parent else context_path
                if parent and not context_path.startswith(parent + "/"):
                    continue
                first = head.split("/", 1)[0]
                if fnmatchcase(posixpath.join(parent, first) if parent else first, source):
                    return self._dest_text(posixpath.dirname(head)), context_path
                continue
            folder = source.rstrip("/")
            if folder and not context_path.startswith(folder + "/"):
                continue
            rest = context_path[len(folder) + 1 :] if folder else context_path
            return self._dest_text(posixpath.dirname(rest)), context_path
        return None

    def _dest_text(self, subfolder: str) -> str:
        base = self.dest_text.rstrip("/")
        if not base:
            base = "/" if self.dest_text.startswith("/") else "."
        if subfolder:
            base = ("" if base == "/" else base) + "/" + subfolder
        return base if base.endswith("/") else base + "/"


def source_copy(args: tuple[str, ...], cwd: str, build: BuildContext | None) -> SourceCopy | None:
    """The SourceCopy of a COPY/ADD's arguments, or None when it copies single files only."""
    if len(args) < 2:
        return None
    *sources, dest_text = args
    normalised = []
    whole = False
    for source in sources:
        if "://" in source or source.startswith("git@") or "$" in source:
            return None  # URLs, git and variables: not a plain context copy
        path = posixpath.normpath(source.lstrip("/")) if source.strip("/") else "."
        if path.startswith(".."):
            return None
        path = "" if path == "." else path
        if GLOB_CHARS.search(path):
            # `app/*` copies a folder's content; `package*.json` picks files by name.
            name = posixpath.basename(path)
            if name == "*" or (build is not None and any(p.is_dir() for p in build.root.glob(path))):
                whole = True
        elif path == "" or source.endswith("/") or _is_folder(build, path):
            whole = True
            path += "/" if path else ""
        normalised.append(path)
    if not whole:
        return None
    if "$" in dest_text:
        dest = "/$" + dest_text  # an unexpanded variable: only equal text can match it
    else:
        dest = join(cwd, dest_text)
    return SourceCopy(tuple(normalised), dest, dest_text)


def _is_folder(build: BuildContext | None, path: str) -> bool:
    """A folder of the context; without the context, a name with no extension (`COPY front-end .`)."""
    if build is None:
        return "." not in posixpath.basename(path)
    return is_folder(os.path.join(build.root, path))


def present(build: BuildContext, relative: str) -> bool:
    """Does the build send this file or folder (exists and not `.dockerignore`d)?"""
    relative = in_context(relative)
    if not relative:
        return True
    return (build.root / relative).exists() and not build.ignored(relative)


# -- install commands as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectInstaller:
    """A command that installs a project's dependencies from manifests in its working folder."""

    tool: str
    required: tuple[str, ...]  # manifests it cannot run without
    optional: tuple[str, ...] = ()  # read when present: copied with the manifests
    alternatives: tuple[tuple[str, ...], ...] = ()  # one of each group must exist (lock files)
    no_project_flag: str | None = None  # installs the dependencies only (the project needs the source)
    outputs: tuple[str, ...] = ()  # folders it writes under the working folder
    without_context: tuple[str, ...] = ()  # sources to copy when the context is unknown


NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")
NODE_OPTIONAL = (".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml", ".pnpmfile.cjs")

PROJECT_INSTALLERS = {
    "npm": ProjectInstaller("npm", ("package.json",), NODE_OPTIONAL + NPM_LOCKS, outputs=("node_modules",),
                            without_context=("package*.json",)),
    "npm ci": ProjectInstaller("npm", ("package.json",), NODE_OPTIONAL, (NPM_LOCKS,), outputs=("node_modules",),
                               without_context=("package*.json",)),
    "yarn": ProjectInstaller("yarn", ("package.json", "yarn.lock"), NODE_OPTIONAL, outputs=("node_modules",)),
    "pnpm": ProjectInstaller("pnpm", ("package.json", "pnpm-lock.yaml"), NODE_OPTIONAL, outputs=("node_modules",)),
    "go mod download": ProjectInstaller("go", ("go.mod",), ("go.sum",), without_context=("go.mod", "go.sum*")),
    "bundle": ProjectInstaller("bundler", ("Gemfile", "Gemfile.lock"), (".bundle/config",),
                               outputs=("vendor/bundle", ".bundle")),
    "pipenv": ProjectInstaller("pipenv", ("Pipfile", "Pipfile.lock"), (".python-version",)),
    "uv sync": ProjectInstaller("uv", ("pyproject.toml", "uv.lock"), (".python-version", "uv.toml"),
                                no_project_flag="--no-install-project", outputs=(".venv",)),
    "poetry": ProjectInstaller("poetry", ("pyproject.toml", "poetry.lock"), ("poetry.toml",),
                               no_project_flag="--no-root", outputs=(".venv",)),
    "pdm": ProjectInstaller("pdm", ("pyproject.toml", "pdm.lock"), ("pdm.toml", ".pdm-python"),
                            no_project_flag="--no-self", outputs=(".venv", "__pypackages__")),
}

# System package managers and global installs: they read nothing from the working folder.
SYSTEM_INSTALLERS = {
    "apt-get": {"update", "install", "upgrade", "dist-upgrade", "clean", "autoclean", "autoremove", "purge", "remove"},
    "apt": {"update", "install", "upgrade", "full-upgrade", "clean", "autoremove", "purge", "remove"},
    "apk": {"add", "update", "upgrade", "del"},
    "yum": {"install", "update", "upgrade", "clean", "makecache", "remove"},
    "dnf": {"install", "update", "upgrade", "clean", "makecache", "remove"},
    "microdnf": {"install", "update", "upgrade", "clean", "remove"},
    "zypper": {"install", "in", "refresh", "ref", "clean", "cc", "update", "up", "remove", "rm"},
    "gem": {"install", "update"},
}
# Commands that may sit in an install RUN (`rm -rf /var/lib/apt/lists/*`); their paths are checked.
HELPERS = {"rm", "mkdir", "set", "true", "echo", ":"}
# Package-manager cache cleanups (the hygiene passes append them to installs): program -> verb.
CACHE_CLEANUPS = {"npm": "cache", "yarn": "cache", "pnpm": "store", "pip": "cache", "pip3": "cache", "uv": "cache",
                  "composer": "clear-cache", "gem": "cleanup", "conda": "clean", "mamba": "clean", "bun": "pm"}

_NAME_SPEC = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,\s-]*\])?\s*"
    r"((===|==|>=|<=|~=|!=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(,\s*(===|==|>=|<=|~=|!=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*)*)?"
    r"(;.*)?$"
)
_VCS = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".egg", ".txt", ".py", ".cfg", ".toml")


def is_remote(spec: str) -> bool:
    """A requirement fetched from an index or a URL, never from the build context."""
    spec = spec.strip()
    if spec.startswith(_VCS) or re.match(r"^(https?|ftp)://", spec):
        return True
    if " @ " in spec or "@" in spec.split(";")[0] and "://" in spec:
        url = spec.split("@", 1)[1].strip()
        return not url.startswith("file:")
    return bool(_NAME_SPEC.match(spec)) and not spec.lower().endswith(_ARCHIVES)


# -- one RUN, classified ---------------------------------------------------------------------------


@dataclass
class InstallRun:
    """What a dependency-install RUN reads and touches, all as in-image absolute paths."""

    manifests: list[str] = field(default_factory=list)  # files it cannot run without
    optional: list[str] = field(default_factory=list)  # files it reads when present
    alternatives: list[tuple[str, ...]] = field(default_factory=list)  # one of each must exist
    without_context: list[str] = field(default_factory=list)  # sources to copy when the context is unknown
    paths: list[str] = field(default_factory=list)  # other paths it names (checked against the copy)
    outputs: list[str] = field(default_factory=list)  # folders it writes under its working folder
    splits: list[tuple[int, str]] = field(default_factory=list)  # (logical offset after the subcommand, flag)
    requirement_files: list[str] = field(default_factory=list)  # pip -r / -c files (followed for includes)
    tools: list[str] = field(default_factory=list)
    # Why the install may rewrite a manifest (a lock file) that the full copy would then put back.
    rewrites_manifest: str | None = None

    @property
    def uses_manifests(self) -> bool:
        return bool(self.manifests or self.requirement_files)


@dataclass(frozen=True)
class NotInstall:
    reason: str


_FORBIDDEN_NODES = {
    "redirected_statement", "command_substitution", "process_substitution", "subshell", "function_definition",
    "if_statement", "for_statement", "while_statement", "case_statement", "c_style_for_statement",
    "variable_assignment", "declaration_command", "heredoc_redirect", "pipeline", "compound_statement",
}


def classify_run(doc: Document, instruction: Instruction, cwd: str) -> InstallRun | NotInstall:
    """Is this RUN nothing but dependency installs? Then what it reads; otherwise why not."""
    view = doc.shell(instruction)
    if view is None:
        return NotInstall("not a shell-form RUN")
    if view.has_error:
        return NotInstall("the shell text does not parse")
    for flag in instruction.flags_named("mount"):
        if "type=bind" in flag or not any(f"type={kind}" in flag for kind in ("cache", "secret", "ssh", "tmpfs")):
            return NotInstall("it mounts files from the build context")
    for kind in _FORBIDDEN_NODES:  # any one of them will do: no need for them in source order
        for node in view.of_type(kind):
            if not (kind == "variable_assignment" and node.parent is not None and node.parent.type == "command"):
                return NotInstall("it does more than install packages")
    run = InstallRun()
    for command in view.commands:
        args = [arg for arg in command.args if arg is not None]
        if command.name is None or len(args) < len(command.args):
            return NotInstall("it expands variables")
        reason = _classify_command(command, command.name, args, cwd, run, view)
        if reason:
            return NotInstall(reason)
    return run  # no tools: helpers and tool settings only, which may move but do not count as an install


def _classify_command(command: Command, name: str, args: list[str], cwd: str, run: InstallRun, view: ShellView) -> str | None:
    """`name` and `args` are the command's static words (it has no others)."""
    name = posixpath.basename(name)
    if re.fullmatch(r"python(\d(\.\d+)?)?", name) and args[:2] == ["-m", "pip"]:
        name, args = "pip", args[2:]
    if name in CACHE_CLEANUPS and CACHE_CLEANUPS[name] == next((arg for arg in args if not arg.startswith("-")), None):
        return None  # `npm cache clean --force` and the like: the install's own cleanup
    if re.fullmatch(r"pip(\d(\.\d+)?)?", name):
        return _pip(args, cwd, run)
    if name == "uv" and args[:2] == ["pip", "install"]:
        return _pip(["install", *args[2:]], cwd, run, uv=True)
    if name in HELPERS:
        run.paths.extend(join(cwd, arg) for arg in args if not arg.startswith("-") and _looks_like_path(arg))
        return None
    if name in SYSTEM_INSTALLERS:
        verb = next((arg for arg in args if not arg.startswith("-")), None)
        if verb not in SYSTEM_INSTALLERS[name]:
            return f"`{name} {verb or ''}`".replace(" `", "`") + " is not an install"
        local = [arg for arg in args if _looks_like_path(arg) and not arg.startswith("-")]
        if local:
            return f"it installs a local file ({local[0]})"
        run.tools.append(name)
        return None
    return _project(name, args, cwd, run, command, view)


def _pip(args: list[str], cwd: str, run: InstallRun, *, uv: bool = False) -> str | None:
    while args and args[0].startswith("-"):  # pip's global options before the subcommand
        flag = args.pop(0)
        if flag in PIP_OPTIONS_WITH_VALUE and args:
            args.pop(0)
    if not args or args[0] != "install":
        return f"`pip {args[0] if args else ''}` is not an install"
    run.tools.append("pip")
    for argument in pip_install_arguments(args[1:], uv=uv):
        option, value = argument.option, argument.value
        if option is None:
            if value is not None and not is_remote(value):
                return f"it installs a local path ({value}), which needs the source"
        elif value is None or not argument.known:
            continue
        elif option in PIP_REQUIREMENT_FILE_OPTIONS:
            run.requirement_files.append(join(cwd, value))
        elif option == "--editable":
            if not value.startswith(_VCS):
                return f"it installs a local path (`-e {value}`), which needs the source"
            run.outputs.append(join(cwd, "src"))  # pip clones editable VCS requirements into ./src
        elif option == "--find-links" and "://" not in value:
            run.paths.append(join(cwd, value))
        elif option in PIP_PATH_OPTIONS:
            run.paths.append(join(cwd, value))
    return None


def _project(name: str, args: list[str], cwd: str, run: InstallRun, command: Command, view: ShellView) -> str | None:
    # Later words may be option values (`poetry install --only main`); only npm and pipenv take
    # package names after the verb, and those change the manifest.
    positional = [arg for arg in args if not arg.startswith("-")]
    if name in _CONFIG_TOOLS and positional[:1] == ["config"]:
        if any(arg.startswith(_PROJECT_CONFIG) for arg in args):
            return f"`{name} config` writes a settings file into the project folder"
        return None  # user-wide settings (`poetry config virtualenvs.create false`): read nothing from the source
    key = None
    if name == "npm" and positional[:1] in (["ci"], ["install"], ["i"]):
        if "-g" in args or "--global" in args:
            extra = positional[1:]
            if any(not _NAME_SPEC.match(arg.split("@")[0] or "x") for arg in extra):
                return "it installs a local path"
            run.tools.append("npm")
            return None
        if len(positional) > 1:
            return "`npm install <package>` changes package.json"
        key = "npm ci" if positional[0] == "ci" else "npm"
    elif name == "yarn" and positional[:2] == ["global", "add"]:
        if any(arg.startswith((".", "/", "~", "file:", "link:")) or arg.endswith(".tgz") for arg in positional[2:]):
            return "it installs a local path"
        run.tools.append("yarn")
        return None
    elif name == "yarn" and positional in ([], ["install"]):
        key = "yarn"
    elif name == "pnpm" and positional[:1] in (["install"], ["i"]):
        key = "pnpm"
    elif name == "go" and positional == ["mod", "download"]:
        key = "go mod download"
    elif name == "bundle" and positional[:1] == ["install"]:
        key = "bundle"
    elif name == "pipenv" and positional in (["install"], ["sync"]):
        key = "pipenv"
    elif name == "uv" and positional[:1] == ["sync"]:
        key = "uv sync"
    elif name == "poetry" and positional[:1] == ["install"]:
        key = "poetry"
    elif name == "pdm" and positional[:1] in (["install"], ["sync"]):
        key = "pdm"
    if key is None:
        return f"`{' '.join([name, *positional[:1]])}` is not a dependency install"
    spec = PROJECT_INSTALLERS[key]
    run.rewrites_manifest = run.rewrites_manifest or _may_rewrite_lock(key, args)
    run.tools.append(spec.tool)
    run.manifests.extend(join(cwd, item) for item in spec.required)
    run.optional.extend(join(cwd, item) for item in spec.optional)
    run.alternatives.extend(tuple(join(cwd, item) for item in group) for group in spec.alternatives)
    run.without_context.extend(join(cwd, item) for item in (spec.without_context or spec.required))
    run.outputs.extend(join(cwd, item) for item in spec.outputs)
    if spec.no_project_flag and spec.no_project_flag not in args:
        if any(flag in args for flag in ("--only-root", "--no-install-workspace", "--only-self")):
            return f"`{name}` installs only the project here"
        subcommand = next(node for node in command.node.children if view.word(node) == positional[0])
        run.splits.append((view.char(subcommand.end_byte), spec.no_project_flag))
    return None


# Installers that may write their lock file unless told not to, and the flags that forbid it.
# Moved above the full copy, the lock they wrote is replaced by the context's copy: a real
# change (found by building a pipenv project whose lock pipenv rewrote).
_LOCK_WRITERS = {
    "npm": ("`npm install` may rewrite package-lock.json", ()),
    "yarn": ("`yarn install` may rewrite yarn.lock", ("--frozen-lockfile", "--immutable")),
    "pnpm": ("`pnpm install` may rewrite pnpm-lock.yaml", ("--frozen-lockfile",)),
    "bundle": ("`bundle install` may rewrite Gemfile.lock", ("--frozen", "--deployment")),
    "pipenv": ("pipenv may rewrite Pipfile.lock", ()),
    "uv sync": ("`uv sync` may rewrite uv.lock", ("--frozen", "--locked")),
    "pdm": ("pdm may rewrite pdm.lock", ("--frozen-lockfile", "--check")),
}


def _may_rewrite_lock(key: str, args: list[str]) -> str | None:
    reason, forbidding = _LOCK_WRITERS.get(key, (None, ()))
    if reason is None or any(arg in forbidding for arg in args):
        return None
    return f"{reason}, which the full copy would then replace"


_CONFIG_TOOLS = {"poetry", "npm", "pip", "pip3", "yarn", "pnpm", "pdm", "uv"}
_PROJECT_CONFIG = ("--local", "--location=project", "--project", "--site")


def _looks_like_path(arg: str) -> bool:
    return arg.startswith(("/", "./", "../", "~")) or arg == "." or ("/" in arg and "://" not in arg)


# -- requirements files ----------------------------------------------------------------------------


@dataclass
class Requirements:
    files: list[str]  # context paths: the file and every -r / -c include
    local: str | None = None  # the first line that installs from a local path
    missing: str | None = None  # an include that is not in the context
    vcs_editable: bool = False


def requirement_files(build: BuildContext, first: str) -> Requirements:
    """Follow `-r`/`-c` includes (relative to the including file) through the build context."""
    result = Requirements([])
    queue = [first]
    while queue:
        path = queue.pop(0)
        if path in result.files:
            continue
        text = build.read_text(path)
        if text is None:
            result.missing = result.missing or path
            continue
        result.files.append(path)
        for line in _logical_lines(text):
            parts = line.split()
            option, value = parts[0], " ".join(parts[1:])
            if "=" in option and option.startswith("--"):
                option, value = option.split("=", 1)
            elif re.match(r"^-[rcef]\S", option):
                option, value = option[:2], option[2:]
            if option in ("-r", "--requirement", "-c", "--constraint"):
                queue.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), value)))
            elif option in ("-e", "--editable"):
                if value.startswith(_VCS):
                    result.vcs_editable = True
                else:
                    result.local = result.local or line
            elif option in ("-f", "--find-links") and "://" not in value:
                result.local = result.local or line
            elif not option.startswith("-") and not is_remote(line.split(" --")[0]):
                result.local = result.local or line
    return result


def _logical_lines(text: str) -> list[str]:
    lines, pending = [], ""
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            lines.append(line)
    return lines


# -- checks on other manifests ---------------------------------------------------------------------


_NPM_DEPENDENCIES = ("dependencies", "devDependencies", "optionalDependencies")


def manifest_problem(build: BuildContext, path: str) -> str | None:
    """Why installing from this manifest would need the rest of the source, if it would."""
    name = posixpath.basename(path)
    text = build.read_text(path) or ""
    if name == "package.json":
        try:
            data = json.loads(text)
        except ValueError:
            return f"{path} is not valid JSON"
        # Valid JSON of another shape (`[]`, `"dependencies": [...]`): npm's reading of it is not ours to guess.
        if not isinstance(data, dict):
            return f"{path} is not a JSON object"
        odd = next((key for key in ("scripts", *_NPM_DEPENDENCIES) if not isinstance(data.get(key) or {}, dict)), None)
        if odd is not None:
            return f"{path} has a `{odd}` that is not an object"
        scripts = data.get("scripts") or {}
        hooks = [hook for hook in ("preinstall", "install", "postinstall", "prepare") if hook in scripts]
        if hooks:
            return f"{path} runs a `{hooks[0]}` script, which may read the source"
        if data.get("workspaces"):
            return f"{path} declares workspaces, which live in the source"
        for section in _NPM_DEPENDENCIES:
            for dep, version in (data.get(section) or {}).items():
                if isinstance(version, str) and version.startswith(("file:", "link:", "workspace:", ".", "/")):
                    return f"{path} installs {dep} from a local path ({version})"
    elif name == "pyproject.toml":
        if re.search(r"^\s*\[tool\.uv\.workspace\]", text, re.M):
            return f"{path} declares a uv workspace, whose members live in the source"
        if re.search(r"\bpath\s*=", text) or re.search(r"\beditable\s*=\s*true", text):
            return f"{path} installs a dependency from a local path"
    elif name == "Gemfile":
        if re.search(r"^\s*gemspec\b", text, re.M) or re.search(r"\bpath:\s", text):
            return f"{path} installs gems from the source (gemspec or path:)"
    elif name == "go.mod":
        if re.search(r"^\s*replace\b.*=>\s*\.{1,2}/", text, re.M) or re.search(r"=>\s*\.{1,2}/", text):
            return f"{path} replaces a module with a local folder"
    elif name == "Pipfile":
        if re.search(r"\bpath\s*=", text):
            return f"{path} installs a package from a local path"
    return None
