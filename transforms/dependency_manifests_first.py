"""DO301 dependency-manifests-first."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from dockopt.context import BuildContext
from dockopt.document import Document, Instruction, Stage, line_body
from dockopt.edits import Edit
from dockopt.image import is_under, join
from dockopt.manifests import (
    GLOB_CHARS,
    PROJECT_INSTALLERS,
    InstallRun,
    NotInstall,
    SourceCopy,
    classify_run,
    manifest_problem,
    present,
    requirement_files,
    source_copy,
)
from dockopt.pragmas import parse_pragmas
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.words import copy_arguments

# Instructions that only set config or build state: the source COPY may move below them.
_CONFIG_ONLY = {"ENV", "ARG", "LABEL", "EXPOSE", "USER", "STOPSIGNAL", "HEALTHCHECK", "MAINTAINER", "CMD",
                "ENTRYPOINT", "SHELL", "ONBUILD"}


class DependencyManifestsFirst(Transform):
    """Copy dependency manifests and install before copying the whole source.

    ## What it does
    When a stage copies its whole source (`COPY . .`, `COPY src/ /app/`, `ADD . .`) and later RUNs
    install dependencies, it copies just the manifests first (`requirements*.txt` and every file they
    include with `-r`/`-c`, `pyproject.toml` with `uv.lock`/`poetry.lock`/`pdm.lock`, `Pipfile` +
    `Pipfile.lock`, `package.json` + lock file and `.npmrc`, `go.mod` + `go.sum`, `Gemfile` +
    `Gemfile.lock`), runs the installs, and then copies the rest. RUNs that install packages by
    name (`RUN pip install fastapi`, `RUN apt-get install ...`) and read nothing from the source move
    up with them, and each manifest is copied just above the first install that reads it, so an
    edit to `requirements.txt` does not re-run the `apt-get` above it. The file's paragraphs and
    comment lines stay as they were: a `COPY . .` set off by blank lines stays a paragraph of its
    own below the installs, `# Copy the source` goes down with it (and an ignore pragma always
    does), a comment heading a paragraph that goes on past the COPY stays at its head, and the
    comment lines above an install (`# Install dependencies`) head its manifest copy too.
    `uv sync`, `poetry install` and `pdm install` are split: dependencies first
    (`--no-install-project`, `--no-root`, `--no-self`), the project after the full copy. A Go
    stage that copies the source and then runs `go build` gets `COPY go.mod go.sum` and
    `RUN go mod download` in front of the copy.

    It reads the build context: a manifest must exist and not be `.dockerignore`d. The move is left
    out, with the reason, when the install needs the source: a requirements line such as `-e .`,
    `./lib` or `file:`, a `package.json` install hook, a local `path` dependency, a `go.mod`
    `replace` with a local folder, or a context folder (`node_modules/`, `.venv/`) that the full
    copy would lay over what the install wrote.

    ## Why
    Docker reuses a layer only while everything above it is unchanged. With `COPY . .` above the
    install, editing any source file re-runs the whole dependency install; with the manifests first,
    the install layer stays cached until the manifests change.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    ```
    becomes
    ```dockerfile
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install -r requirements.txt
    COPY . .
    ```

    ## Fix safety
    Safe when the build context was read: the same files end up in the image, with the same
    owners and modes, because the full copy still runs after the install and the install reads
    nothing it does not get. Unsafe without a build context (the manifest names come from the
    Dockerfile alone, and an unseen `-r` include or local path would break the build), when an
    install is split into a dependency step and a project step, and when it adds `go mod download`
    (the module cache then holds every module go.mod lists, not only those the build compiled).
    """

    code = "DO301"
    name = "dependency-manifests-first"
    title = "Copy dependency manifests and install before copying the source"
    severity = Severity.INFO
    order = 30
    needs = ('copy', 'add')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        cwds = doc.image.workdirs
        for stage in doc.stages:
            yield from self._stage(doc, stage, cwds, ctx.build)

    def _stage(self, doc: Document, stage: Stage, cwds: Mapping[int, str], build: BuildContext | None) -> Iterator[Fix]:
        deps_only: set[tuple[str, str]] = set()  # (tool, folder) that already installed without the project
        single_files: set[tuple[str, str]] = set()  # (in-image path, context path) copied one by one
        for position, instruction in enumerate(stage.instructions):
            cwd = cwds[instruction.index]
            if instruction.cmd == "RUN":
                deps_only.update((tool, cwd) for tool in _dependencies_only(doc, instruction))
                continue
            if instruction.cmd not in ("COPY", "ADD") or instruction.flag("from") is not None:
                continue
            if instruction.heredocs or instruction.flag("parents") is not None:
                continue
            args = doc.literal_args(instruction)
            copy = source_copy(args, cwd, build)
            if copy is None:
                single_files.update(_single_files(args, cwd))
                continue
            plan = _Plan(doc, stage, position, copy, cwds, build, deps_only, single_files)
            yield from plan.findings
            if plan.fix_text is not None:
                yield self.fix(plan.message, instruction, [plan.edit],
                               safety=Safety.UNSAFE if plan.unsafe_reason else Safety.SAFE)
                return  # one move per stage per round: the next round sees the new order


class _Plan:
    """The move for one source COPY: which instructions go above it and which manifests come first."""

    def __init__(
        self,
        doc: Document,
        stage: Stage,
        position: int,
        copy: SourceCopy,
        cwds: Mapping[int, str],
        build: BuildContext | None,
        deps_only: set[tuple[str, str]],
        single_files: set[tuple[str, str]],
    ) -> None:
        self.doc, self.copy, self.build = doc, copy, build
        self.instruction = stage.instructions[position]
        self.findings: list[Fix] = []
        self.fix_text: str | None = None
        self.unsafe_reason: str | None = None if build is not None else "no build context: the manifest names were not checked"
        self.blocker: Instruction | None = None  # the first instruction that cannot move above the COPY
        block, runs, stop = self._block(stage.instructions[position + 1 :], cwds, deps_only)
        if stop is not None:
            self.findings.append(stop)
        if not runs:
            self._go_download(cwds, single_files, deps_only)
            return
        missing = self._missing_manifest(runs, single_files)
        if missing is not None:
            item, path = missing
            self.findings.append(self._finding(item, f"{path} is not in the build context, so the install cannot move above the copy"))
            return
        precopy: list[str] = []
        first_read: dict[int, list[str]] = {}  # install RUN's index -> the manifests it is the first to read
        for item, run in runs:
            fresh = [path for path in self._precopy(run, single_files) if path not in precopy]
            precopy.extend(fresh)
            if fresh:
                first_read[item.index] = fresh
        if any(run.splits for _, run in runs):
            self.unsafe_reason = self.unsafe_reason or "the project is now installed in a second step after the full copy"
        rewrites = next((run.rewrites_manifest for _, run in runs if run.rewrites_manifest), None)
        if rewrites:
            self.unsafe_reason = self.unsafe_reason or rewrites
        self._render(block, runs, precopy, first_read)

    # -- which instructions move -----------------------------------------------------------------

    def _block(
        self, following: list[Instruction], cwds: Mapping[int, str], deps_only: set[tuple[str, str]]
    ) -> tuple[list[Instruction], list[tuple[Instruction, InstallRun]], Fix | None]:
        """(instructions that move above the COPY, their install RUNs, a finding for what stopped it)."""
        instruction = self.instruction
        block: list[Instruction] = []
        runs: list[tuple[Instruction, InstallRun]] = []
        moved = 0
        stop = None
        relative_copy = not instruction.args[-1].startswith("/") or "$" in self.doc.raw(instruction)
        for item in following:
            self.blocker = item
            cwd = cwds[item.index]
            if item.cmd in _CONFIG_ONLY:
                if item.cmd in ("ENV", "ARG") and "$" in self.doc.raw(instruction):
                    break  # the COPY's own text may use the variable
                block.append(item)
                continue
            if item.cmd == "WORKDIR":
                target = join(cwd, item.args[0]) if item.args and "$" not in item.args[0] else None
                if relative_copy or target is None or self._inside_copy(target):
                    break
                block.append(item)
                continue
            if item.cmd != "RUN":
                break
            run = classify_run(self.doc, item, cwd)
            if isinstance(run, NotInstall):
                if run.reason.startswith("it installs a local path"):
                    stop = self._finding(item, run.reason)
                break
            if run.splits and all((tool, cwd) in deps_only for tool in run.tools):
                break  # the project step of an install already split: it needs the source
            reason = self._reads_source(run, cwd) or self._settings_read_source(item, cwd)
            if reason:
                stop = self._finding(item, reason)
                break
            block.append(item)
            if run.tools:
                runs.append((item, run))
                moved = len(block)
        return block[:moved], [(item, run) for item, run in runs if item in block[:moved]], stop

    def _finding(self, item: Instruction, reason: str) -> Fix:
        text = _short(self.doc, self.instruction)
        return DependencyManifestsFirst().fix(f"dependency install stays after `{text}`: {reason}", item)

    def _inside_copy(self, folder: str) -> bool:
        """Would WORKDIR create a folder that the source copy also creates (inside its destination)?"""
        if is_under(self.copy.dest, folder) or not is_under(folder, self.copy.dest):
            return False
        if self.build is None:
            return True
        relative = self.copy.context_path(folder)
        return relative is not None and present(self.build, relative)

    def _touches(self, path: str) -> bool:
        """Could the source copy write `path`, a folder above it, or something below it?"""
        if self.build is None:
            return is_under(path, self.copy.dest) or is_under(self.copy.dest, path)
        if is_under(self.copy.dest, path):
            return True  # `rm -rf /app` and the like
        relative = self.copy.context_path(path)
        return relative is not None and present(self.build, relative)

    def _reads_source(self, run: InstallRun, cwd: str) -> str | None:
        for path in run.paths:
            stem = path.split("*")[0].split("?")[0].split("[")[0].rstrip("/") or "/"
            if self._touches(stem):
                return f"it uses {path}, which the source copy provides"
        if self.build is None:
            return None
        for path in run.outputs:
            relative = self.copy.context_path(path)
            if relative is not None and present(self.build, relative):
                return f"the context has {relative}/, which the full copy would lay over what the install wrote"
        for path in run.requirement_files:
            relative = self.copy.context_path(path)
            if relative is None:
                continue
            if not self.build.exists(relative):
                continue  # not from this copy: an earlier COPY put it there (or the build fails anyway)
            found = requirement_files(self.build, relative)
            if found.local:
                return f"{relative} installs a local path (`{found.local}`), which needs the source"
            if found.missing:
                return f"{relative} includes {found.missing}, which the build context does not have"
            src = self.copy.context_path(join(cwd, "src"))
            if found.vcs_editable and src is not None and present(self.build, src):
                return f"pip clones its editable VCS requirements into ./src, and the context has {src}/ too"
            if any(self.copy.dest_for(item) is None for item in found.files):
                return f"{relative} includes a file the source copy does not copy"
        for path in run.manifests:
            relative = self.copy.context_path(path)
            if relative is not None and self.build.exists(relative):
                problem = manifest_problem(self.build, relative)
                if problem:
                    return problem
        return None

    def _settings_read_source(self, item: Instruction, cwd: str) -> str | None:
        """Installer settings from ENV, ARG or the RUN itself that name a path the source copy
        provides (`ENV PIP_FIND_LINKS=/app/vendor`): the install reads it, so it needs the source."""
        for key, value in _installer_settings(self.doc, item):
            for word in value.replace(",", " ").split():
                if "://" in word or word.lower() in _PLAIN_SETTING_VALUES or word.isdigit():
                    continue
                path = join(cwd, word.removeprefix("file:"))
                if self._touches(path.split("*")[0].rstrip("/") or "/"):
                    return f"{key}={word} names {path}, which the source copy provides"
        return None

    # -- which manifests come first ----------------------------------------------------------------

    def _missing_manifest(
        self, runs: list[tuple[Instruction, InstallRun]], single_files: set[tuple[str, str]]
    ) -> tuple[Instruction, str] | None:
        """(install RUN, manifest) of a manifest an install needs that the build context lacks."""
        if self.build is None:
            return None
        for item, run in runs:
            for path in run.manifests:
                relative = self.copy.context_path(path)
                if any(path == copied for copied, _ in single_files):
                    continue  # copied one by one before the source copy
                if relative is not None and not self.build.exists(relative):
                    return item, relative
        return None

    def _precopy(self, run: InstallRun, single_files: set[tuple[str, str]]) -> list[str]:
        """Context paths of the manifests to copy before the install (those the source copy provides)."""
        wanted: list[tuple[str, str]] = []  # (in-image path, context path)

        def add(path: str, relative: str | None) -> None:
            if relative is not None and (path, relative) not in single_files and (path, relative) not in wanted:
                wanted.append((path, relative))

        if self.build is None:
            for path in run.requirement_files + run.without_context:
                add(path, self.copy.context_path(path))
            return [relative for _, relative in wanted]
        for path in run.requirement_files:
            relative = self.copy.context_path(path)
            if relative is not None and self.build.exists(relative):
                base = posixpath.dirname(path)
                for item in requirement_files(self.build, relative).files:
                    add(join(base, posixpath.relpath(item, posixpath.dirname(relative))), item)
        candidates = list(run.manifests) + list(run.optional)
        for group in run.alternatives:
            candidates.extend(group)
        for path in candidates:
            relative = self.copy.context_path(path)
            if relative is not None and self.build.exists(relative):
                add(path, relative)
        return [relative for _, relative in wanted]

    def _go_download(
        self, cwds: Mapping[int, str], single_files: set[tuple[str, str]], deps_only: set[tuple[str, str]]
    ) -> None:
        """`COPY . .` then `RUN go build`: download the modules first, from go.mod and go.sum alone."""
        item = self.blocker
        view = self.doc.shell(item) if item is not None and item.cmd == "RUN" else None
        if item is None or view is None or not any(
            c.name == "go" and c.args[:1] and c.args[0] in ("build", "install", "test", "vet") for c in view.commands
        ):
            return
        cwd = cwds[item.index]
        if ("go", cwd) in deps_only:
            return  # an earlier `go mod download` in this folder already did it
        relative = self.copy.context_path(join(cwd, "go.mod"))
        if relative is None or (join(cwd, "go.mod"), relative) in single_files:
            return
        folder = posixpath.dirname(relative)
        if self.build is None:
            return  # `go build` needs no go.mod (GOPATH mode): without the context, `COPY go.mod` may break the build
        if not self.build.exists(relative) or manifest_problem(self.build, relative):
            return
        if self.build.exists(posixpath.join(folder, "go.work")):
            return  # a workspace builds modules from the source
        sources = [relative] + [p for p in [posixpath.join(folder, "go.sum")] if self.build.exists(p)]
        placed = self.copy.dest_for(relative)
        assert placed is not None  # context_path found go.mod in this copy
        dest = placed[0]
        instruction = self.instruction
        indent = self.doc.indent(instruction.start)
        copy_kw, run_kw = self.doc.keyword("COPY"), self.doc.keyword("RUN")
        flags = "".join(flag + " " for flag in instruction.flags)
        top = _own_comments(self.doc, instruction)  # the COPY's own comment lines stay with it
        # A COPY that stands as a paragraph of its own stays one: the download makes its own above it.
        apart = "\n" if _blank(self.doc, top - 1) and _blank(self.doc, instruction.end + 1) else ""
        self.fix_text = (f"{indent}{copy_kw} {flags}{' '.join(sources)} {dest}\n{indent}{run_kw} go mod download\n"
                         + apart + _text(self.doc, top, instruction.end))
        self.edit = Edit.replace(top, instruction.end, self.fix_text)
        self.unsafe_reason = "adds `go mod download`, so the module cache holds every module go.mod needs, not only those built"
        self.message = (f"copy {', '.join(sources)} and run `go mod download` before `{_short(self.doc, instruction)}`, "
                        f"so a source edit does not re-download modules (unsafe: {self.unsafe_reason})")

    # -- the edit ----------------------------------------------------------------------------------

    def _anchor(self, install: Instruction) -> int:
        """The line the manifest COPY goes above: the install itself, under the comment lines that
        head its step (see `_step_start`).

        It stays on the line after the source COPY when nothing but blank lines and comments lie
        between, and when the move could change the folder the COPY creates: a WORKDIR between
        may create it first (as root, or as USER), and with `--chown`/`--chmod` (any flag, to be
        safe) the COPY that creates the folder decides its owner and mode."""
        doc, first = self.doc, self.instruction.end + 1
        passed = [item for item in doc.instructions if first <= item.start < install.start]
        if not passed or self.instruction.flags or any(item.cmd == "WORKDIR" for item in passed):
            return first
        return max(first, _step_start(doc, install))

    def _copy_lines(self, manifests: list[str]) -> list[str]:
        """COPY lines of these context files, one per destination folder, as the source COPY writes them."""
        instruction = self.instruction
        indent = self.doc.indent(instruction.start)
        keyword = self.doc.keyword("COPY")
        flags = "".join(flag + " " for flag in instruction.flags)
        by_dest: dict[str, list[str]] = {}
        for relative in manifests:
            placed = self.copy.dest_for(relative)
            if placed is not None:
                dest, source = placed
                by_dest.setdefault(dest, []).append(source)
        lines = []
        for dest, sources in by_dest.items():
            lines.append(f"{indent}{keyword} {flags}{copy_arguments([*sources, dest])}\n")
        return lines

    def _render(
        self,
        block: list[Instruction],
        runs: list[tuple[Instruction, InstallRun]],
        precopy: list[str],
        first_read: dict[int, list[str]],
    ) -> None:
        doc, instruction = self.doc, self.instruction
        # Each manifest is copied just above the first install that reads it, so the RUNs above
        # that (`apt-get install`, `pip install gunicorn`) stay cached when only the manifest
        # changes. Those RUNs read nothing from the source, so where the manifest lands between
        # them changes nothing they do. When only blank lines and comments lie between the source
        # COPY and that install, the manifests take the COPY's own line (the smallest diff).
        copies_at: dict[int, list[str]] = {}
        for install, _ in runs:
            if install.index in first_read:
                anchor = self._anchor(install)
                copies_at.setdefault(anchor, []).extend(self._copy_lines(first_read[install.index]))
        line = instruction.end + 1
        set_off = _blank(doc, line)  # a blank line follows the COPY: the file sets it off
        lines = copies_at.pop(line, [])
        last = block[-1]
        if lines and set_off and not any(line <= item.start < block[0].start for item in doc.instructions):
            # Only blank lines and comments lie between the COPY and the install: the two swap
            # places, the manifests go with the install, and the blank line that set the COPY
            # off goes down with it (`COPY req.txt` `RUN pip install` | `COPY . .`).
            while _blank(doc, line):
                line += 1
            copies_at.setdefault(_step_start(doc, block[0]), [])[:0] = lines
            lines = []
        splits = {item.index: run.splits for item, run in runs if run.splits}
        # The COPY's own comment lines (`# Copy the source`, a pragma) go down with it; set off by a
        # blank line, as the file set off what followed the COPY.
        top = _own_comments(doc, instruction)
        comments = [line_body(doc.lines[line]) + "\n" for line in range(top, instruction.start)]
        if not lines and _blank(doc, top - 1) and _blank(doc, line) and line < last.start:
            line += 1  # a paragraph of its own goes away between two blank lines: one blank line stays
        if set_off and (comments or line > instruction.end + 1):
            comments.insert(0, "\n")  # ... and the COPY stays a paragraph of its own where it lands
        between = []
        while line <= last.end:
            between.extend(copies_at.pop(line, []))
            item = doc.instruction_at(line)
            if item is not None and item.index in splits and line == item.start:
                between.append(_with_flags(doc, item, splits[item.index]))
                line = item.end + 1
                continue
            between.append(line_body(doc.lines[line]) + "\n")
            line += 1
        for pending in copies_at.values():  # not reached above (never expected): the old place, at the top
            lines.extend(pending)
        after = [*comments, _text(doc, instruction.start, instruction.end)]
        after.extend(_project_step(doc, item, run) for item, run in runs if run.splits)
        self.fix_text = "".join(lines + between + after)
        self.edit = Edit.replace(top, last.end, self.fix_text)
        copied = ", ".join(precopy)
        source = _short(doc, instruction)
        if copied:
            self.message = f"copy {copied} and install before `{source}`, so a source edit does not re-run the install"
        else:
            self.message = f"install before `{source}`: the install does not read the source, so a source edit does not re-run it"
        if self.unsafe_reason:
            self.message += f" (unsafe: {self.unsafe_reason})"


_INSTALLER_SETTING_PREFIXES = ("PIP_", "UV_", "PIPENV_", "POETRY_", "PDM_", "NPM_CONFIG_", "YARN_", "BUNDLE_", "GO")
_PLAIN_SETTING_VALUES = frozenset("true false yes no on off".split())


def _installer_settings(doc: Document, item: Instruction) -> list[tuple[str, str]]:
    """(name, value) of installer settings in effect for `item`: every earlier ENV/ARG (any stage,
    to stay on the safe side) and the RUN's own `NAME=value` prefixes."""
    found: list[tuple[str, str]] = []
    for instruction in doc.instructions[: item.index]:
        if instruction.cmd == "ENV":
            args = list(instruction.args)
            found.extend(zip(args[::2], args[1::2]))
        elif instruction.cmd == "ARG":
            found.extend((key, value) for key, sep, value in (arg.partition("=") for arg in instruction.args) if sep)
    view = doc.shell(item)
    if view is not None:
        for command in view.commands:
            found.extend((key, value) for key, sep, value in (text.partition("=") for text in command.assignments) if sep)
    return [(key, value.strip("\"'")) for key, value in found if key.upper().startswith(_INSTALLER_SETTING_PREFIXES)]


def _dependencies_only(doc: Document, instruction: Instruction) -> set[str]:
    """Tools this RUN ran without the project (`uv sync --no-install-project`, bind mounts or not)."""
    view = doc.shell(instruction)
    if view is None:
        return set()
    found: frozenset[str] | None = view.memo.get("dependencies_only")  # the text alone decides
    if found is None:
        flags = _NO_PROJECT_FLAGS
        tools = {flags[arg] for command in view.commands for arg in command.args if arg in flags}
        if any(command.name == "go" and list(command.args or ())[:2] == ["mod", "download"] for command in view.commands):
            tools.add("go")  # the modules are already downloaded from go.mod alone
        found = view.memo["dependencies_only"] = frozenset(tools)
    return set(found)


_NO_PROJECT_FLAGS = {spec.no_project_flag: spec.tool for spec in PROJECT_INSTALLERS.values() if spec.no_project_flag}


def _single_files(args: tuple[str, ...], cwd: str) -> set[tuple[str, str]]:
    """(in-image path, context path) of each file a single-file COPY (these arguments) puts in place."""
    if len(args) < 2 or "$" in args[-1]:
        return set()
    *sources, dest = args
    found = set()
    for source in sources:
        if GLOB_CHARS.search(source) or "$" in source:
            continue
        relative = posixpath.normpath(source.lstrip("/"))
        if dest.endswith("/") or len(sources) > 1 or dest in (".", "./"):
            found.add((join(join(cwd, dest), posixpath.basename(relative)), relative))
        else:
            found.add((join(cwd, dest), relative))
            found.add((join(join(cwd, dest), posixpath.basename(relative)), relative))  # dest may be a folder
    return found


def _step_start(doc: Document, install: Instruction) -> int:
    """Where the manifest COPY joins the install's step: just above the install, so the comment
    lines that head it (`# Install dependencies`) head the COPY too; above those lines when they
    hold an ignore pragma, which applies to the instruction right below it."""
    top = doc.comments_above(install)
    return top if _ignore_pragma_in(doc, top, install.start) else install.start


def _ignore_pragma_in(doc: Document, start: int, stop: int) -> bool:
    """Do lines `start` to `stop` (exclusive) hold an ignore pragma for the instruction below?"""
    return any(start <= entry.line < stop and not entry.is_global for entry in parse_pragmas(doc).entries)


def _own_comments(doc: Document, instruction: Instruction) -> int:
    """The first of the comment lines that go with the source COPY when it moves: those just above
    it when it stands as a paragraph of its own (a blank line follows it), else only when they hold
    an ignore pragma (it applies to the instruction below it). A comment that heads a paragraph
    going on past the COPY (`# --- dependencies ---`) heads what now comes first."""
    top = doc.comments_above(instruction)
    if top == instruction.start or _blank(doc, instruction.end + 1) or _ignore_pragma_in(doc, top, instruction.start):
        return top
    return instruction.start


def _blank(doc: Document, line: int) -> bool:
    return 0 <= line < len(doc.lines) and not doc.lines[line].strip()


def _text(doc: Document, start: int, end: int) -> str:
    return "".join(line_body(doc.lines[line]) + "\n" for line in range(start, end + 1))


def _with_flags(doc: Document, instruction: Instruction, splits: list[tuple[int, str]]) -> str:
    """The RUN's text with each `--no-project` style flag inserted after its subcommand."""
    view = doc.shell(instruction)
    assert view is not None  # an install RUN: classify_run read its shell
    lines = [line_body(doc.lines[line]) for line in range(instruction.start, instruction.end + 1)]
    for offset, flag in sorted(splits, reverse=True):
        line, col = view.position(offset - 1)
        index = line - instruction.start
        lines[index] = lines[index][: col + 1] + " " + flag + lines[index][col + 1 :]
    return "".join(line + "\n" for line in lines)


def _project_step(doc: Document, instruction: Instruction, run: InstallRun) -> str:
    """The RUN that installs the project after the full copy: the split commands of an `&&` chain only."""
    view = doc.shell(instruction)
    assert view is not None  # an install RUN: classify_run read its shell
    parts = view.and_chain()
    if not parts or len(parts) == 1:
        return _text(doc, instruction.start, instruction.end)
    offsets = [offset for offset, _ in run.splits]
    kept = [part for part in parts if any(view.char(part.start_byte) < o <= view.char(part.end_byte) for o in offsets)]
    flags = "".join(flag + " " for flag in instruction.flags)
    body = " && ".join(view.text(part) for part in kept)
    return f"{doc.indent(instruction.start)}{instruction.keyword} {flags}{body}\n"


def _short(doc: Document, instruction: Instruction) -> str:
    text = doc.logical(instruction).text.strip()
    return text if len(text) <= 40 else text[:37] + "..."
