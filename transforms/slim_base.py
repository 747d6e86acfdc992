"""DO501 slim-base.

Also the shared knowledge about base images that DO502 (multi-stage) uses: image references, the
slim mapping in `dockopt/data/slim_images.json`, and `stage_needs`, which finds what a build takes
from a full image that its slim variant lacks.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import lru_cache
from importlib import resources

from dockopt.document import unquote
from dockopt.edits import Edit
from dockopt.transform import Safety, Transform

_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")
_ONLY_VAR = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/", "docker.io/", "library/")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$")
_PIP_NAMES = re.compile(r"^pip(3(\.\d+)?)?$")
_PYTHON_NAMES = re.compile(r"^python(3(\.\d+)?)?$")


@lru_cache(maxsize=1)
def data() -> dict:
    return json.loads(resources.files("dockopt").joinpath("data/slim_images.json").read_text("utf-8"))


# -- image references ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    prefix: str  # registry/namespace as written, e.g. "docker.io/library/" or ""
    repo: str  # "python"
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> ImageRef | None:
        """A Docker Hub official image reference; None for other registries and user images."""
        rest, _, digest = text.partition("@")
        prefix = ""
        for candidate in _HUB_PREFIXES:
            if rest.startswith(candidate):
                prefix, rest = candidate, rest[len(candidate) :]
                break
        if "/" in rest:
            return None
        repo, _, tag = rest.partition(":")
        return cls(prefix, repo, tag or None, digest or None)

    def with_tag(self, tag: str) -> str:
        return f"{self.prefix}{self.repo}:{tag}"

    def __str__(self) -> str:
        text = self.prefix + self.repo + (f":{self.tag}" if self.tag else "")
        return text + (f"@{self.digest}" if self.digest else "")


def slim_tag(repo: str, tag: str | None, resolved_tag: str | None = None) -> str | None:
    """The slim variant's tag for `repo:tag`, or None when there is none (or it is already small).

    `tag` is the text as written (it may hold `${VARS}`); `resolved_tag` is its value with ARG
    defaults filled in, used to tell whether the image is already small.
    """
    rule = data()["images"].get(repo)
    if rule is None:
        return None
    value = resolved_tag if resolved_tag is not None else tag
    if value and any(word in value for word in data()["already_small"]):
        return None
    if not tag or tag == "latest":
        return rule.get("latest")
    if rule.get("jdk_to_jre"):
        if "jdk" in tag:
            return tag.replace("jdk", "jre", 1)
        version, sep, rest = tag.partition("-")
        return f"{version}-jre{sep}{rest}"
    parts = tag.split("-")
    if rule["distro_order"] == "slim-first" and parts[-1] in data()["distros"]:
        return "-".join([*parts[:-1], "slim", parts[-1]]) if len(parts) > 1 else f"slim-{tag}"
    return tag + rule["slim"]


def track_variables(instruction, values: dict) -> None:
    """Record what an ENV or ARG sets, expanded with the values known so far (others: nothing)."""
    if instruction.cmd == "ENV":
        for name, value in zip(instruction.args[::2], instruction.args[1::2]):
            values[name] = expand(value, values)
    elif instruction.cmd == "ARG":
        for item in instruction.args:
            name, sep, value = item.partition("=")
            values[name] = expand(value.strip("\"'"), values) if sep else values.get(name)


def global_args(doc) -> dict[str, str | None]:
    """ARGs declared before the first FROM, with their default values (quotes removed)."""
    return doc.global_args()


def expand(text: str, values: dict[str, str | None]) -> str | None:
    """`text` with `$VAR`/`${VAR}` from `values`; None when one has no known value."""
    missing = False

    def substitute(match: re.Match) -> str:
        nonlocal missing
        value = values.get(match.group(1) or match.group(2))
        if value is None or "$" in value:
            missing = True
            return ""
        return value

    result = _VAR.sub(substitute, text)
    return None if missing else result


@dataclass
class BaseSite:
    """Where a stage's image is named: the FROM line itself or an ARG default it expands."""

    stage: object
    line: int  # file line that holds the text
    column: int
    text: str  # the image reference as written at that place
    image: ImageRef
    resolved: str | None  # the reference with ARG defaults filled in
    via_arg: str | None = None  # the ARG name when the text is an ARG default


def base_site(doc, stage) -> BaseSite | None:
    """Locate the image reference of a stage; None for stage names, scratch and unknown images."""
    args = stage.from_instruction.args
    if not (len(args) == 1 or (len(args) == 3 and args[1].lower() == "as")):
        return None  # Docker rejects this FROM (an inline comment?): nothing to swap safely
    base = stage.base
    names = {s.name for s in doc.stages[: stage.index] if s.name}
    if base.lower() in names or base.lower() == "scratch":
        return None
    only_var = _ONLY_VAR.match(base)
    if only_var:
        name = only_var.group(1) or only_var.group(2)
        return _arg_site(doc, stage, name)
    repo_part = base.split(":", 1)[0].split("@", 1)[0]
    if "$" in repo_part:
        return None
    image = ImageRef.parse(base)
    if image is None:
        return None
    logical = doc.logical(stage.from_instruction)
    start = logical.text.find(base, logical.body)
    if start < 0:
        return None
    line, column = logical.position(start)
    if logical.position(start + len(base) - 1)[0] != line:
        return None  # the reference spans lines: too unusual to edit
    return BaseSite(stage, line, column, base, image, expand(base, global_args(doc)))


def _arg_site(doc, stage, name: str) -> BaseSite | None:
    for instruction in doc.instructions:
        if instruction.cmd == "FROM":
            return None
        if instruction.cmd != "ARG" or instruction.start != instruction.end:
            continue
        for item in instruction.args:
            key, sep, value = item.partition("=")
            if key != name or not sep:
                continue
            text = unquote(value)
            image = ImageRef.parse(text) if "$" not in text else None
            if image is None:
                return None
            line = doc.lines[instruction.start]
            column = line.find(f"{key}={value}")
            if column < 0:
                return None
            column += len(key) + 1 + (len(value) - len(text)) // 2
            return BaseSite(stage, instruction.start, column, text, image, text, via_arg=name)
    return None


def descendants(doc, stage) -> list:
    """The stage and every later stage built FROM it (by name or index), transitively."""
    family = [stage]
    names = {stage.name, str(stage.index)} - {None}
    for later in doc.stages[stage.index + 1 :]:
        if later.base.lower() in names:
            family.append(later)
            names |= {later.name, str(later.index)} - {None}
    return family


# -- what a build takes from the full image ----------------------------------------------------------


@dataclass
class Needs:
    """What the instructions of some stages use that the full image has and the slim one lacks."""

    tools: dict[str, tuple[object, str]] = field(default_factory=dict)  # apt package -> (RUN, why)
    runtime: dict[str, tuple[object, str]] = field(default_factory=dict)  # apt package -> (RUN, why)
    compiles: list[str] = field(default_factory=list)  # why the build needs a compiler
    build_packages: set[str] = field(default_factory=set)  # -dev packages a source build needs
    unsure: list[str] = field(default_factory=list)  # why we cannot tell

    def add_tool(self, package: str, run, why: str) -> None:
        self.tools.setdefault(package, (run, why))


@dataclass
class PipInstall:
    """One `pip install` (or `python -m pip install`) command."""

    run: object
    command: object  # shell.Command
    requirements: list[str]  # requirement specifiers given on the command line
    files: list[str]  # -r / -c files, as written (container paths)
    local: list[str]  # local paths (`.`, `./lib`, `-e .`)
    editable: bool
    flags: list[str]


def pip_installs(view, run) -> list[PipInstall]:
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


def _pip_install(run, command, args) -> PipInstall:
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


def stage_needs(doc, stages, ctx, *, check_tools: bool = True) -> Needs:
    """What the RUNs of `stages` use that a slim image lacks (see the data file)."""
    table = data()
    needs = Needs()
    fat_only = table["fat_only_commands"]
    compilers = set(table["compilers"])
    for stage in stages:
        installed: set[str] = set()
        copies = CopyMap(doc, stage)
        for instruction in stage.instructions:
            copies.see(instruction)
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
                _pip_needs(needs, install, copies, ctx, installed)
            _lock_needs(needs, view, instruction, ctx, installed)
    return needs


_LOCK_FILES = {"uv": ["uv.lock"], "poetry": ["poetry.lock"], "pdm": ["pdm.lock"], "pipenv": ["Pipfile.lock"]}
_LOCK_ENTRY = re.compile(r'^\[\[package\]\]\s*\nname = "([^"]+)"\s*\nversion = "([^"]+)"', re.M)


def _lock_needs(needs: Needs, view, run, ctx, installed: set[str]) -> None:
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
            pins = [(name, str(info.get("version", "")).lstrip("=")) for name, info in lock.get("default", {}).items()]
        else:
            pins = _LOCK_ENTRY.findall(text)
        for name, version in pins:
            _requirement_needs(needs, f"{name}=={version}" if version else name, run, at, installed)


def exec_names(instruction) -> list[str]:
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
    from dockopt.shell import parse_script

    tree = parse_script(" ".join(args))
    names = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "command_name":
            names.append(posixpath.basename(node.text.decode()))
        stack.extend(node.children)
    return names


def _provided(package: str, installed: set[str]) -> bool:
    if package in installed:
        return True
    return package in ("gcc", "g++", "make", "cpp") and "build-essential" in installed


def apt_installed(view) -> set[str]:
    """Packages named by `apt-get install` / `apt install` in a RUN."""
    found: set[str] = set()
    for command in view.commands:
        if posixpath.basename(command.name or "") not in ("apt-get", "apt") or "install" not in command.args:
            continue
        after = command.args[command.args.index("install") + 1 :]
        found |= {arg.split("=", 1)[0] for arg in after if arg and not arg.startswith("-")}
    return found


def _pip_needs(needs: Needs, install: PipInstall, copies, ctx, installed: set[str]) -> None:
    at = f"line {install.run.line}"
    if any(flag.startswith("--no-binary") for flag in install.flags):
        needs.compiles.append(f"{at}: `pip install --no-binary` builds from source")
    if "$" in install.flags:
        needs.unsure.append(f"{at}: `pip install` with arguments that expand variables")
    requirements = list(install.requirements)
    for path in install.files:
        lines = _requirements_file(copies, path, ctx)
        if lines is None:
            needs.unsure.append(f"{at}: cannot read `{path}` from the build context to check for packages that compile")
            continue
        requirements.extend(lines)
    for local in install.local:
        source = copies.context_path(local)
        if ctx is None or ctx.build is None or source is None:
            needs.unsure.append(f"{at}: cannot check the local project `{local}` for C extensions")
        elif _has_c_sources(ctx, source):
            needs.compiles.append(f"{at}: the local project `{local}` has C/Cython sources")
    for requirement in requirements:
        _requirement_needs(needs, requirement, install.run, at, installed)


def _requirement_needs(needs: Needs, requirement: str, run, at: str, installed: set[str]) -> None:
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
    entry = data()["pip_source_builds"].get(name)
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


def _requirements_file(copies, path: str, ctx, depth: int = 0) -> list[str] | None:
    if ctx is None or ctx.build is None or depth > 5:
        return None
    source = copies.context_path(path)
    text = ctx.build.read_text(source) if source else None
    if text is None:
        return None
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        option, _, value = line.partition(" ")
        if option in ("-r", "--requirement", "-c", "--constraint"):
            nested = posixpath.normpath(posixpath.join(posixpath.dirname(source), value.strip()))
            more = _requirements_file(_Identity(), nested, ctx, depth + 1)
            if more is None:
                return None
            lines.extend(more)
        else:
            lines.append(line)
    return lines


def _has_c_sources(ctx, folder: str | None) -> bool:
    if ctx is None or ctx.build is None:
        return True  # unknown: assume the worst
    prefix = "" if folder in (None, "", ".") else folder.rstrip("/") + "/"
    for path in ctx.build.files(f"{prefix}**/*"):
        if path.endswith((".c", ".cc", ".cpp", ".cxx", ".pyx", ".rs")):
            return True
        if path.endswith("setup.py") and "ext_modules" in (ctx.build.read_text(path) or ""):
            return True
    return False


class _Identity:
    def context_path(self, path: str) -> str:
        return path.lstrip("/")


class CopyMap:
    """Which context path a container path came from, following a stage's WORKDIR and COPY/ADD."""

    def __init__(self, doc, stage):
        self.doc = doc
        self.workdir = "/"
        self.copies: list[tuple[list[str], str, object]] = []  # (context sources, absolute destination, COPY)

    def see(self, instruction) -> None:
        if instruction.cmd == "WORKDIR" and instruction.args:
            self.workdir = posixpath.normpath(posixpath.join(self.workdir, instruction.args[0]))
        elif instruction.cmd in ("COPY", "ADD") and instruction.flag("from") is None and len(instruction.args) >= 2:
            *sources, dest = instruction.args
            absolute = posixpath.join(self.workdir, dest)
            directory = dest.endswith("/") or dest in (".", "./") or len(sources) > 1 or any(_glob(s) for s in sources)
            self.copies.append((list(sources), absolute.rstrip("/") + "/" if directory else absolute, instruction))

    def absolute(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.workdir, path))

    def context_path(self, path: str) -> str | None:
        found = self.provider(path)
        return found[0] if found else None

    def provider(self, path: str) -> tuple[str, object] | None:
        """(context path, COPY instruction) of a path a RUN names (relative to WORKDIR); the latest COPY wins."""
        target = self.absolute(path)
        for sources, dest, instruction in reversed(self.copies):
            dest_dir = posixpath.normpath(dest.rstrip("/") or "/")
            for source in sources:
                source = "." if source in (".", "./") else posixpath.normpath(source.lstrip("/"))
                whole_dir = source == "." or source.endswith("/") or "." not in posixpath.basename(source)
                if _glob(source):
                    name = posixpath.basename(target)
                    candidate = posixpath.join(posixpath.dirname(source), name)
                    if posixpath.dirname(target) == dest_dir and fnmatch(candidate, source):
                        return posixpath.normpath(candidate), instruction
                elif whole_dir and (target == dest_dir or target.startswith(dest_dir.rstrip("/") + "/")):
                    rest = posixpath.relpath(target, dest_dir)
                    return posixpath.normpath(posixpath.join(source, rest)), instruction
                elif dest.endswith("/") and target == posixpath.join(dest_dir, posixpath.basename(source)):
                    return source, instruction
                elif not dest.endswith("/") and target == dest_dir:
                    return source, instruction
        return None


def _glob(text: str) -> bool:
    return any(char in text for char in "*?[")


# -- the transform -----------------------------------------------------------------------------------


class SlimBase(Transform):
    """Use the slim variant of an official base image.

    ## What it does
    Changes `python:3.11` to `python:3.11-slim` (also `node`, `ruby`, `perl`, `debian`, `openjdk`,
    and `eclipse-temurin` JDK → JRE in a stage that compiles no Java), following the mapping in
    `dockopt/data/slim_images.json`. Only the text that names the image changes: the FROM line, or
    the default of the ARG it comes from. `--platform`, the stage name and a registry prefix stay.

    Before it swaps, it checks what the build takes from the full image: compilers and headers
    (then it leaves the file and points to DO502, which moves them into a builder stage), tools
    such as `git`, `curl` or `wget` (installed explicitly, in the RUN that uses them), packages
    that compile on `pip install` or load system libraries. When it cannot tell, it does not swap
    and says why.

    ## Why
    The full images carry compilers, headers and version-control tools most images never use at
    run time: `python:3.11` is about four times the size of `python:3.11-slim`. A smaller image
    pulls faster and has fewer packages to patch.

    ## Example
    ```dockerfile
    FROM python:3.11
    RUN pip install --no-cache-dir flask
    ```
    becomes
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir flask
    ```

    ## Fix safety
    Unsafe: the slim image lacks programs and libraries of the full one. The checks cover what
    the Dockerfile runs, not what the application may call at run time. A digest-pinned FROM is
    never changed (it names one exact image); it is reported instead.
    """

    code = "DO501"
    safety = Safety.UNSAFE
    name = "slim-base"
    title = "Use the slim variant of the base image"
    aliases = ()
    order = 10

    def check(self, doc, ctx):
        done_args: set[str] = set()
        for stage in doc.stages:
            site = base_site(doc, stage)
            if site is None or data()["images"].get(site.image.repo) is None:
                continue
            if site.via_arg:
                if site.via_arg in done_args:
                    continue
                done_args.add(site.via_arg)
            yield from self._check_site(doc, ctx, site)

    def _check_site(self, doc, ctx, site: BaseSite):
        image = site.image
        resolved = ImageRef.parse(site.resolved) if site.resolved else None
        resolved_tag = resolved.tag if resolved else None
        new_tag = slim_tag(image.repo, image.tag, resolved_tag)
        if new_tag is None:
            return
        at = site.stage.from_instruction
        if image.digest:
            yield self.fix(f"`{image}` is pinned by digest to one exact image: not swapped for a slim variant; pin the slim image's digest yourself", at)
            return
        new = image.with_tag(new_tag)
        rule = data()["images"][image.repo]
        stages = [s for s in doc.stages if _uses_site(doc, s, site)]
        family = [member for s in stages for member in descendants(doc, s)]
        if rule["checks"] == "java-runtime":
            reason = _java_compiles(doc, family)
            if reason:
                yield self.fix(f"`{image}` not swapped for the JRE: {reason}", at)
                return
            needs = Needs()
        elif rule["checks"] == "buildpack":
            needs = stage_needs(doc, family, ctx)
            if rule.get("language") in ("node", "ruby", "perl"):
                _package_manager_needs(doc, family, ctx, needs, rule["language"])
        else:
            needs = Needs()
        if needs.unsure:
            yield self.fix(f"`{image}` not swapped for `{new}`: {needs.unsure[0]}", at)
            return
        if needs.compiles:
            yield self.fix(f"`{image}` not swapped for `{new}`: the build compiles ({needs.compiles[0]}) with tools only the full image has; DO502 (multi-stage) can keep them in a builder stage", at)
            return
        edits = [Edit.replace(site.line, site.line, _replace_at(doc.lines[site.line], site.column, site.text, str(ImageRef(image.prefix, image.repo, new_tag, None))))]
        extra = {**needs.tools, **needs.runtime}
        installs = _install_edits(doc, extra, family)
        if installs is None:
            why = next(iter(extra.values()))[1]
            yield self.fix(f"`{image}` not swapped for `{new}`: {why}, and dockopt cannot add the install to that RUN", at)
            return
        edits.extend(installs)
        message = f"`{image}` → `{new}`: the slim variant has the same runtime without compilers and docs"
        if extra:
            message += f" (installs {', '.join(sorted(extra))} explicitly, which the build used from the full image)"
        yield self.fix(message, at, edits)


def _uses_site(doc, stage, site: BaseSite) -> bool:
    if site.via_arg is None:
        return stage is site.stage
    match = _ONLY_VAR.match(stage.base)
    return bool(match) and (match.group(1) or match.group(2)) == site.via_arg


def _replace_at(line: str, column: int, old: str, new: str) -> str:
    assert line[column : column + len(old)] == old
    return line[:column] + new + line[column + len(old) :]


def _java_compiles(doc, stages) -> str | None:
    compilers = set(data()["java_compilers"])
    for stage in stages:
        for instruction in stage.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            if instruction.cmd == "RUN" and (view is None or view.has_error):
                return f"line {instruction.line} cannot be checked for Java compilers"
            for command in view.commands if view else ():
                name = command.name or ""
                if name in compilers or posixpath.basename(name) in compilers:
                    return f"line {instruction.line} runs `{name}`, which needs the JDK"
    return None


def _package_manager_needs(doc, stages, ctx, needs: Needs, language: str) -> None:
    """npm / bundler / cpan may compile native modules with the full image's compilers."""
    managers = {"node": {"npm", "yarn", "pnpm", "npx"}, "ruby": {"bundle", "gem"}, "perl": {"cpan", "cpanm"}}[language]
    for stage in stages:
        for instruction in stage.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            for command in view.commands if view else ():
                name = posixpath.basename(command.name or "")
                if name not in managers or not ({"install", "ci", "add"} & set(command.args) or name in ("cpan", "cpanm")):
                    continue
                if language == "node" and _node_lock_is_plain(ctx):
                    continue
                needs.unsure.append(f"line {instruction.line}: `{name}` may compile native modules with the full image's compilers")
                return


def _node_lock_is_plain(ctx) -> bool:
    """A package-lock.json (v2+) in which no package runs an install script (no node-gyp build)."""
    if ctx is None or ctx.build is None:
        return False
    text = ctx.build.read_text("package-lock.json")
    if text is None:
        return False
    try:
        lock = json.loads(text)
    except ValueError:
        return False
    packages = lock.get("packages")
    return isinstance(packages, dict) and not any(isinstance(p, dict) and p.get("hasInstallScript") for p in packages.values())


def _install_edits(doc, needed: dict[str, tuple[object, str]], stages) -> list[Edit] | None:
    """Prefix the RUNs that need packages with an apt-get install of them; None if one cannot be."""
    by_run: dict[int, tuple[object, list[str]]] = {}
    for package, (run, _) in needed.items():
        by_run.setdefault(run.index, (run, []))[1].append(package)
    edits = []
    for run, packages in by_run.values():
        edit = _prefix_run(doc, run, packages, stages)
        if edit is None:
            return None
        edits.append(edit)
    return edits


def _prefix_run(doc, run, packages: list[str], stages) -> Edit | None:
    view = doc.shell(run)
    if view is None or not view.top_level_operators <= {"&&", "|"} or run.flags:
        return None
    stage = doc.stage_of(run)
    user = None
    for instruction in stage.instructions if stage else ():
        if instruction is run:
            break
        if instruction.cmd == "USER" and instruction.args:
            user = instruction.args[0]
    if user not in (None, "root", "0", "0:0", "root:root"):
        return None  # apt-get needs root
    logical = doc.logical(run)
    line, column = logical.position(logical.body)
    if line != run.start:
        return None
    if any(p in data()["tools_need_certificates"] for p in packages):
        packages = [*packages, "ca-certificates"]
    body = doc.lines[line][column:].rstrip("\r\n")
    head = doc.lines[line][:column]
    esc = doc.escape
    text = (
        f"{head}apt-get update && apt-get install -y --no-install-recommends {' '.join(sorted(set(packages)))} {esc}\n"
        f"    && rm -rf /var/lib/apt/lists/* {esc}\n"
        f"    && {body}\n"
    )
    return Edit.replace(line, line, text)
