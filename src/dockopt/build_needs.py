"""What a build takes from a full base image that its slim variant lacks.

`stage_needs` reads the RUNs of some stages: compilers and headers (the build compiles), tools such
as git or curl that only the full image ships, packages that compile on `pip install` or load system
libraries at run time (`data/slim_images.json`), and what cannot be checked. DO501 decides from it
whether a slim base is enough; DO502 which packages the builder and the runtime stage need.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from dockopt.base_images import slim_data
from dockopt.shell import parse_script

if TYPE_CHECKING:
    from pathlib import Path

    from dockopt.document import Document, Instruction, Stage
    from dockopt.shell import Command, ShellView
    from dockopt.transform import Context

Locate = Callable[[str], "str | None"]  # an in-image path a RUN names -> its context path
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$")
_PIP_NAMES = re.compile(r"^pip(3(\.\d+)?)?$")
_PYTHON_NAMES = re.compile(r"^python(3(\.\d+)?)?$")


@dataclass
class Needs:
    """What the instructions of some stages use that the full image has and the slim one lacks."""

    tools: dict[str, tuple[Instruction, str]] = field(default_factory=dict)  # apt package -> (RUN, why)
    runtime: dict[str, tuple[Instruction, str]] = field(default_factory=dict)  # apt package -> (RUN, why)
    compiles: list[str] = field(default_factory=list)  # why the build needs a compiler
    build_packages: set[str] = field(default_factory=set)  # -dev packages a source build needs
    unsure: list[str] = field(default_factory=list)  # why we cannot tell

    def add_tool(self, package: str, run: Instruction, why: str) -> None:
        self.tools.setdefault(package, (run, why))


@dataclass
class PipInstall:
    """One `pip install` (or `python -m pip install`) command."""

    run: Instruction
    command: Command
    requirements: list[str]  # requirement specifiers given on the command line
    files: list[str]  # -r / -c files, as written (container paths)
    local: list[str]  # local paths (`.`, `./lib`, `-e .`)
    editable: bool
    flags: list[str]


def pip_installs(view: ShellView, run: Instruction) -> list[PipInstall]:
    found = []
    for command in view.commands:
        args = list(command.args)
        name = posixpath.basename(command.name or "")
        if _PYTHON_NAMES.match(name) and args[:2] == ["-m", "pip"]:
            args = args[2:]
        elif not _PIP_NAMES.match(name):
            continue
        if not args or args[0] != "install":
            continue
        found.append(_pip_install(run, command, args[1:]))
    return found


def _pip_install(run: Instruction, command: Command, args: list[str | None]) -> PipInstall:
    install = PipInstall(run, command, [], [], [], False, [])
    takes_value = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                   "--extra-index-url", "-f", "--find-links", "--no-binary", "--only-binary", "-t", "--target",
                   "--prefix", "--root", "--platform", "--python-version", "--implementation", "--abi",
                   "--trusted-host", "--progress-bar", "--src", "--upgrade-strategy", "--cache-dir", "--log"}
    items = iter(args)
    for arg in items:
        if arg is None:
            install.flags.append("$")
            continue
        option, eq, inline = arg.partition("=")
        if arg.startswith("-"):
            value = inline if eq else (next(items, None) if option in takes_value else None)
            install.flags.append(option if not value else f"{option}={value}")
            if option in ("-r", "--requirement", "-c", "--constraint") and value:
                install.files.append(value)
            elif option in ("-e", "--editable") and value:
                install.editable = True
                install.local.append(value)
            continue
        if arg.startswith((".", "/")) or arg.endswith((".whl", ".tar.gz", ".zip")) and "/" in arg:
            install.local.append(arg)
        else:
            install.requirements.append(arg)
    return install


def stage_needs(doc: Document, stages: list[Stage], ctx: Context | None, *, check_tools: bool = True) -> Needs:
    """What the RUNs of `stages` use that a slim image lacks (see the data file)."""
    table = slim_data()
    needs = Needs()
    fat_only = table["fat_only_commands"]
    compilers = set(table["compilers"])
    root = ctx.build.root if ctx is not None and ctx.build is not None else None
    for stage in stages:
        installed: set[str] = set()
        for instruction in stage.instructions:
            if instruction.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK") and check_tools:
                for name in exec_names(instruction):
                    package = fat_only.get(name)
                    if package and not _provided(package, installed):
                        needs.unsure.append(f"line {instruction.line}: {instruction.cmd} runs `{name}`, which only the full image has")
            if instruction.cmd != "RUN":
                continue
            view = doc.shell(instruction)
            if view is None or view.has_error:
                needs.unsure.append(f"line {instruction.line}: a RUN that is not plain shell (exec form or heredoc) cannot be checked")
                continue
            installed |= apt_installed(view)
            for command in view.commands:
                name = posixpath.basename(command.name or "")
                package = fat_only.get(name)
                if package is None or _provided(package, installed):
                    continue
                if name in compilers:
                    needs.compiles.append(f"line {instruction.line} runs `{name}`")
                elif check_tools:
                    needs.add_tool(package, instruction, f"line {instruction.line} runs `{name}`")
            if any(_PYTHON_NAMES.match(posixpath.basename(c.name or "")) and "setup.py" in c.args for c in view.commands):
                if _has_c_sources(ctx, None):
                    needs.compiles.append(f"line {instruction.line} runs setup.py on a project that may have C sources")
            for install in pip_installs(view, instruction):
                pip_needs(needs, install, located(doc, instruction, root), ctx, installed)
            _lock_needs(needs, view, instruction, ctx, installed)
    return needs


_LOCK_FILES = {"uv": ["uv.lock"], "poetry": ["poetry.lock"], "pdm": ["pdm.lock"], "pipenv": ["Pipfile.lock"]}
_LOCK_ENTRY = re.compile(r'^\[\[package\]\]\s*\nname = "([^"]+)"\s*\nversion = "([^"]+)"', re.M)


def _lock_needs(needs: Needs, view: ShellView, run: Instruction, ctx: Context | None, installed: set[str]) -> None:
    """uv / poetry / pdm / pipenv installs: check the packages of their lock file like requirements."""
    for command in view.commands:
        tool = posixpath.basename(command.name or "")
        if tool not in _LOCK_FILES or not {"sync", "install"} & set(command.args):
            continue
        at = f"line {run.line}"
        text = next((ctx.build.read_text(name) for name in _LOCK_FILES[tool] if ctx and ctx.build and ctx.build.exists(name)), None)
        if text is None:
            needs.unsure.append(f"{at}: `{tool}` installs from a lock file that is not in the build context")
            continue
        if tool == "pipenv":
            try:
                lock = json.loads(text)
            except ValueError:
                needs.unsure.append(f"{at}: Pipfile.lock does not parse")
                continue
            default = lock.get("default", {}) if isinstance(lock, dict) else None
            if not isinstance(default, dict) or not all(isinstance(info, dict) for info in default.values()):
                needs.unsure.append(f"{at}: Pipfile.lock is not shaped as pipenv writes it")
                continue
            pins = [(name, str(info.get("version", "")).lstrip("=")) for name, info in default.items()]
        else:
            pins = _LOCK_ENTRY.findall(text)
        for name, version in pins:
            _requirement_needs(needs, f"{name}=={version}" if version else name, run, at, installed)


def exec_names(instruction: Instruction) -> list[str]:
    """Programs a CMD, ENTRYPOINT or HEALTHCHECK runs (their basenames)."""
    args = list(instruction.args)
    if instruction.cmd == "HEALTHCHECK":
        if not args or args[0].upper() != "CMD":
            return []
        args = args[1:]
    if not args:
        return []
    if instruction.json:
        return [posixpath.basename(args[0])]
    tree = parse_script(" ".join(args))
    names = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "command_name":
            names.append(posixpath.basename((node.text or b"").decode()))  # a parsed tree keeps its text
        stack.extend(node.children)
    return names


def _provided(package: str, installed: set[str]) -> bool:
    if package in installed:
        return True
    return package in ("gcc", "g++", "make", "cpp") and "build-essential" in installed


def apt_installed(view: ShellView) -> set[str]:
    """Packages named by `apt-get install` / `apt install` in a RUN."""
    found: set[str] = set()
    for command in view.commands:
        if posixpath.basename(command.name or "") not in ("apt-get", "apt") or "install" not in command.args:
            continue
        after = command.args[command.args.index("install") + 1 :]
        found |= {arg.split("=", 1)[0] for arg in after if arg and not arg.startswith("-")}
    return found


def located(doc: Document, instruction: Instruction, root: Path | None) -> Locate:
    """Where the context files a RUN names come from, as the stage's copies above it left them."""

    def locate(path: str) -> str | None:
        found = doc.image.provider(instruction, path, root)
        return found[0] if found else None

    return locate


def pip_needs(needs: Needs, install: PipInstall, locate: Locate, ctx: Context | None, installed: set[str]) -> None:
    at = f"line {install.run.line}"
    if any(flag.startswith("--no-binary") for flag in install.flags):
        needs.compiles.append(f"{at}: `pip install --no-binary` builds from source")
    if "$" in install.flags:
        needs.unsure.append(f"{at}: `pip install` with arguments that expand variables")
    requirements = list(install.requirements)
    for path in install.files:
        lines = _requirements_file(locate, path, ctx)
        if lines is None:
            needs.unsure.append(f"{at}: cannot read `{path}` from the build context to check for packages that compile")
            continue
        requirements.extend(lines)
    for local in install.local:
        source = locate(local)
        if ctx is None or ctx.build is None or source is None:
            needs.unsure.append(f"{at}: cannot check the local project `{local}` for C extensions")
        elif _has_c_sources(ctx, source):
            needs.compiles.append(f"{at}: the local project `{local}` has C/Cython sources")
    for requirement in requirements:
        _requirement_needs(needs, requirement, install.run, at, installed)


def _requirement_needs(needs: Needs, requirement: str, run: Instruction, at: str, installed: set[str]) -> None:
    requirement = requirement.split(" #", 1)[0].strip()
    if not requirement or requirement.startswith("#"):
        return
    if requirement.startswith("--no-binary"):
        needs.compiles.append(f"{at}: `--no-binary` in a requirements file builds from source")
        return
    if requirement.startswith("-"):
        return
    if requirement.startswith(("git+", "hg+", "svn+")) or " @ git+" in requirement:
        if "git" not in installed:
            needs.add_tool("git", run, f"{at}: installs `{requirement}` from a git repository")
        return
    match = _REQUIREMENT.match(requirement)
    if not match:
        return
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    extras = {extra.strip().lower() for extra in (match.group(2) or "").split(",")}
    entry = slim_data()["pip_source_builds"].get(name)
    if entry is None or extras & set(entry.get("unless_extra", [])):
        return
    if "below" in entry:
        pinned = re.search(r"==\s*([0-9][0-9.]*)", match.group(3))
        if not pinned or _version(pinned.group(1)) >= _version(entry["below"]):
            return
    if entry["compiles"]:
        needs.compiles.append(f"{at}: `{match.group(1)}` compiles C code against {', '.join(entry['build']) or 'Python headers'}")
        needs.build_packages.update(entry["build"])
    for package in entry["runtime"]:
        needs.runtime.setdefault(package, (run, f"{at}: `{match.group(1)}` loads {package} at run time"))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def _requirements_file(locate: Locate, path: str, ctx: Context | None, depth: int = 0) -> list[str] | None:
    if ctx is None or ctx.build is None or depth > 5:
        return None
    source = locate(path)
    text = ctx.build.read_text(source) if source else None
    if text is None or source is None:
        return None
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        option, _, value = line.partition(" ")
        if option in ("-r", "--requirement", "-c", "--constraint"):
            nested = posixpath.normpath(posixpath.join(posixpath.dirname(source), value.strip()))
            more = _requirements_file(_context_relative, nested, ctx, depth + 1)
            if more is None:
                return None
            lines.extend(more)
        else:
            lines.append(line)
    return lines


def _has_c_sources(ctx: Context | None, folder: str | None) -> bool:
    if ctx is None or ctx.build is None:
        return True  # unknown: assume the worst
    prefix = "" if folder in (None, "", ".") else folder.rstrip("/") + "/"
    for path in ctx.build.files(f"{prefix}**/*"):
        if path.endswith((".c", ".cc", ".cpp", ".cxx", ".pyx", ".rs")):
            return True
        if path.endswith("setup.py") and "ext_modules" in (ctx.build.read_text(path) or ""):
            return True
    return False


def _context_relative(path: str) -> str:
    """A requirements file named inside another one: its path is relative to the context already."""
    return path.lstrip("/")
