"""One model of the image a Dockerfile builds, computed once per document and shared by every rule.

Rules ask here instead of tracking the Dockerfile again (ruff's semantic model, for images):

- per stage: the stage it is built on (`FROM builder`), the chain down to the external image, and
  that image's reference with the global ARGs expanded;
- per instruction, the scope it runs in (`Scope`): WORKDIR, the ARG and ENV values visible to it,
  SHELL and USER, through one variable expander with Docker's semantics (`process_word`);
- where each COPY/ADD puts which context files (`Copy`, `container_path`, `context_path`);
- which context files each RUN can read: nothing, single files (manifests), or the whole source;
- what the container starts: ENTRYPOINT and CMD through the chain, and the commands they run.

Nothing here reads the build context or runs anything; facts that need the context take it as an
argument. Values a build could override (`--build-arg`) are taken at their defaults, as Docker
would build the file as written.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import os
import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from dockopt.base_images import base_config
from dockopt.commands import unwrap, unwrap_shell
from dockopt.context import in_context
from dockopt.run_memory import is_folder
from dockopt.text import unquote
from dockopt.words import expand, process_word

if TYPE_CHECKING:
    from pathlib import Path

    from dockopt.document import Document, Instruction, Stage

DEFAULT_SHELL = ("/bin/sh", "-c")
UNKNOWN_SHELL = ("?",)  # a Windows base, or a SHELL written in shell form
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_WINDOWS_WORDS = ("windows", "servercore", "nanoserver")
_GLOB_CHARS = frozenset("*?[")
_URL_PREFIXES = ("http://", "https://", "git@", "git://")
# Top-level folders of the filesystem hierarchy: images ship content there.
_FHS_FOLDERS = frozenset(
    "bin boot dev etc home lib lib32 lib64 libx32 media mnt opt proc root run sbin srv sys tmp usr var nix".split()
)
_OFFICIAL_IMAGE = re.compile(r"^(?:docker\.io/)?(?:library/)?[a-z0-9][a-z0-9._-]*(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$")

# -- paths -----------------------------------------------------------------------------------------


def is_root_user(user: str) -> bool:
    """Is this USER value root (`root`, `0`, `root:staff`, `0:0`)?"""
    return user.split(":", 1)[0].strip() in ("", "root", "0")


def join(cwd: str, path: str) -> str:
    """An in-image path: `path` resolved against the working folder `cwd`."""
    return posixpath.normpath(posixpath.join(cwd, path)) if path else cwd


def is_under(path: str, root: str) -> bool:
    """Is `path` the folder `root` or inside it?"""
    return root == "/" or path == root or path.startswith(root.rstrip("/") + "/")


def is_glob(text: str) -> bool:
    return any(char in _GLOB_CHARS for char in text)


def clean_source(source: str) -> str:
    """A context source as a normalised relative path ("." for the context root)."""
    return in_context(source) or "."  # as BuildKit reads it: `..` never leaves the context


# -- the model -------------------------------------------------------------------------------------


class Reads(enum.IntEnum):
    """What a RUN can read of the build context."""

    NOTHING = 0  # no context file reached the stage yet
    FILES = 1  # only single files copied one by one (manifests, scripts)
    SOURCE = 2  # a whole folder of the context (`COPY . .`) or a bind mount of it


@dataclass(frozen=True)
class Scope:
    """The state an instruction runs in: what the instructions above it set."""

    workdir: str  # absolute; "/$VAR" style text when a WORKDIR used an unknown variable
    env: Mapping[str, str | None]  # ENV in effect (also inherited from parent stages)
    args: Mapping[str, str | None]  # ARGs declared in the stage so far (None: no default)
    shell: tuple[str, ...]
    user: str | None  # the USER in effect; None: the base image's own user
    escape: str = "\\"
    declared: frozenset[str] = frozenset()  # the ENV names this file sets (not the base image's)

    @functools.cached_property  # a new Scope for every change (dataclasses.replace): never stale
    def variables(self) -> Mapping[str, str | None]:
        """What `$NAME` means in this instruction: ENV wins over an ARG of the same name."""
        return {**self.args, **self.env}

    def word(self, text: str) -> str | None:
        """A word of this instruction as Docker reads it; None when it uses an unknown variable."""
        return process_word(text, self.variables, self.escape)

    def expand(self, text: str) -> str:
        """`text` with the variables known here expanded; unknown ones kept as written."""
        return expand(text, self.variables, self.escape)

    def known_path(self, text: str) -> str | None:
        """An in-image path as an instruction writes it, made absolute; None when a variable in it
        (or in the WORKDIR) has no known value."""
        value = self.word(text)
        if value is None or "$" in self.workdir:
            return None
        return join(self.workdir, value)

    def path(self, text: str) -> str:
        """An in-image path as an instruction writes it, made absolute against WORKDIR."""
        value = self.word(text)
        if value is None:
            return "/$" + text.lstrip("/") if "$" in text else join(self.workdir, text)
        return join(self.workdir, value)


@dataclass(frozen=True)
class Copy:
    """A COPY or ADD: what it copies and where to, with WORKDIR and variables applied."""

    instruction: Instruction
    sources: tuple[str, ...]  # as Docker reads them (quotes removed, variables expanded)
    dest: str  # absolute; ends in "/" when the sources land inside a folder
    from_stage: Stage | None  # `--from=` an earlier stage
    from_image: str | None  # `--from=` an external image
    chown: str | None
    chmod: str | None

    @property
    def from_context(self) -> bool:
        """Does it copy files of the build context (not a stage, an image, a URL or a heredoc)?"""
        return self.from_stage is None and self.from_image is None and not self.instruction.heredocs

    @property
    def into_folder(self) -> bool:
        return self.dest.endswith("/")

    @property
    def dest_folder(self) -> str:
        return posixpath.normpath(self.dest) if self.dest != "/" else "/"

    def whole_folder(self, root: Path | None = None) -> bool:
        """Does it copy a whole folder of the context (`COPY . .`, `COPY src/ /app/`)?"""
        if not self.from_context:
            return False
        for source in self.sources:
            clean = clean_source(source)
            if clean == "." or source.rstrip().endswith("/"):
                return True
            if is_glob(clean):
                if posixpath.basename(clean) == "*":
                    return True
                if root is not None and any(path.is_dir() for path in root.glob(clean)):
                    return True
            elif root is not None and is_folder(os.path.join(root, clean)):
                return True
        return False

    def container_path(self, rel: str) -> str | None:
        """Where this copy puts the context file `rel` (None when it does not copy it)."""
        if not self.from_context:
            return None
        rel = clean_source(rel)
        many = len(self.sources) > 1 or self.into_folder
        for source in self.sources:
            clean = clean_source(source)
            if clean == ".":
                return join(self.dest_folder, rel)
            if is_glob(clean):
                head = rel.split("/")
                for size in range(1, len(head) + 1):
                    if fnmatchcase("/".join(head[:size]), clean):
                        # a matched file lands under its name; a matched folder's contents land in dest
                        remainder = "/".join(head[size:])
                        return join(self.dest_folder, remainder or head[size - 1])
                continue
            if rel == clean:
                return join(self.dest_folder, posixpath.basename(clean)) if many else self.dest_folder
            if rel.startswith(clean + "/"):
                return join(self.dest_folder, rel[len(clean) + 1 :])
        return None

    def context_path(self, path: str, root: Path | None = None) -> str | None:
        """The context file or folder this copy put at the in-image `path`, if it put one there.

        With the context's `root`, sources are looked at to tell files from folders; without it, a
        source with a dot in its last name is taken for a file.
        """
        if not self.from_context:
            return None
        path = posixpath.normpath(path)
        dest = self.dest_folder
        for source in self.sources:
            clean = clean_source(source)
            if is_glob(clean):
                if posixpath.dirname(path) == dest or (self.into_folder and is_under(path, dest) and path != dest):
                    rest = path[len(dest.rstrip("/")) + 1 :]
                    head = rest.split("/", 1)[0]
                    candidate = posixpath.join(posixpath.dirname(clean), head) if posixpath.dirname(clean) else head
                    if fnmatchcase(candidate, clean):
                        return candidate + rest[len(head) :]
                continue
            if clean == ".":
                is_dir = True
            elif root is not None:
                is_dir = is_folder(os.path.join(root, clean))
            else:
                is_dir = source.rstrip().endswith("/") or "." not in posixpath.basename(clean)
            if is_dir:
                if path == dest:
                    return clean
                if is_under(path, dest):
                    rest = path[len(dest.rstrip("/")) + 1 :]
                    return rest if clean == "." else posixpath.join(clean, rest)
            else:
                target = join(dest, posixpath.basename(clean)) if (self.into_folder or len(self.sources) > 1) else dest
                if path == target:
                    return clean
        return None


@dataclass
class StageModel:
    stage: Stage
    parent: Stage | None  # the earlier stage this one is built FROM
    base_image: str  # the external image at the bottom of the chain (global ARGs expanded)
    start: Scope  # the scope right after FROM
    end: Scope  # the scope after the last instruction
    windows: bool  # built on a Windows image (its shell is cmd or PowerShell, not sh)
    copies: list[Copy] = field(default_factory=list)
    entrypoint: tuple[tuple[str, ...], bool] | None = None  # (words, shell form), through the chain
    cmd: tuple[tuple[str, ...], bool] | None = None



@dataclass(frozen=True)
class Runtime:
    """A stage's image as a container runs it: a view of the model for rules about run time."""

    image: Image
    stage: Stage

    @property
    def model(self) -> StageModel:
        return self.image.stage(self.stage)

    @property
    def chain(self) -> list[Stage]:
        return self.image.chain(self.stage)

    @property
    def base_image(self) -> str:
        return self.model.base_image

    @property
    def env(self) -> Mapping[str, str | None]:
        return self.model.end.env

    @property
    def variables(self) -> Mapping[str, str | None]:
        return self.model.end.variables

    @property
    def workdir(self) -> str:
        return self.model.end.workdir

    @property
    def user(self) -> str | None:
        return self.model.end.user

    @property
    def entrypoint(self) -> tuple[tuple[str, ...], bool] | None:
        return self.model.entrypoint

    @property
    def cmd(self) -> tuple[tuple[str, ...], bool] | None:
        return self.model.cmd

    @property
    def copies(self) -> list[Copy]:
        """The copies of context files into the image, in order."""
        return self.image.context_copies(self.stage)

    def container_path(self, rel: str) -> str | None:
        return self.image.container_path(self.stage, rel)

    def context_path(self, path: str, root: Path | None = None) -> str | None:
        return self.image.context_path(self.stage, path, root)

    def commands(self) -> list[list[str]]:
        return self.image.start_commands(self.stage)

    def expand(self, text: str) -> str:
        return self.model.end.expand(text)


class Image:
    """The model of one Document. Build it with `Document.image`; it is read-only."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.global_args = MappingProxyType(_global_args(doc))
        self._scopes: dict[int, Scope] = {}
        self._after: dict[int, Scope] = {}
        self._stages: list[StageModel] = []
        self._reads: dict[int, Reads] = {}
        for stage in doc.stages:
            self._stages.append(self._build_stage(stage))

    # -- stages --------------------------------------------------------------------------------

    def stage(self, stage: Stage | int) -> StageModel:
        return self._stages[stage if isinstance(stage, int) else stage.index]

    @property
    def final(self) -> StageModel | None:
        return self._stages[-1] if self._stages else None

    def find_stage(self, name: str, before: int) -> Stage | None:
        """The stage a `FROM name` / `--from=name` refers to, among those before index `before`."""
        lowered = name.lower()
        for candidate in self.doc.stages[:before]:
            if candidate.name == lowered or (lowered.isdigit() and candidate.index == int(lowered)):
                return candidate
        return None

    def parent(self, stage: Stage) -> Stage | None:
        return self.stage(stage).parent

    def chain(self, stage: Stage) -> list[Stage]:
        """`stage` and the stages of this file it is built on, oldest first."""
        chain = [stage]
        current = self.stage(stage).parent
        while current is not None and current not in chain:
            chain.insert(0, current)
            current = self.stage(current).parent
        return chain

    def ships(self, stage: Stage | None) -> bool:
        """Do the stage's layers reach the image: is it the final stage or one that stage is built
        on? (A builder stage only passes on what COPY --from takes: a cache left in it costs
        nothing, and hadolint's DL3009/DL3060 do not ask for its cleanup either.)"""
        final = self.doc.final_stage
        return stage is None or final is None or stage in self.chain(final)

    def descendants(self, stage: Stage) -> list[Stage]:
        """The stage and every later stage built FROM it, transitively."""
        family = [stage]
        for later in self.doc.stages[stage.index + 1 :]:
            if self.stage(later).parent in family:
                family.append(later)
        return family

    def used_stages(self) -> set[int]:
        """Indexes of the stages the final stage needs (FROM and COPY --from, transitively)."""
        if not self.doc.stages:
            return set()
        needed: set[int] = set()
        todo = [self.doc.stages[-1]]
        while todo:
            stage = todo.pop()
            if stage.index in needed:
                continue
            needed.add(stage.index)
            model = self.stage(stage)
            if model.parent is not None:
                todo.append(model.parent)
            for instruction in stage.instructions:
                for value in instruction.flags_named("from"):
                    found = self.find_stage(value, stage.index)
                    if found is not None:
                        todo.append(found)
        return needed

    # -- scopes --------------------------------------------------------------------------------

    def scope(self, instruction: Instruction) -> Scope:
        """The scope `instruction` runs in (before its own effect); global scope before any FROM."""
        found = self._scopes.get(instruction.index)
        if found is None:  # an instruction before the first FROM
            found = Scope("/", MappingProxyType({}), self.global_args, DEFAULT_SHELL, None, self.doc.escape)
        return found

    def scope_after(self, instruction: Instruction) -> Scope:
        """The scope once `instruction` has run (what the next instruction sees)."""
        return self._after.get(instruction.index) or self.scope(instruction)

    def workdir(self, instruction: Instruction) -> str:
        return self.scope(instruction).workdir

    def last_before(self, instruction: Instruction, cmd: str) -> Instruction | None:
        """The last `cmd` instruction (USER, WORKDIR, SHELL, VOLUME...) in effect at `instruction`:
        above it in its stage, or in the stages that stage is built FROM."""
        if instruction.stage is None:
            return None
        for stage in reversed(self.chain(self.doc.stages[instruction.stage])):
            for item in reversed(stage.instructions):
                if item.index < instruction.index and item.cmd == cmd:
                    return item
        return None

    @property
    def workdirs(self) -> Mapping[int, str]:
        """The working folder each instruction runs in, by instruction index."""
        return {index: scope.workdir for index, scope in self._scopes.items()}

    # -- copies --------------------------------------------------------------------------------

    def copies(self, stage: Stage, *, chain: bool = True) -> list[Copy]:
        """The COPY/ADD instructions of the stage (and of the stages it is built on), in order."""
        stages = self.chain(stage) if chain else [stage]
        return [copy for item in stages for copy in self.stage(item).copies]

    def context_copies(self, stage: Stage, *, chain: bool = True) -> list[Copy]:
        return [copy for copy in self.copies(stage, chain=chain) if copy.from_context]

    def copy_of(self, instruction: Instruction) -> Copy | None:
        if instruction.stage is None:
            return None
        for copy in self.stage(instruction.stage).copies:
            if copy.instruction is instruction:
                return copy
        return None

    def container_path(self, stage: Stage, rel: str) -> str | None:
        """Where a context file ends up in the stage's image (the last COPY that writes it wins)."""
        found = None
        for copy in self.context_copies(stage):
            hit = copy.container_path(rel)
            if hit is not None:
                found = hit
        return found

    def provider(self, instruction: Instruction, path: str, root: Path | None = None) -> tuple[str, Copy] | None:
        """(context path, COPY) of a path an instruction names (relative to its WORKDIR), as the
        stage's copies above it left it; the latest copy wins."""
        if instruction.stage is None:
            return None
        target = self.scope(instruction).path(path)
        for copy in reversed(self.context_copies(self.doc.stages[instruction.stage])):
            if copy.instruction.index >= instruction.index:
                continue
            found = copy.context_path(target, root)
            if found is not None:
                return found, copy
        return None

    def context_path(self, stage: Stage, path: str, root: Path | None = None, *, before: Instruction | None = None) -> str | None:
        """The context file or folder that an in-image path came from, if a COPY put it there."""
        for copy in reversed(self.context_copies(stage)):
            if before is not None and copy.instruction.index >= before.index:
                continue
            found = copy.context_path(path, root)
            if found is not None:
                return found
        return None

    def empty_before(self, instruction: Instruction, folder: str) -> str | None:
        """Why `folder` may hold files before `instruction` runs; None when it is known to be empty.

        Known only in one case: a WORKDIR of the same stage made it, nothing wrote into it since,
        it is not a folder of the filesystem hierarchy (which images fill), and the stage is built
        on an official library image (`python:3.12`), which ships nothing outside those.
        """
        folder = posixpath.normpath(folder)
        parts = folder.strip("/").split("/")
        if "$" in folder or not parts[0]:
            return f"{folder} is not a fixed path"
        if instruction.stage is None:
            return f"{folder} is outside any stage"
        stage = self.doc.stages[instruction.stage]
        made = None
        for item in stage.instructions:
            if item.index >= instruction.index:
                break
            if item.cmd == "WORKDIR" and self.scope_after(item).workdir == folder:
                made = made or item
            elif item.cmd in ("COPY", "ADD"):
                copy = self.copy_of(item)
                if copy is None or "$" in copy.dest or is_under(copy.dest_folder, folder):
                    return f"line {item.line} copies into {folder} before"
            elif item.cmd == "RUN" and (made is not None or self._names(item, folder)):
                return f"line {item.line} may write into {folder} before"
        if parts[0] in _FHS_FOLDERS:
            return f"{folder} is a system folder, which the base image may fill"
        if self.stage(stage).parent is not None or not _OFFICIAL_IMAGE.match(stage.base):
            return f"the base image `{stage.base}` may ship {folder}"
        if made is None:
            return f"no WORKDIR of the stage makes {folder} before"
        return None

    def _names(self, item: Instruction, folder: str) -> bool:
        """Does the instruction's text name the folder, directly or through a variable holding it?"""
        if folder in item.original:
            return True
        values = self.scope(item).variables
        return any(value == folder and re.search(rf"\$\{{?{name}\b", item.original) for name, value in values.items())

    # -- what RUN reads ------------------------------------------------------------------------

    def reads(self, instruction: Instruction, root: Path | None = None) -> Reads:
        """How much of the build context a RUN can see: its stage's earlier copies and its mounts."""
        found = self._reads.get(instruction.index)
        if found is not None:
            return found
        found = Reads.NOTHING
        for value in instruction.flags_named("mount"):
            options = dict(part.partition("=")[::2] for part in value.split(","))
            if options.get("type", "bind").lower() == "bind" and "from" not in options:
                found = Reads.SOURCE
        if instruction.stage is not None and found < Reads.SOURCE:
            for copy in self.context_copies(self.doc.stages[instruction.stage]):
                if copy.instruction.index >= instruction.index:
                    continue
                found = max(found, Reads.SOURCE if copy.whole_folder(root) else Reads.FILES)
        self._reads[instruction.index] = found
        return found

    # -- what starts ---------------------------------------------------------------------------

    def runtime(self, stage: Stage | None = None) -> Runtime | None:
        """The image of `stage` (default: the final stage) as it runs; None for a file without stages."""
        stage = stage or self.doc.final_stage
        return None if stage is None else Runtime(self, stage)

    def user(self, stage: Stage) -> str | None:
        """The USER the stage's image runs as (None: the base image's own user)."""
        return self.stage(stage).end.user

    def start_instruction(self, stage: Stage) -> Instruction | None:
        """The CMD or ENTRYPOINT that decides what the stage's image runs (the last one)."""
        for item in reversed(self.chain(stage)):
            for instruction in reversed(item.instructions):
                if instruction.cmd in ("CMD", "ENTRYPOINT"):
                    return instruction
        return None

    def start_commands(self, stage: Stage) -> list[list[str]]:
        """The argv lists that run when the container starts, wrappers (`tini --`, `sh -c`) removed.

        With an exec-form ENTRYPOINT (usually a script ending in `exec "$@"`), both the entrypoint's
        command and the CMD's are listed.
        """
        model = self.stage(stage)
        found: list[list[str]] = []
        if model.entrypoint is not None:
            words, shell = model.entrypoint
            if shell:
                return [argv for argv in unwrap_shell(" ".join(words)) if argv]
            found.extend(unwrap(words))
        if model.cmd is not None:
            words, shell = model.cmd
            found.extend(unwrap_shell(" ".join(words)) if shell else unwrap(words))
        return [argv for argv in found if argv]

    def exposed_ports(self, stage: Stage) -> list[int]:
        """The ports EXPOSE declares in the stage and those it is built on (EXPOSE publishes nothing)."""
        found = []
        for instruction in self.instructions(stage):
            if instruction.cmd != "EXPOSE":
                continue
            scope = self.scope(instruction)
            for word in instruction.args:
                text = (scope.word(word) or "").split("/", 1)[0].split("-", 1)[0]
                if text.isdigit():
                    found.append(int(text))
        return found

    # -- building ------------------------------------------------------------------------------

    def _build_stage(self, stage: Stage) -> StageModel:
        doc = self.doc
        escape = doc.escape
        from_instruction = stage.from_instruction
        parent = self.find_stage(stage.base, stage.index)
        if parent is not None:
            parent_model = self.stage(parent)
            inherited = parent_model.end
            base_image = parent_model.base_image
            scope = _replace(inherited, args=MappingProxyType({}))  # ARGs end with their stage
            entrypoint, cmd = parent_model.entrypoint, parent_model.cmd
            windows = parent_model.windows
        else:
            base_image = _or(process_word(stage.base, self.global_args, escape, strict=False), stage.base)
            windows = any(word in (base_image + " " + (stage.platform or "")).lower() for word in _WINDOWS_WORDS)
            config = base_config(base_image)
            shell = UNKNOWN_SHELL if windows else DEFAULT_SHELL
            scope = Scope(config.workdir, MappingProxyType(dict(config.env)), MappingProxyType({}), shell, config.user, escape)
            entrypoint = cmd = None
        model = StageModel(stage, parent, base_image, scope, scope, windows, entrypoint=entrypoint, cmd=cmd)
        for instruction in stage.instructions:
            self._scopes[instruction.index] = scope
            if instruction is not from_instruction:
                scope = self._apply(model, instruction, scope)
            self._after[instruction.index] = scope
        model.end = scope
        return model

    def _apply(self, model: StageModel, instruction: Instruction, scope: Scope) -> Scope:
        cmd = instruction.cmd
        if cmd == "ARG":
            args = dict(scope.args)
            for item in instruction.args:
                name, sep, value = item.partition("=")
                if sep:
                    args[name] = process_word(value, scope.variables, scope.escape)
                else:  # `ARG NAME` takes the global default, when there is one
                    args[name] = self.global_args.get(name)
            return _replace(scope, args=MappingProxyType(args))
        if cmd == "ENV":
            env = dict(scope.env)
            values = list(instruction.args)
            for name, value in zip(values[::2], values[1::2]):
                env[name] = process_word(value, {**scope.args, **env}, scope.escape)
            return _replace(scope, env=MappingProxyType(env), declared=scope.declared | set(values[::2]))
        if cmd == "WORKDIR" and instruction.args:
            return _replace(scope, workdir=scope.path(instruction.args[0]))
        if cmd == "USER" and instruction.args:
            return _replace(scope, user=scope.expand(unquote(instruction.args[0])))
        if cmd == "SHELL":
            return _replace(scope, shell=tuple(instruction.args) if instruction.json else UNKNOWN_SHELL)
        if cmd == "ENTRYPOINT":
            model.entrypoint = (tuple(instruction.args), not instruction.json)
            model.cmd = None  # an ENTRYPOINT resets the CMD it inherits
        elif cmd == "CMD":
            model.cmd = (tuple(instruction.args), not instruction.json)
        elif cmd in ("COPY", "ADD"):
            copy = self._copy(model, instruction, scope)
            if copy is not None:
                model.copies.append(copy)
        return scope

    def _copy(self, model: StageModel, instruction: Instruction, scope: Scope) -> Copy | None:
        if len(instruction.args) < 2 and not instruction.heredocs:
            return None
        if instruction.json:  # exec form: no quotes to remove, but variables still expand
            words = [scope.expand(word) for word in instruction.args]
        else:
            words = [_or(scope.word(word), word) for word in instruction.args]
        *sources, dest_text = words
        if instruction.cmd == "ADD" and any(source.startswith(_URL_PREFIXES) for source in sources):
            return Copy(instruction, tuple(sources), scope.path(dest_text), None, "url", None, None)
        dest = scope.path(dest_text)
        if dest_text.endswith(("/", "/.")) or dest_text in (".", "./") or len(sources) > 1 or any(is_glob(s) for s in sources):
            dest = dest.rstrip("/") + "/"
        from_value = instruction.flag("from")
        from_stage = from_image = None
        if from_value is not None:
            from_word = scope.word(from_value) or from_value
            from_stage = self.find_stage(from_word, model.stage.index)
            if from_stage is None:
                from_image = from_word
        return Copy(instruction, tuple(sources), dest, from_stage, from_image, instruction.flag("chown"), instruction.flag("chmod"))

    # -- iteration helpers ---------------------------------------------------------------------

    def instructions(self, stage: Stage, *, chain: bool = True) -> Iterator[Instruction]:
        for item in self.chain(stage) if chain else [stage]:
            yield from item.instructions


def _replace(scope: Scope, **changes: Any) -> Scope:  # Scope's fields
    # Every ARG, ENV, WORKDIR, USER and SHELL of every document makes one: a copy of the fields
    # (not of what `variables` worked out), without dataclasses.replace's call of __init__.
    unknown = changes.keys() - _SCOPE_FIELDS
    if unknown:
        raise TypeError(f"Scope has no field {sorted(unknown)[0]!r}")
    copied = object.__new__(Scope)
    state = copied.__dict__
    for name in _SCOPE_FIELDS:
        state[name] = changes[name] if name in changes else scope.__dict__[name]
    return copied


_SCOPE_FIELDS = frozenset(item.name for item in dataclasses.fields(Scope))


def _global_args(doc: Document) -> dict[str, str | None]:
    """ARGs declared before the first FROM, with their defaults (None: no default)."""
    found: dict[str, str | None] = {}
    for instruction in doc.instructions:
        if instruction.cmd == "FROM":
            break
        if instruction.cmd == "ARG":
            for item in instruction.args:
                name, sep, value = item.partition("=")
                found[name] = process_word(value, found, doc.escape) if sep else None
    return found


def _or(value: str | None, default: str) -> str:
    return default if value is None else value
