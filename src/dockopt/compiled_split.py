"""DO502 multi-stage for builds that compile: Go, Node (npm) and C/C++ on a distro image.

Planning only: the DO502 transform (`transforms/multi_stage.py`) renders the plan with
`templates/compiled_multistage.Dockerfile.j2`. Each planner returns None when the file is not a
build of its kind, and raises `NotMapped` (a finding with the reason) when it is one but some
instruction cannot be placed confidently.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from dockopt.base_images import ImageRef, slim_data, slim_tag
from dockopt.build_needs import exec_names
from dockopt.commands import exec_words
from dockopt.shell import parse_script, walk_tree
from dockopt.stage_split import (
    STARTS_AS_ROOT,
    Block,
    NotMapped,
    blocks,
    tools_used_at_runtime,
    verbatim,
)
from dockopt.words import process_word

if TYPE_CHECKING:
    from dockopt.base_images import BaseSite
    from dockopt.document import Document, Instruction, Stage
    from dockopt.shell import Command, ShellView
    from dockopt.transform import Context

# One step of a rendered stage, for the template: its "kind" and that kind's fields, and "cmd",
# the instruction it writes (None for comments alone).
Step = dict[str, Any]

_RUNTIME_ONLY = {"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "MAINTAINER"}
_BOTH = {"ARG", "ENV", "WORKDIR"}
_PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_INSTALL_WORDS = {"install", "add"}
_C_SOURCES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", "Makefile", "makefile", "CMakeLists.txt")
_DISTROLESS_USERS = {"root", "nonroot", "nobody", "0", "65532", "65534"}


@lru_cache(maxsize=1)
def runtimes() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(resources.files("dockopt").joinpath("data/multi_stage_runtimes.json").read_text("utf-8"))
    return table


@dataclass
class CompiledPlan:
    runtime_image: str
    message: str
    builder: list[Step] = field(default_factory=list)
    runtime: list[Step] = field(default_factory=list)

    def add(self, where: str, item: Step, cmd: str | None) -> None:
        getattr(self, where).append({**item, "cmd": cmd})

    def expected(self) -> list[str]:
        return ["FROM", *(s["cmd"] for s in self.builder if s["cmd"]), "FROM", *(s["cmd"] for s in self.runtime if s["cmd"])]


def plan_for(doc: Document, ctx: Context | None, stage: Stage, site: BaseSite) -> CompiledPlan | None:
    """The plan for a Go, Node or compiled C/C++ build; None for anything else."""
    repo = site.image.repo
    if repo == "golang":
        return _plan_go(doc, ctx, stage, site)
    if repo == "node":
        return _plan_node(doc, ctx, stage, site)
    if repo in runtimes()["native"]["runtimes"]:
        return _plan_native(doc, ctx, stage, site)
    return None


# -- shared walking ------------------------------------------------------------------------------


class Walk:
    """The stage's blocks with the working directory and variables in effect once each has run."""

    def __init__(self, doc: Document, stage: Stage) -> None:
        self.doc = doc
        self.blocks = blocks(doc, stage)
        self.workdirs: list[str | None] = []  # None where a variable makes it unknown
        self.values: list[dict[str, str | None]] = []
        for block in self.blocks:
            scope = doc.image.scope_after(block.instruction)
            self.workdirs.append(None if "$" in scope.workdir else scope.workdir)
            self.values.append(dict(scope.variables))

    def shell(self, index: int) -> ShellView | None:
        instruction = self.blocks[index].instruction
        if instruction.cmd in ("SHELL", "ONBUILD"):
            raise NotMapped(f"line {instruction.line}: {instruction.cmd} is not mapped")
        if instruction.cmd != "RUN":
            return None
        view = self.doc.shell(instruction)
        if view is None or view.has_error:
            raise NotMapped(f"line {instruction.line}: a RUN that is not plain shell (exec form or heredoc)")
        return view

    def cwd_of(self, index: int, view: ShellView, command: Command) -> str | None:
        """The directory `command` runs in: the WORKDIR, moved by earlier `cd`s of the same RUN."""
        cwd = self.workdirs[index]
        for other in view.commands:
            if other is command:
                return cwd
            if _name(other) == "cd":
                target = other.args[0] if len(other.args) == 1 else None
                cwd = None if target is None or cwd is None or target.startswith("-") else posixpath.normpath(posixpath.join(cwd, target))
        return cwd


def _name(command: Command) -> str:
    return (command.name or "").rpartition("/")[2]


def _check_commands(walk: Walk, index: int, view: ShellView, allowed: list[str], why: str) -> None:
    for command in view.commands:
        name = _name(command)
        if name not in allowed and not (name == "go" or name.startswith("./configure")):
            raise NotMapped(f"line {walk.blocks[index].instruction.line}: `{command.name}` {why}")


def _installed(view: ShellView) -> list[str]:
    """Package names installed by apt-get/apt/apk/yum/dnf/microdnf (versions and arches removed)."""
    found = []
    for command in view.commands:
        if _name(command) not in runtimes()["native"]["package_managers"]:
            continue
        words = [a for a in command.args if a is not None and not a.startswith("-")]
        if not words or words[0] not in _INSTALL_WORDS:
            continue
        for package in words[1:]:
            found.append(_package_name(package))
    return found


def _package_name(package: str) -> str:
    """`gcc-4.8.5-28.el7.x86_64` → `gcc`, `curl=7.88*` → `curl`, `git~=2` → `git`."""
    name = re.split(r"[=<>~]", package, maxsplit=1)[0]
    return re.split(r"-\d", name, maxsplit=1)[0]


def _context_copy(instruction: Instruction) -> bool:
    return instruction.cmd in ("COPY", "ADD") and instruction.flag("from") is None


def _copy_dest(walk: Walk, index: int) -> str | None:
    instruction = walk.blocks[index].instruction
    if len(instruction.args) < 2:
        return None
    dest = process_word(instruction.args[-1], walk.values[index])
    workdir = walk.workdirs[index]
    if dest is None or (not dest.startswith("/") and workdir is None):
        return None
    return posixpath.normpath(posixpath.join(workdir or "/", dest))


def _entry(walk: Walk, shell_ok: bool) -> tuple[Instruction, list[str] | None] | None:
    """The instruction that names the program (last ENTRYPOINT, else last CMD) and its words."""
    entrypoints = [b.instruction for b in walk.blocks if b.instruction.cmd == "ENTRYPOINT"]
    cmds = [b.instruction for b in walk.blocks if b.instruction.cmd == "CMD"]
    if entrypoints and entrypoints[-1].args:
        entry = entrypoints[-1]
        if not shell_ok and cmds and (not entry.json or not cmds[-1].json):
            raise NotMapped(f"line {entry.line}: ENTRYPOINT and CMD in shell form need a shell to combine them")
    elif cmds and cmds[-1].args:
        entry = cmds[-1]
    else:
        return None
    return entry, _words(entry, shell_ok)


def _words(instruction: Instruction, shell_ok: bool) -> list[str] | None:
    if instruction.json:
        return list(instruction.args)
    words = exec_words(instruction.args[0]) if len(instruction.args) == 1 else None
    if words is None and not shell_ok:
        raise NotMapped(f"line {instruction.line}: shell-form {instruction.cmd} needs a shell, and the runtime image has none")
    return words


def _program(walk: Walk, entry: Instruction, words: list[str] | None) -> str | None:
    """The absolute path of the program the entry runs; a bare name is looked up in the usual PATH."""
    program: str | None
    if words:
        program = words[0]
    else:
        names = exec_names(entry)  # shell form: its first command
        root = parse_script(entry.args[0]).root_node
        first = next((n for n in walk_tree(root) if n.type == "command_name"), None)
        program = (first.text or b"").decode() if first is not None else None  # a parsed tree keeps its text
        if not names or program is None or "$" in program:
            return None
    index = next(i for i, b in enumerate(walk.blocks) if b.instruction is entry)
    if "/" not in program:
        return program  # resolved against the outputs by the caller
    workdir = walk.workdirs[index]
    if not program.startswith("/") and workdir is None:
        return None
    return posixpath.normpath(posixpath.join(workdir or "/", program))


def _match_output(program: str | None, outputs: list[str]) -> str | None:
    if program is None:
        return None
    if program.startswith("/"):
        return program if program in outputs else None
    return next((o for o in outputs if posixpath.basename(o) == program and posixpath.dirname(o) in _PATH_DIRS), None)


def _root_reason(walk: Walk) -> str | None:
    """Why the runtime must start as root: a low port, or a program that drops privileges itself."""
    for index, block in enumerate(walk.blocks):
        instruction = block.instruction
        if instruction.cmd == "EXPOSE":
            for port in instruction.args:
                number = process_word(port.split("/", 1)[0], walk.values[index])
                if number is None or not number.isdigit():
                    return f"cannot tell the port of `EXPOSE {port}`"
                if int(number) < 1024:
                    return f"port {number} is below 1024"
        if instruction.cmd in ("CMD", "ENTRYPOINT"):
            starts = set(exec_names(instruction)) & STARTS_AS_ROOT
            if starts:
                return f"`{sorted(starts)[0]}` starts as root and drops privileges itself"
    return None


def _runtime_block(plan: CompiledPlan, block: Block, exec_words_for: dict[int, list[str] | None] | None = None) -> None:
    """An original instruction kept in the runtime stage, with its comments."""
    instruction = block.instruction
    words = (exec_words_for or {}).get(instruction.index)
    if words is not None:
        if block.comments:
            plan.add("runtime", verbatim(block.comments), None)
        plan.add("runtime", {"kind": "exec", "keyword": instruction.keyword, "words": words}, instruction.cmd)
        return
    plan.add("runtime", verbatim(block.comments + block.body), instruction.cmd)


def _insert_user(plan: CompiledPlan, item: Step, cmd: str = "USER") -> None:
    """After the last step that changes files: later ones (CMD, EXPOSE...) only set config."""
    last = 0
    for position, step in enumerate(plan.runtime):
        if step["cmd"] in ("RUN", "COPY", "ADD", "WORKDIR"):
            last = position + 1
    plan.runtime.insert(last, {**item, "cmd": cmd})


# -- Go ------------------------------------------------------------------------------------------


def _plan_go(doc: Document, ctx: Context | None, stage: Stage, site: BaseSite) -> CompiledPlan | None:
    table = runtimes()["go"]
    walk = Walk(doc, stage)
    builds: list[tuple[int, Command, ShellView]] = []
    for index in range(len(walk.blocks)):
        view = walk.shell(index)
        if view is None:
            continue
        for command in view.commands:
            if _name(command) == "go" and command.args[:1] == ("install",):
                raise NotMapped(f"line {walk.blocks[index].instruction.line}: `go install` puts the binary in $GOPATH/bin; only `go build -o` is mapped")
            if _name(command) == "go" and command.args[:1] == ("build",):
                builds.append((index, command, view))
    if not builds:
        return None
    last = builds[-1][0]
    for index, block in enumerate(walk.blocks):
        view = walk.shell(index)
        if view is not None and index > last:
            raise NotMapped(f"line {block.instruction.line}: a RUN after the build cannot run in the distroless runtime (no shell)")
        if view is not None:
            _check_commands(walk, index, view, table["builder_commands"], "may make files the program needs at run time")
            for package in _installed(view):
                if package not in table["build_packages"]:
                    raise NotMapped(f"line {block.instruction.line}: `{package}` is installed; the program may need it at run time")
        if block.instruction.cmd == "USER" and block.instruction.args[0].split(":")[0] not in _DISTROLESS_USERS:
            raise NotMapped(f"line {block.instruction.line}: `USER {block.instruction.args[0]}` does not exist in the distroless runtime")

    outputs: list[str | None] = []
    for index, command, view in builds:
        output = _go_output(command)
        cwd = walk.cwd_of(index, view, command)
        outputs.append(None if output is None else (posixpath.normpath(posixpath.join(cwd, output)) if cwd else (output if output.startswith("/") else "?")))
        if outputs[-1] == "?":
            raise NotMapped(f"line {walk.blocks[index].instruction.line}: cannot tell where `go build` writes the binary")
    found = _entry(walk, shell_ok=False)
    if found is None:
        raise NotMapped("no CMD or ENTRYPOINT names the binary the build makes")
    entry, words = found
    program = _program(walk, entry, words)
    if None in outputs:
        # `go build` without -o names the binary after the package; trust the CMD when it runs a file in that folder
        for position, (index, command, view) in enumerate(builds):
            cwd = walk.cwd_of(index, view, command)
            packages = [a for a in command.args[1:] if a and not a.startswith("-")]
            if outputs[position] is None and program and program.startswith("/") and cwd == posixpath.dirname(program) and packages in ([], ["."]):
                outputs[position] = program
        if None in outputs:
            raise NotMapped("`go build` without -o: cannot tell the binary's name (add -o)")
    binaries = list(dict.fromkeys(o for o in outputs if o))
    if _match_output(program, binaries) is None:
        raise NotMapped(f"line {entry.line}: `{program or entry.args[0]}` is not the binary the build makes, and the runtime has only that")
    for block in walk.blocks:
        instruction = block.instruction
        if instruction.cmd == "HEALTHCHECK" and instruction.args and instruction.args[0].upper() == "CMD":
            check = instruction.args[1:] if instruction.json else (exec_words(instruction.args[1]) if len(instruction.args) == 2 else None)
            if not check or _match_output(check[0] if check[0].startswith("/") or "/" not in check[0] else None, binaries) is None:
                raise NotMapped(f"line {instruction.line}: the HEALTHCHECK runs a program the distroless runtime does not have")

    image = ImageRef.parse(site.resolved) if site.resolved else site.image
    tag = (image.tag if image else None) or "latest"
    cgo, why = _go_cgo(walk, builds, last, ctx, tag)
    if cgo is False:
        runtime = table["static"]
    else:
        if "alpine" in tag:
            raise NotMapped(f"the binary may use cgo ({why}) and then links musl, which no distroless image has")
        _check_debian(tag, table, why)
        runtime = table["dynamic"]
    root = _root_reason(walk)
    has_user = any(b.instruction.cmd == "USER" for b in walk.blocks)
    if root is None:
        runtime += ":" + table["nonroot_tag"]
    keep_files = _go_reads_files(ctx)
    plan = CompiledPlan(runtime, "")
    if cgo is False and why == "add":
        plan.add("builder", {"kind": "env", "name": "CGO_ENABLED", "value": "0"}, "ENV")
    converted = {entry.index: words} if not entry.json else {}
    for index, block in enumerate(walk.blocks):
        instruction = block.instruction
        cmd = instruction.cmd
        if index <= last and (cmd in ("RUN", "COPY", "ADD") or cmd in _BOTH or cmd == "USER"):
            plan.add("builder", verbatim(block.comments + block.body), cmd)  # its comments stay where they were
            if cmd in _BOTH or (keep_files and cmd in ("COPY", "ADD")):
                _runtime_block(plan, type(block)(instruction, "", block.body))  # a copy: no comments twice
            elif cmd == "USER":
                plan.add("runtime", verbatim(block.body), cmd)
        elif cmd == "CMD" and entry.cmd == "ENTRYPOINT" and not instruction.json:
            raise NotMapped(f"line {instruction.line}: a shell-form CMD after an ENTRYPOINT needs a shell")
        else:
            _runtime_block(plan, block, converted)
        if index == last:
            for binary in binaries:
                plan.add("runtime", {"kind": "copy_from", "src": binary, "dest": binary}, "COPY")
    if root is None and not has_user:
        _insert_user(plan, {"kind": "user", "id": table["nonroot_id"]})
    kind = "static binary (CGO_ENABLED=0)" if cgo is False else f"glibc runtime ({why})"
    plan.message = f"build in a `{site.text}` builder stage and run the {kind} from `{runtime}`"
    plan.message += "; runs as uid 65532" if root is None and not has_user else (f"; stays root: {root}" if root else "")
    if not keep_files:
        plan.message += "; the program reads no files, so only the binary is copied"
    return plan


def _go_output(command: Command) -> str | None:
    args = list(command.args)
    for position, arg in enumerate(args):
        if arg is None:
            continue
        if arg in ("-o", "--o"):
            value = args[position + 1] if position + 1 < len(args) else None
            if value is None:
                raise NotMapped("`go build -o` names its output with a variable")
            return value
        if arg.startswith(("-o=", "--o=")):
            return arg.split("=", 1)[1]
    if None in args:
        raise NotMapped("`go build` arguments expand variables")
    return None


def _go_cgo(
    walk: Walk, builds: list[tuple[int, Command, ShellView]], last: int, ctx: Context | None, tag: str
) -> tuple[bool | None, str]:
    """(False, "set"/"add") for a static build, (True, why) when it uses cgo, (None, why) when unknown."""
    setting: str | None = None
    for index, block in enumerate(walk.blocks[: last + 1]):
        if block.instruction.cmd in ("ENV", "ARG"):
            value = walk.values[index].get("CGO_ENABLED")
            setting = value if value is not None else setting
    for _, command, view in builds:
        for assignment in command.assignments:
            if assignment.startswith("CGO_ENABLED="):
                setting = assignment.split("=", 1)[1].strip("\"'")
        for other in view.commands:
            if _name(other) == "export" and "CGO_ENABLED=0" in other.args:
                setting = "0"
    if setting == "0":
        return False, "set"
    if setting is not None:
        return True, f"CGO_ENABLED={setting}"
    table = runtimes()["go"]
    for index in range(last + 1):
        run = walk.shell(index)
        compilers = [p for p in _installed(run) if p in table["compiler_packages"]] if run is not None else []
        if compilers:
            return True, f"it installs `{compilers[0]}`"
    if ctx is not None and ctx.build is not None:
        sources = [path for path in ctx.build.files("**/*.go") if not ctx.build.ignored(path)]
        for path in sources:
            text = ctx.build.read_text(path) or ""
            if re.search(r'^\s*import\s+"C"|^\s*"C"\s*$', text, re.MULTILINE):
                return True, f"`{path}` imports \"C\""
        for path in ctx.build.files("**/go.mod"):
            text = ctx.build.read_text(path) or ""
            module = next((m for m in table["cgo_modules"] if m in text), None)
            if module:
                return True, f"it needs `{module}`"
        if sources:
            return False, "add"
    if "alpine" in tag:
        return False, "add"  # golang:alpine has no C compiler, so cgo cannot be in use
    return None, "cgo unknown: no build context to read"


def _check_debian(tag: str, table: dict[str, Any], why: str) -> None:
    """The dynamic runtime is Debian 12: the builder's C library must not be newer."""
    parts = set(tag.split("-"))
    if parts & set(table["dynamic_debian_ok"]):
        return
    if parts & set(slim_data()["distros"]):
        raise NotMapped(f"the binary may use cgo ({why}) and `{tag}` is built on a Debian newer than the distroless runtime")
    version = re.match(r"^1\.(\d+)", tag)
    if version is None or int(version.group(1)) > table["dynamic_last_bookworm_minor"]:
        raise NotMapped(f"the binary may use cgo ({why}) and cannot tell which Debian `golang:{tag}` is built on")


def _go_reads_files(ctx: Context | None) -> bool:
    """Whether the program may read files of the build context at run time (True when unknown)."""
    if ctx is None or ctx.build is None:
        return True
    sources = [path for path in ctx.build.files("**/*.go") if not ctx.build.ignored(path) and not path.endswith("_test.go")]
    if not sources:
        return True
    patterns = runtimes()["go"]["reads_files"]
    return any(any(p in (ctx.build.read_text(path) or "") for p in patterns) for path in sources)


# -- Node ----------------------------------------------------------------------------------------


def _plan_node(doc: Document, ctx: Context | None, stage: Stage, site: BaseSite) -> CompiledPlan | None:
    table = runtimes()["node"]
    image = ImageRef.parse(site.resolved) if site.resolved else site.image
    new_tag = slim_tag("node", site.image.tag, image.tag if image else None)
    if new_tag is None:
        return None
    runtime = str(ImageRef(site.image.prefix, "node", new_tag, None))
    walk = Walk(doc, stage)
    npm_runs: list[int] = []
    installs: list[int] = []
    for index, block in enumerate(walk.blocks):
        view = walk.shell(index)
        if view is None:
            continue
        names = [_name(c) for c in view.commands]
        for other in ("yarn", "pnpm", "bun"):
            if other in names:
                raise NotMapped(f"line {block.instruction.line}: `{other}` is not mapped (only npm is)")
        if {"npm", "npx"} & set(names):
            npm_runs.append(index)
            if any(_npm_install(c) for c in view.commands):
                installs.append(index)
    if not installs:
        return None
    last = npm_runs[-1]
    app_dir = None
    runtime_packages: list[str] = []
    for index, block in enumerate(walk.blocks[: last + 1]):
        instruction = block.instruction
        view = walk.shell(index)
        if instruction.cmd == "USER":
            raise NotMapped(f"line {instruction.line}: USER before the build is not mapped")
        if view is None:
            continue
        _check_commands(walk, index, view, table["builder_commands"], "may make files outside the app folder")
        for command in view.commands:
            if _name(command) not in ("npm", "npx"):
                continue
            words = [a for a in command.args if a is None or not a.startswith("-")]
            if _npm_install(command) and (len(words) > 1 or "-g" in command.args or "--global" in command.args):
                raise NotMapped(f"line {instruction.line}: `npm {' '.join(a or '$…' for a in command.args)}` installs packages the lock file does not name")
            cwd = walk.cwd_of(index, view, command)
            if cwd is None or (app_dir is not None and cwd != app_dir) or cwd != walk.workdirs[index] or cwd == "/":
                raise NotMapped(f"line {instruction.line}: npm runs in a folder other than the app's WORKDIR")
            app_dir = cwd
        for package in _installed(view):
            if package in table["build_only_packages"]:
                continue
            runtime_packages += _runtime_packages(package, instruction)
    if app_dir is None:  # no npm command ran where it could be read
        return None
    for index, block in enumerate(walk.blocks[: last + 1]):
        if _context_copy(block.instruction):
            dest = _copy_dest(walk, index)
            if dest is None or not (dest == app_dir or dest.startswith(app_dir + "/")):
                raise NotMapped(f"line {block.instruction.line}: a COPY outside the app folder {app_dir}")
    found = _entry(walk, shell_ok=True)
    if found is not None:
        _check_node_entry(ctx, found[0], found[1])
    kinds = ["runtime" if i > last or b.instruction.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK") else "builder" for i, b in enumerate(walk.blocks)]
    runtime_packages += tools_used_at_runtime(doc, walk.blocks, kinds, runtime_packages)
    runtime_packages = list(dict.fromkeys(runtime_packages))

    plan = CompiledPlan(runtime, "")
    if runtime_packages:
        plan.add("runtime", {"kind": "apt", "packages": runtime_packages}, "RUN")
    for index, block in enumerate(walk.blocks):
        instruction = block.instruction
        cmd = instruction.cmd
        if index <= last and (cmd in ("RUN", "COPY", "ADD") or cmd in _BOTH):
            plan.add("builder", verbatim(block.comments + block.body), cmd)  # its comments stay where they were
            if cmd in _BOTH:
                _runtime_block(plan, type(block)(instruction, "", block.body))  # a copy: no comments twice
        else:
            _runtime_block(plan, block)
        if index == last:
            plan.add("builder", {"kind": "npm_prune", "flag": _prune_flag(image.tag if image else None)}, "RUN")
            plan.add("runtime", {"kind": "copy_from", "src": app_dir, "dest": app_dir}, "COPY")
    plan.message = f"install and build in a `{site.text}` builder stage, prune dev dependencies, and run from `{runtime}` with {app_dir} copied"
    if runtime_packages:
        plan.message += f" (runtime packages: {', '.join(runtime_packages)})"
    return plan  # the runtime's user is DO401's to decide, with what it knows of the app


def _npm_install(command: Command) -> bool:
    return _name(command) == "npm" and bool(command.args) and command.args[0] in ("ci", "install", "i", "clean-install")


def _runtime_packages(package: str, instruction: Instruction) -> list[str]:
    table = slim_data()
    if package in table["build_only_packages"]:
        return []
    if package in table["dev_to_runtime"]:
        return list(table["dev_to_runtime"][package])
    if package.endswith("-dev"):
        raise NotMapped(f"line {instruction.line}: the runtime package for `{package}` is not known")
    return [package]


def _prune_flag(tag: str | None) -> str:
    major = re.match(r"^(\d+)", tag or "")
    return "--production" if major and int(major.group(1)) < runtimes()["node"]["npm_omit_dev_since"] else "--omit=dev"


def _check_node_entry(ctx: Context | None, entry: Instruction, words: list[str] | None) -> None:
    """`npm start` and friends run package.json scripts: they must not need dev dependencies."""
    if words is None:
        names = exec_names(entry)
        if {"npm", "npx", "yarn"} & set(names):
            raise NotMapped(f"line {entry.line}: the {entry.cmd} runs npm in a shell command; cannot tell what it needs")
        return
    program = posixpath.basename(words[0])
    if program not in ("npm", "npx"):
        return
    package = _package_json(ctx)
    if package is None:
        raise NotMapped(f"line {entry.line}: `{' '.join(words)}` may need dev dependencies, and package.json cannot be read (no build context)")
    scripts, dev_section = package.get("scripts") or {}, package.get("devDependencies") or {}
    if not isinstance(scripts, dict) or not isinstance(dev_section, dict):
        raise NotMapped(f"line {entry.line}: package.json's `scripts` or `devDependencies` is not an object; cannot tell what `{' '.join(words)}` needs")
    dev = set(dev_section)
    if program == "npx":
        tool = next((w for w in words[1:] if not w.startswith("-")), "")
        if tool in dev:
            raise NotMapped(f"line {entry.line}: `npx {tool}` is a dev dependency, which the runtime drops")
        return
    rest = [w for w in words[1:] if not w.startswith("-")]
    script = rest[1] if rest[:1] in (["run"], ["run-script"]) and len(rest) > 1 else (rest[0] if rest else "")
    text = scripts.get(script, "node server.js" if script == "start" else None)
    if text is None:
        raise NotMapped(f"line {entry.line}: package.json has no `{script}` script")
    if not isinstance(text, str):
        raise NotMapped(f"line {entry.line}: package.json's `{script}` script is not a string")
    for part in re.split(r"&&|\|\||;|\|", text):
        first = next((w for w in part.split() if "=" not in w), "")
        if first in dev:
            raise NotMapped(f"line {entry.line}: the `{script}` script runs `{first}`, a dev dependency the runtime drops")


def _package_json(ctx: Context | None) -> dict[str, Any] | None:
    text = ctx.build.read_text("package.json") if ctx is not None and ctx.build is not None else None
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None  # `[]` is valid JSON, but no package.json


# -- C/C++ on a distro image ---------------------------------------------------------------------


def _plan_native(doc: Document, ctx: Context | None, stage: Stage, site: BaseSite) -> CompiledPlan | None:
    table = runtimes()["native"]
    walk = Walk(doc, stage)
    compiles: list[tuple[int, Command, ShellView]] = []
    for index in range(len(walk.blocks)):
        try:
            view = walk.shell(index)
        except NotMapped:
            continue
        if view is None:
            continue
        for command in view.commands:
            if _name(command) in table["compilers"] or _name(command) == "make":
                compiles.append((index, command, view))
    found = _entry(walk, shell_ok=True) if compiles else None
    if found is None:
        return None
    entry, words = found
    program = _program(walk, entry, words)
    makefiles = {id(command): _makefile(doc, ctx, walk, index, view, command) for index, command, view in compiles}
    candidates = set()
    for index, command, _view in compiles:
        try:
            made = _native_outputs(command, walk.blocks[index].instruction, strict=False, makefile=makefiles[id(command)])
        except NotMapped:
            continue
        candidates |= {posixpath.basename(o) for o in made}
    if program is None or posixpath.basename(program) not in candidates:
        return None  # not a compile-and-run build (a `make install` of a tool, say)
    last = compiles[-1][0]
    for index, block in enumerate(walk.blocks):
        view = walk.shell(index)
        if view is not None and index > last:
            raise NotMapped(f"line {block.instruction.line}: a RUN after the compile is not mapped")
        if view is None:
            continue
        _check_commands(walk, index, view, table["builder_commands"], "may make files the program needs at run time")
        for package in _installed(view):
            if package not in table["build_packages"]:
                raise NotMapped(f"line {block.instruction.line}: `{package}` is installed; the program may need it at run time")
    outputs: list[str] = []
    for index, command, view in compiles:
        cwd = walk.cwd_of(index, view, command)
        for output in _native_outputs(command, walk.blocks[index].instruction, makefile=makefiles[id(command)]):
            if cwd is None and not output.startswith("/"):
                raise NotMapped(f"line {walk.blocks[index].instruction.line}: cannot tell the folder the compile runs in")
            outputs.append(posixpath.normpath(posixpath.join(cwd or "/", output)))
    binary = _match_output(program, outputs)
    if binary is None:
        raise NotMapped(f"line {entry.line}: cannot tell that the compile makes `{program}`, the program the image runs")
    runtime = _native_runtime(site)
    plan = CompiledPlan(runtime, "")
    for index, block in enumerate(walk.blocks):
        instruction = block.instruction
        cmd = instruction.cmd
        if index <= last and (cmd in ("RUN", "COPY", "ADD") or cmd in _BOTH or cmd == "USER"):
            plan.add("builder", verbatim(block.comments + block.body), cmd)  # its comments stay where they were
            if cmd in _BOTH or cmd == "USER":
                _runtime_block(plan, type(block)(instruction, "", block.body))  # a copy: no comments twice
            elif cmd in ("COPY", "ADD") and not _only_sources(instruction):
                _runtime_block(plan, type(block)(instruction, "", block.body))
        else:
            _runtime_block(plan, block)
        if index == last:
            plan.add("runtime", {"kind": "copy_from", "src": binary, "dest": binary}, "COPY")
    plan.message = f"compile in a `{site.text}` builder stage and run `{binary}` from `{runtime}`, without the compilers"
    return plan


def _native_runtime(site: BaseSite) -> str:
    rules = runtimes()["native"]["runtimes"][site.image.repo]
    resolved = ImageRef.parse(site.resolved) if site.resolved else None
    tag = resolved.tag if resolved else site.image.tag
    if rules.get("same"):
        if not tag or tag == "latest":
            raise NotMapped(f"`{site.text}` names no release: pin one so the runtime is the same")
        return site.text
    if rules.get("slim"):
        if tag and "slim" in tag:
            return site.text  # already the small variant: the split still drops the compilers
        new_tag = slim_tag(site.image.repo, site.image.tag, tag)
        if new_tag is None or not tag or tag in ("latest", "stable"):
            raise NotMapped(f"`{site.text}` has no slim variant of the same release")
        return str(ImageRef(site.image.prefix, site.image.repo, new_tag, None))
    major = re.search(r"(\d+)", tag or "")
    image: str | None = rules["major"].get(major.group(1)) if major else None
    if image is None:
        raise NotMapped(f"no minimal image of the same release is known for `{site.text}`")
    return image


def _native_outputs(command: Command, instruction: Instruction, strict: bool = True, makefile: str | None = None) -> list[str]:
    """What a compile or `make` writes; `strict` also refuses links to libraries the runtime may lack.
    `makefile` is the text of the Makefile `make` reads, when the build context has it."""
    name = _name(command)
    args = list(command.args)
    if name == "make":
        targets = [a for a in args if a is None or (not a.startswith("-") and "=" not in a)]
        unknown = NotMapped(f"line {instruction.line}: cannot tell which file `make {' '.join(a or '$…' for a in args)}` makes")
        if None in targets or any(t == "install" for t in targets) or any(a and a.startswith(("-C", "-f")) for a in args):
            raise unknown
        if targets in ([], ["all"]):
            goals = _make_goals(makefile, targets[0] if targets else None) if makefile is not None else None
            if not goals or makefile is None:
                raise unknown
            for library in re.findall(r"(?<![\w-])-l([\w+.-]+)", makefile) if strict else ():
                if library not in runtimes()["runtime_libraries_in_link"]:
                    raise NotMapped(f"line {instruction.line}: the Makefile links `-l{library}`, whose runtime library the minimal image may lack")
            return goals
        if "all" in targets:
            raise unknown
        return [t for t in targets if t is not None]  # none is None (refused above)
    if "-c" in args or "-E" in args or "-S" in args:
        return []  # object files or preprocessing: not the program
    for arg in args if strict else ():
        if arg is None:
            raise NotMapped(f"line {instruction.line}: `{command.name}` arguments expand variables")
        if arg.startswith("-l") and arg[2:] not in runtimes()["runtime_libraries_in_link"]:
            raise NotMapped(f"line {instruction.line}: links `{arg}`, whose runtime library the minimal image may lack")
    for position, arg in enumerate(args):
        if arg == "-o" and position + 1 < len(args):
            output = args[position + 1]
            if output is None:  # only when not `strict`, which refuses every variable above
                raise NotMapped(f"line {instruction.line}: `{command.name} -o` names its output with a variable")
            return [output]
        if arg and arg.startswith("-o") and len(arg) > 2:
            return [arg[2:]]
    return ["a.out"]


def _makefile(doc: Document, ctx: Context | None, walk: Walk, index: int, view: ShellView, command: Command) -> str | None:
    """The text of the Makefile that `make` reads in its folder, from the build context."""
    if _name(command) != "make" or ctx is None or ctx.build is None:
        return None
    cwd = walk.cwd_of(index, view, command)
    if cwd is None:
        return None
    for name in ("GNUmakefile", "makefile", "Makefile"):  # the order GNU make tries them
        instruction = walk.blocks[index].instruction
        assert instruction.stage is not None  # a block of a stage: after its FROM
        source = doc.image.context_path(doc.stages[instruction.stage], posixpath.join(cwd, name), ctx.build.root, before=instruction)
        text = ctx.build.read_text(source) if source else None
        if text is not None:
            return text
    return None


_MAKE_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)\s*([^=;#]*?)\s*(?:;.*)?$")


def _make_goals(makefile: str, goal: str | None) -> list[str] | None:
    """The files `make` (default goal) or `make all` builds, read from the Makefile's plain rules:
    the goal itself, or the prerequisites of a goal that names no file (`all`, a .PHONY target).
    None when a variable, an include or a pattern makes it unsure."""
    rules: dict[str, list[str]] = {}
    first = None
    phony: set[str] = set()
    for line in makefile.replace("\\\n", " ").splitlines():
        if line.startswith("\t") or not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^\s*-?(include|sinclude)\b", line) or line.startswith(".DEFAULT_GOAL"):
            return None
        match = _MAKE_RULE.match(line)
        if match is None:
            continue
        targets, prerequisites = match.group(1).split(), match.group(2).split("|")[0].split()
        if targets == [".PHONY"]:
            phony.update(prerequisites)
            continue
        for target in targets:
            rules.setdefault(target, []).extend(prerequisites)
            if first is None and not target.startswith(".") and "%" not in target:
                first = target
    goal = goal or first
    if goal is None or "$" in goal or goal not in rules:
        return None
    if goal != "all" and goal not in phony:
        return [goal]
    goals = rules[goal]
    if not goals or any("$" in g or "%" in g or g in phony for g in goals):
        return None
    return goals


def _only_sources(instruction: Instruction) -> bool:
    sources = instruction.args[:-1]
    return bool(sources) and all(posixpath.basename(s).endswith(_C_SOURCES) for s in sources)
