"""DO502 multi-stage."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dockopt.base_images import BaseSite, ImageRef, base_site, slim_data, slim_tag
from dockopt.build_needs import Needs, PipInstall, located, pip_installs, pip_needs
from dockopt.compiled_split import plan_for
from dockopt.document import Document, Instruction, Stage
from dockopt.edits import Edit
from dockopt.image import clean_source, is_glob
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.stage_split import (
    Block,
    NotMapped,
    blocks,
    tools_used_at_runtime,
    verbatim,
)
from dockopt.transform import Context, Safety, Severity, Transform

VENV = "/opt/venv"
_KEEP_IN_RUNTIME = {"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "USER", "MAINTAINER"}
_BOTH = {"ARG", "ENV", "WORKDIR"}
_APT_SUBCOMMANDS = {"update", "install", "clean", "autoclean", "autoremove"}
_OTHER_INSTALLERS = {"poetry", "pipenv", "uv", "pdm", "conda", "mamba", "micromamba", "hatch", "pipx"}
_PIP_ENV = {"VIRTUAL_ENV", "PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ROOT", "PYTHONHOME", "PYTHONUSERBASE"}


# What may change, in the one line an unsafe fix gives (the docs say it in full).
_RUNTIME_LOSES = "the runtime stage has no compilers or tools of the full image, and what the app calls at run time is not checked"


@dataclass
class Plan:
    builder: list[dict[str, object]] = field(default_factory=list)  # before the venv is created
    install: list[dict[str, object]] = field(default_factory=list)  # after: manifests and pip installs
    runtime: list[dict[str, object]] = field(default_factory=list)
    expected: list[list[str]] = field(default_factory=list)  # instruction keywords the render must hold
    runtime_packages: list[str] = field(default_factory=list)


class MultiStage(Transform):
    """Split a single-stage Python build into a builder stage and a slim runtime stage.

    ## What it does
    For a single-stage file on a full `python` image that installs dependencies with pip, emits
    two stages (rendered from `templates/python_multistage.Dockerfile.j2`):

    - a builder on the original image (compilers and headers available) that creates a venv in
      `/opt/venv`, copies only the files the installs read, and runs the original `pip install`s;
    - a runtime on the slim variant with the runtime libraries of the `-dev` packages it used
      (`libpq-dev` → `libpq5`, from `dockopt/data/slim_images.json`), the other apt packages, the
      venv copied from the builder, the application, and every other original instruction (CMD,
      ENTRYPOINT, ENV, EXPOSE, WORKDIR, LABEL, HEALTHCHECK ...) in its original order, with its
      comments. Who the runtime runs as is DO401's to decide (it runs after this pass and reads
      the app): the split never adds a user of its own.

    Other builds get the same split (planned in `dockopt/compiled_split.py`, rendered
    from `templates/compiled_multistage.Dockerfile.j2`, images from
    `dockopt/data/multi_stage_runtimes.json`); the builder keeps the original instructions:

    - Go (`golang` image, `go build -o`): the binary runs on `gcr.io/distroless/static-debian12:nonroot`,
      with `ENV CGO_ENABLED=0` added when the build context shows no cgo (or the file already turns
      it off); when cgo is used or cannot be ruled out, on `distroless/base-debian12` (glibc). Shell-form
      CMD/ENTRYPOINT become exec form when plain (no shell there). Context files are copied too unless
      the Go sources show the program reads none. Runs as uid 65532.
    - Node (`npm ci`/`npm install` and npm scripts): `npm prune --omit=dev` in the builder, the app
      folder copied onto `node:X-slim`, tools the runtime uses (a `curl` HEALTHCHECK) installed.
      `npm start` is checked against package.json's devDependencies.
    - C/C++ compiled on a distro image and run by CMD/ENTRYPOINT: the program is copied onto the same
      release's minimal image (`centos:7` → `ubi7/ubi-minimal`, `debian:X` → `debian:X-slim`). A
      `make` with no target builds the default goal of the Makefile it finds in the build context.

    It only rewrites when it can place every instruction; otherwise it reports why not. A file
    that is already multi-stage keeps its stages.

    ## Why
    Compilers, headers and build caches are needed to install some packages, never to run them.
    A builder stage keeps them out of the image you ship: the result is about the size of the
    slim image plus your dependencies.

    ## Example
    ```dockerfile
    FROM python:3.11
    RUN apt-get update && apt-get install -y libpq-dev
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
    ```
    becomes
    ```dockerfile
    FROM python:3.11 AS builder
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends libpq-dev \\
        && rm -rf /var/lib/apt/lists/*
    RUN python -m venv /opt/venv
    ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
    COPY requirements.txt .
    RUN pip install -r requirements.txt

    FROM python:3.11-slim
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    COPY --from=builder /opt/venv /opt/venv
    ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
    COPY requirements.txt .
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Fix safety
    Unsafe: the runtime image no longer has compilers, headers or the tools of the full image,
    Python packages live in `/opt/venv` instead of `/usr/local`. Programs the application starts at
    run time are not checked. Go, Node and C/C++: the runtime has no toolchain, and distroless has
    no shell or package manager (a Go binary runs as its `nonroot` user, uid 65532); a static Go
    binary uses Go's own DNS resolver; pruned dev dependencies are gone; the app folder is owned by
    root.
    """

    code = "DO502"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    name = "multi-stage"
    title = "Build in a builder stage, run from a slim image"
    aliases = ()
    order = 20

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if len(doc.stages) != 1:
            return  # an existing multi-stage layout is the author's: other passes improve it
        stage = doc.stages[0]
        at = stage.from_instruction
        if not (len(at.args) == 1 or (len(at.args) == 3 and at.args[1].lower() == "as")):
            yield self.fix("not split into stages: the FROM line has extra words (an inline comment?), which Docker rejects", at)
            return
        site = base_site(doc, stage)
        if site is None:
            return
        rule = slim_data()["images"].get(site.image.repo)
        if rule is None or rule.get("language") != "python":
            yield from self._check_compiled(doc, ctx, stage, site)
            return
        if site.image.digest:
            return
        resolved = ImageRef.parse(site.resolved) if site.resolved else None
        new_tag = slim_tag(site.image.repo, site.image.tag, resolved.tag if resolved else None)
        if new_tag is None:
            return
        if site.via_arg:
            yield self.fix(f"not split into stages: the image comes from ARG {site.via_arg}, so the slim runtime image cannot be named safely", at)
            return
        try:
            plan = _plan(doc, ctx, stage)
        except NotMapped as exc:
            yield self.fix(f"not split into stages: {exc}", at)
            return
        if plan is None:
            return
        from dockopt.templating import UnsafeValue, render_dockerfile

        runtime_image = str(ImageRef(site.image.prefix, site.image.repo, new_tag, None))
        builder = "builder" if stage.name != "builder" else "deps-builder"
        upper = not doc.keywords_lower
        try:
            text = render_dockerfile(
                "python_multistage.Dockerfile.j2",
                ["FROM", *plan.expected[0], "RUN", "ENV", *plan.expected[1], "FROM", *plan.expected[2]],
                escape=doc.escape,
                kw=(lambda word: word if upper else word.lower()),
                from_flags=list(at.flags),
                builder_image=site.text,
                builder=builder,
                runtime_image=runtime_image,
                stage_name=at.args[2] if len(at.args) == 3 else None,
                venv=VENV,
                builder_steps=plan.builder,
                install_steps=plan.install,
                runtime_steps=plan.runtime,
            )
        except UnsafeValue as exc:
            yield self.fix(f"not split into stages: {exc}", at)
            return
        last = stage.instructions[-1]
        message = f"build in a `{site.text}` builder stage and run from `{runtime_image}` with the venv {VENV}"
        if plan.runtime_packages:
            message += f" (runtime packages: {', '.join(plan.runtime_packages)})"
        yield self.fix(message, at, [Edit.replace(at.start, last.end, text)], reason=_RUNTIME_LOSES)

    def _check_compiled(self, doc: Document, ctx: Context, stage: Stage, site: BaseSite) -> Iterator[Fix]:
        """Go, Node and C/C++ builds: planned in `_multi_stage_compiled`, rendered from one template."""
        from dockopt.templating import UnsafeValue, render_dockerfile

        at = stage.from_instruction
        try:
            if site.via_arg and plan_for(doc, ctx, stage, site) is not None:
                raise NotMapped(f"the image comes from ARG {site.via_arg}, so the builder and runtime images cannot be named safely")
            plan = plan_for(doc, ctx, stage, site)
        except NotMapped as exc:
            yield self.fix(f"not split into stages: {exc}", at)
            return
        if plan is None:
            return
        upper = not doc.keywords_lower
        try:
            text = render_dockerfile(
                "compiled_multistage.Dockerfile.j2",
                plan.expected(),
                escape=doc.escape,
                kw=(lambda word: word if upper else word.lower()),
                from_flags=list(at.flags),
                builder_image=site.text,
                builder="builder" if stage.name != "builder" else "build-stage",
                runtime_image=plan.runtime_image,
                stage_name=at.args[2] if len(at.args) == 3 else None,
                builder_steps=plan.builder,
                runtime_steps=plan.runtime,
            )
        except UnsafeValue as exc:
            yield self.fix(f"not split into stages: {exc}", at)
            return
        yield self.fix(plan.message, at, [Edit.replace(at.start, stage.instructions[-1].end, text)], reason=_RUNTIME_LOSES)


def _covered_manifest_copies(
    doc: Document, stage_blocks: list[Block], kinds: list[str], manifests: list[tuple[str, str, Instruction, Instruction]], root: Path | None
) -> set[Instruction]:
    """The runtime stage's `COPY requirements.txt .` lines that only fed the installs the builder
    now runs, and that a later copy of the context lays over with the same files (`COPY . .`):
    left in place they copy the file twice. A COPY with flags, one that copies more than those
    manifests, and one a RUN kept in the runtime stage could read before the later copy, stay."""
    wanted: dict[Instruction, dict[str, str]] = {}  # COPY -> container path -> context path
    for source, dest, copy, _ in manifests:
        wanted.setdefault(copy, {})[posixpath.normpath(dest)] = source
    last = stage_blocks[-1].instruction
    covered: set[Instruction] = set()
    for copy, files in wanted.items():
        found = doc.image.copy_of(copy)
        if copy.flags or found is None or not found.from_context:
            continue
        targets = {found.container_path(clean_source(source)) for source in found.sources if not is_glob(clean_source(source))}
        if len(targets) != len(found.sources) or targets != set(files):
            continue  # a glob, or more than the manifests the builder reads
        later = [doc.image.provider(last, dest, root) for dest in files]
        if any(item is None or item[0] != files[dest] or item[1].instruction.index <= copy.index or item[1].instruction.flags
               for dest, item in zip(files, later)):
            continue
        until = min(item[1].instruction.index for item in later if item is not None)
        if any(kind == "runtime" and block.instruction.cmd == "RUN" and copy.index < block.instruction.index < until
               for block, kind in zip(stage_blocks, kinds)):
            continue
        covered.add(copy)
    return covered


def _plan(doc: Document, ctx: Context, stage: Stage) -> Plan | None:
    stage_blocks = blocks(doc, stage)
    root = ctx.build.root if ctx.build is not None else None
    needs = Needs()
    kinds: list[str] = []  # per block: pip, apt, both, runtime
    apt_packages: list[str] = []
    providers: list[Instruction] = []  # COPYs the builder needs whole, in order
    manifests: list[tuple[str, str, Instruction, Instruction]] = []  # (context path, container path, COPY, pip RUN): single files the builder needs
    for block in stage_blocks:
        instruction = block.instruction
        kind = _kind(doc, instruction)
        kinds.append(kind)
        view = doc.shell(instruction)
        if kind == "pip":
            assert view is not None  # _kind read it
            for install in pip_installs(view, instruction):
                _check_pip(install)
                for path in [*install.files, *install.local]:
                    found = doc.image.provider(instruction, path, root)
                    if found is None:
                        raise NotMapped(f"line {instruction.line}: `{path}` does not come from a COPY of the build context")
                    source, copy = found
                    if path in install.files and _plain_requirements(ctx, source):
                        manifests.append((source, doc.image.scope(instruction).path(path), copy.instruction, instruction))
                    elif copy.instruction not in providers:
                        providers.append(copy.instruction)
                pip_needs(needs, install, located(doc, instruction, root), ctx, set())
        elif kind == "apt":
            assert view is not None  # _kind read it
            apt_packages.extend(_apt_args(view))
        elif instruction.cmd == "ENV":
            _check_env(instruction)
    if "pip" not in kinds:
        return None
    if needs.unsure:
        raise NotMapped(needs.unsure[0])
    runtime_packages, build_packages = _split_packages(apt_packages)
    # the full image already ships the usual -dev libraries (buildpack-deps); install only the others
    build_packages += sorted(set(needs.build_packages) - set(build_packages) - set(slim_data()["full_image_dev_packages"]))
    runtime_packages += sorted(set(needs.runtime) - set(runtime_packages))
    runtime_packages += tools_used_at_runtime(doc, stage_blocks, kinds, runtime_packages)
    plan = Plan(runtime_packages=runtime_packages)
    last_pip = max(i for i, kind in enumerate(kinds) if kind == "pip")

    builder_cmds: list[str] = []
    if build_packages:
        plan.builder.append({"kind": "apt", "packages": build_packages})
        builder_cmds.append("RUN")
    install_cmds: list[str] = []
    manifests = [m for m in manifests if m[2] not in providers]
    covered = _covered_manifest_copies(doc, stage_blocks, kinds, manifests, root)
    # the comment lines above each such COPY (not its blank lines) go with it to the builder
    comments_of = {block.instruction: "".join(line for line in block.comments.splitlines(True) if line.strip())
                   for block in stage_blocks if block.instruction in covered}
    for index, block in enumerate(stage_blocks[: last_pip + 1]):
        instruction = block.instruction
        if kinds[index] == "pip":
            for source, dest, manifest_copy, run in manifests:
                if run is instruction and {"kind": "copy", "src": source, "dest": dest} not in plan.install:
                    if manifest_copy in covered and comments_of[manifest_copy]:
                        plan.install.append(verbatim(comments_of.pop(manifest_copy)))  # the COPY they head moves here
                    plan.install.append({"kind": "copy", "src": source, "dest": dest})
                    install_cmds.append("COPY")
            plan.install.append(verbatim(block.comments + block.body))
        elif instruction.cmd in _BOTH or instruction in providers:
            plan.install.append(verbatim(block.body))
        else:
            continue
        install_cmds.append(instruction.cmd)

    venv_at = _venv_position(stage_blocks, kinds)
    apt_indexes = [i for i, kind in enumerate(kinds) if kind == "apt"]
    apt_at = min([*apt_indexes[:1], venv_at]) if needs.runtime or not apt_indexes else apt_indexes[0]

    runtime_cmds: list[str] = []
    moved_comments: list[str] = []  # above an apt RUN the builder now makes: they go with it
    for index, current in enumerate([*stage_blocks, None]):
        if index == apt_at and runtime_packages and (index not in apt_indexes):
            plan.runtime.append({"kind": "apt", "packages": runtime_packages})
            runtime_cmds.append("RUN")
        if index == venv_at:
            plan.runtime.append({"kind": "venv"})
            runtime_cmds += ["COPY", "ENV"]
        if current is None:
            break
        kind = kinds[index]
        if kind == "pip":
            continue
        if kind == "apt":
            here = index == apt_at and bool(runtime_packages)
            if current.comments and not here and build_packages:
                moved_comments.append(current.comments)  # no RUN follows them in the runtime stage
            elif current.comments:
                plan.runtime.append(verbatim(current.comments))
            if here:
                plan.runtime.append({"kind": "apt", "packages": runtime_packages})
                runtime_cmds.append("RUN")
            continue
        if current.instruction in covered:
            continue  # the builder copies it; the runtime stage's later copy brings it
        plan.runtime.append(verbatim(current.comments + current.body))
        runtime_cmds.append(current.instruction.cmd)
    if moved_comments:
        plan.builder.insert(0, verbatim("".join(moved_comments)))  # the builder's first step is its apt RUN
    plan.expected = [builder_cmds, install_cmds, runtime_cmds]
    return plan


def _plain_requirements(ctx: Context, source: str) -> bool:
    """A requirements file that names no other file or local path: copying it alone is enough."""
    text = ctx.build.read_text(source) if ctx.build is not None else None
    if text is None:
        return False
    lines = [line.strip() for line in text.splitlines()]
    return not any(line.startswith(("-r", "-c", "--requirement", "--constraint", "-e", "--editable", ".", "/", "file:")) for line in lines)


def _kind(doc: Document, instruction: Instruction) -> str:
    cmd = instruction.cmd
    if cmd in ("SHELL", "ONBUILD"):
        raise NotMapped(f"line {instruction.line}: {cmd} is not mapped")
    if cmd in _KEEP_IN_RUNTIME or cmd in _BOTH or cmd in ("COPY", "ADD"):
        _check_paths(instruction)
        return "runtime"
    view = doc.shell(instruction)
    if view is None or view.has_error:
        raise NotMapped(f"line {instruction.line}: a RUN that is not plain shell (exec form or heredoc)")
    _check_paths(instruction)
    names = [posixpath.basename(c.name or "") for c in view.commands]
    if any(name in _OTHER_INSTALLERS for name in names):
        raise NotMapped(f"line {instruction.line}: `{next(n for n in names if n in _OTHER_INSTALLERS)}` is not mapped (only pip is)")
    pips = {id(p.command) for p in pip_installs(view, instruction)}
    if pips:
        others = [c for c in view.commands if id(c) not in pips and posixpath.basename(c.name or "") != "rm"]
        if others:
            raise NotMapped(f"line {instruction.line}: `pip install` shares its RUN with `{others[0].name}`")
        return "pip"
    if any(re.match(r"^pip(3(\.\d+)?)?$", name) for name in names):
        raise NotMapped(f"line {instruction.line}: a pip command other than install")
    if names and all(name in ("apt-get", "apt", "rm") for name in names) and {"apt-get", "apt"} & set(names):
        for command in view.commands:
            name = posixpath.basename(command.name or "")
            if name == "rm" and not all(a and a.startswith(("-", "/var/lib/apt/lists", "/var/cache/apt")) for a in command.args):
                raise NotMapped(f"line {instruction.line}: `rm` in an apt RUN removes more than apt's lists")
            if name in ("apt-get", "apt"):
                sub = [a for a in command.args if a and not a.startswith("-")]
                if not sub or sub[0] not in _APT_SUBCOMMANDS:
                    raise NotMapped(f"line {instruction.line}: `{name} {sub[0] if sub else ''}` is not mapped")
        return "apt"
    return "runtime"


def _check_paths(instruction: Instruction) -> None:
    """The venv replaces /usr/local as the home of installed packages: absolute paths into it break."""
    text = instruction.original
    for needle in ("/usr/local/bin/", "/usr/local/lib/python", "site-packages", "dist-packages"):
        if needle in text:
            raise NotMapped(f"line {instruction.line} names `{needle}`, where the packages no longer are")


def _check_pip(install: PipInstall) -> None:
    line = install.run.line
    if install.command.name and "/" in install.command.name:
        raise NotMapped(f"line {line}: `{install.command.name}` by absolute path bypasses the venv")
    for flag in install.flags:
        option = flag.split("=", 1)[0]
        if option in ("--user", "--prefix", "--target", "-t", "--root", "--src") or option == "$":
            raise NotMapped(f"line {line}: `pip install {option}` does not install into the venv")
    if install.editable:
        raise NotMapped(f"line {line}: an editable install points into the source tree")


def _check_env(instruction: Instruction) -> None:
    args = instruction.args
    for name, value in zip(args[::2], args[1::2]):
        if name in _PIP_ENV or (name == "PATH" and "$PATH" not in value and "${PATH}" not in value):
            raise NotMapped(f"line {instruction.line}: ENV {name} changes where pip installs or finds Python")


def _apt_args(view: ShellView) -> list[str]:
    found = []
    for command in view.commands:
        if posixpath.basename(command.name or "") in ("apt-get", "apt") and "install" in command.args:
            after = command.args[command.args.index("install") + 1 :]
            found += [arg for arg in after if arg and not arg.startswith("-")]
    return found


def _split_packages(packages: list[str]) -> tuple[list[str], list[str]]:
    """(runtime packages, build packages) of an apt install list."""
    table = slim_data()
    runtime: list[str] = []
    build: list[str] = []
    for package in packages:
        name = package.split("=", 1)[0]
        if name in table["build_only_packages"]:
            build.append(package)
        elif name in table["dev_to_runtime"]:
            build.append(package)
            runtime += [p for p in table["dev_to_runtime"][name] if p not in runtime]
        elif name.endswith("-dev"):
            raise NotMapped(f"the runtime package for `{name}` is not known (add it to dev_to_runtime)")
        elif name.startswith(("python3-", "python-")):
            raise NotMapped(f"`{name}` installs into the system Python, which the venv does not see")
        elif package not in runtime:
            runtime.append(package)
    return runtime, build


def _venv_position(blocks: list[Block], kinds: list[str]) -> int:
    """Before the first pip install or copy of the context: the venv changes less often than the app."""
    return next(i for i, (b, k) in enumerate(zip(blocks, kinds)) if k == "pip" or _context_copy(b.instruction))


def _context_copy(instruction: Instruction) -> bool:
    return instruction.cmd in ("COPY", "ADD") and instruction.flag("from") is None
