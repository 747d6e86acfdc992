"""A lossless Dockerfile model.

The document keeps the file's raw lines (each with its own line ending) and lays a read-only
structure over them: parser directives, instructions with exact line ranges, and stages. Instruction
boundaries come from BuildKit's own parser (the `dockerfile` package), so heredoc bodies are never
mistaken for instructions, and whatever Docker rejects is rejected here too. Rendering a document
that nobody edited gives back the input exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Sequence

from dockopt.errors import DockerfileParseError, InputError
# line_body and same_case are part of what rules import from here (transforms/ do).
from dockopt.text import line_body as line_body, same_case as same_case, split_lines
from dockopt.words import process_word

if TYPE_CHECKING:
    from dockerfile import Command

    from dockopt.image import Image
    from dockopt.shell import ShellView

BOM = "\ufeff"
MAX_BYTES = 1024 * 1024  # real Dockerfiles are a few KiB; anything this big is not one

KNOWN_INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN "
    "SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
# BuildKit's directive syntax; directives end at the first line that is not one.
_DIRECTIVE_RE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")


def decode(data: bytes) -> str:
    """Bytes of a file to text, refusing what cannot be a Dockerfile."""
    if len(data) > MAX_BYTES:
        raise InputError(f"file too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 1024} KiB)")
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid UTF-8 at byte {exc.start}") from None
    if not text.strip(BOM + " \t\r\n"):
        raise InputError("empty file")
    return text


@dataclass(frozen=True)
class Directive:
    name: str  # lower case: syntax, escape, check
    value: str
    line: int  # 0-based


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str


@dataclass(eq=False)
class Instruction:
    index: int
    keyword: str  # as written, e.g. "run"
    cmd: str  # upper case, e.g. "RUN"
    start: int  # 0-based index of the first line
    end: int  # 0-based index of the last line, inclusive
    flags: tuple[str, ...]
    args: tuple[str, ...]  # BuildKit's values: exec-form items, or the shell-form text
    json: bool  # exec (JSON) form
    heredocs: tuple[Heredoc, ...]
    sub_cmd: str | None  # the instruction behind ONBUILD
    original: str  # BuildKit's logical text, continuations joined
    stage: int | None = None  # index into Document.stages; None before the first FROM

    @property
    def line(self) -> int:
        """1-based line number, as users see it."""
        return self.start + 1

    @property
    def lines(self) -> range:
        return range(self.start, self.end + 1)

    def flag(self, name: str) -> str | None:
        """Value of `--name=value` (the last one wins, as in BuildKit); "" for a bare `--name`."""
        found = None
        for item in self.flags:
            key, sep, value = item[2:].partition("=")
            if key.lower() == name:
                found = value if sep else ""
        return found

    def flags_named(self, name: str) -> list[str]:
        return [item[2:].partition("=")[2] for item in self.flags if item[2:].partition("=")[0].lower() == name]

    @property
    def shell_form(self) -> bool:
        return not self.json and not self.heredocs


@dataclass(frozen=True)
class RunBody:
    instruction: Instruction
    view: ShellView | None
    kind: str  # shell, unparsed, exec, heredoc, onbuild (see Document.run_bodies)


@dataclass(eq=False)
class Stage:
    index: int
    name: str | None  # the AS name, lower-cased as BuildKit does
    base: str  # the image reference as written (may contain $VARS)
    platform: str | None
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)  # FROM first


@dataclass(frozen=True)
class Logical:
    """An instruction's text as BuildKit reads it: continuations joined, comment lines dropped.

    `segments` maps the text back to the file: each is (offset in `text`, line, column) of a run
    of characters from one line, the line counted from `first_line` (the instruction's first), so
    one reading of an instruction's text serves it wherever it moves. `body` is where the
    instruction's arguments start (after the keyword and any `--flags`).
    """

    text: str
    segments: tuple[tuple[int, int, int], ...]
    body: int
    first_line: int = 0
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the file of character `offset` of the text."""
        index = max(bisect_right(self._starts, offset) - 1, 0)
        start, line, col = self.segments[index]
        return self.first_line + line, col + offset - start

    def at(self, first_line: int) -> Logical:
        """The same text read from an instruction that starts on `first_line`."""
        return self if first_line == self.first_line else Logical(self.text, self.segments, self.body, first_line, self._starts)

    @cached_property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """(line, column) of every character (prefer `position()`: this is built on demand)."""
        return tuple(self.position(offset) for offset in range(len(self.text)))

    @property
    def lines(self) -> tuple[int, ...]:
        """The file lines the text comes from."""
        return tuple(self.first_line + segment[1] for segment in self.segments)


class Document:
    """A parsed Dockerfile. Read-only: transforms describe edits, the engine applies them."""

    def __init__(self, text: str, *, previous: Document | None = None, changes: Sequence[tuple[int, int, int]] | None = None):
        """`previous`: a document this text was made from by editing some lines (the engine's
        text after a pass), and `changes` where: (old start, old stop, new line count) in order.
        Only the instructions the edits reached are parsed again."""
        self.bom = text.startswith(BOM)
        self.text = text[1:] if self.bom else text
        self.lines = split_lines(self.text)
        self.newline = _detect_newline(self.text)
        self.directives = _parse_directives(self.lines)
        escape = self.directive("escape")
        self.escape = escape if escape in ("\\", "`") else "\\"
        self._commands = _commands_of(self, previous, changes)
        self.instructions = _instructions(self._commands)
        self.stages = _assign_stages(self.instructions)
        self._logical: dict[int, Logical] = {}
        self._shell: dict[int, ShellView | None] = {}
        self._present: dict[frozenset[str], frozenset[str]] = {}

    # -- rendering ---------------------------------------------------------------------------

    def render(self) -> str:
        return (BOM if self.bom else "") + self.text

    # -- lookups -----------------------------------------------------------------------------

    def directive(self, name: str) -> str | None:
        for item in self.directives:
            if item.name == name:
                return item.value
        return None

    @cached_property
    def directive_end(self) -> int:
        """Index of the first line after the parser directives: nothing may be inserted above it."""
        return max((d.line + 1 for d in self.directives), default=0)

    def raw(self, instruction: Instruction) -> str:
        return "".join(self.lines[instruction.start : instruction.end + 1])

    def instruction_at(self, line: int) -> Instruction | None:
        for instruction in self.instructions:
            if instruction.start <= line <= instruction.end:
                return instruction
        return None

    def stage_of(self, instruction: Instruction) -> Stage | None:
        return None if instruction.stage is None else self.stages[instruction.stage]

    @cached_property
    def folded(self) -> str:
        """The text in lower case, for quick "does the file mention X at all?" checks."""
        return self.text.lower()

    def words_present(self, words: frozenset[str]) -> frozenset[str]:
        """Which of these lower-case words the text holds, in any case (for the engine's quick
        "nothing to look for here": looked up once per text for all the rules that ran)."""
        found = self._present.get(words)
        if found is None:
            folded = self.folded
            found = self._present[words] = frozenset(word for word in words if word in folded)
        return found

    @cached_property
    def image(self) -> Image:
        """The model of the image this file builds (scopes, stages, copies): built once, on demand."""
        from dockopt.image import Image

        return Image(self)

    @cached_property
    def keywords_lower(self) -> bool:
        """Does the file write its keywords in lower case? BuildKit's reading of the majority
        (ConsistentInstructionCasing): the keywords of the stages, upper case on a tie. Every rule
        that writes a new keyword uses it, so the new line never needs re-casing by another pass."""
        counted = [item.keyword for item in self.instructions if item.stage is not None]
        lower = sum(1 for keyword in counted if keyword == keyword.lower())
        upper = sum(1 for keyword in counted if keyword == keyword.upper())
        return lower > upper

    def keyword(self, word: str) -> str:
        """`word` (an instruction keyword) in the file's case."""
        return word.lower() if self.keywords_lower else word.upper()

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def literal_args(self, instruction: Instruction) -> tuple[str, ...]:
        """The arguments as BuildKit reads them (`COPY "app/" ./` gives `app/` and `./`): quotes and
        escapes applied; a word with a `$` as written, since a variable may be set at build time.
        BuildKit splits a plain-form line on whitespace first, so a path with a space needs the
        JSON form (`COPY my\\ app/ ./` copies `my` and `app/`, and fails)."""
        if instruction.json:
            return instruction.args
        return tuple(arg if "$" in arg else process_word(arg, {}, self.escape) or arg for arg in instruction.args)

    def indent(self, line: int) -> str:
        body = self.lines[line]
        return body[: len(body) - len(body.lstrip(" \t"))]

    def is_continued(self, line: int) -> bool:
        """Does this line end with the escape character (a line continuation)?"""
        return line_body(self.lines[line]).rstrip(" \t").endswith(self.escape)

    def comments_above(self, instruction: Instruction) -> int:
        """The first of the comment lines just above an instruction (no blank line between: the
        comment that explains it), or its own first line when there are none."""
        floor = self.instructions[instruction.index - 1].end + 1 if instruction.index else self.directive_end
        line = instruction.start
        while line > floor and line_body(self.lines[line - 1]).lstrip(" \t").startswith("#"):
            line -= 1
        return line

    def comment_lines(self, instruction: Instruction) -> list[str]:
        """Comment lines inside a continued instruction (BuildKit drops them), as written.

        A transform that rewrites such an instruction onto one line keeps these above it.
        """
        if instruction.heredocs:
            return []
        found = []
        for line in range(instruction.start + 1, instruction.end + 1):
            if line_body(self.lines[line]).lstrip(" \t").startswith("#"):
                found.append(line_body(self.lines[line]) + "\n")
        return found

    # -- views of one instruction ------------------------------------------------------------

    def logical(self, instruction: Instruction) -> Logical:
        cached = self._logical.get(instruction.index)
        if cached is None:
            cached = self._logical[instruction.index] = _logical(self, instruction)
        return cached

    def run_bodies(self) -> list[RunBody]:
        """Every RUN body, each with what a rule may do with it, decided here once for every rule:
        "shell" (a shell-form body that parses: rules read and edit it), "unparsed" (shell text
        tree-sitter cannot read cleanly), "exec" (JSON form), "heredoc", and "onbuild" (a trigger
        for another build, whose later steps and base are unknown here: rules leave it alone)."""
        found = self.__dict__.get("_run_bodies")
        if found is None:
            found = []
            for instruction in self.instructions:
                if instruction.cmd != "RUN" and instruction.sub_cmd != "RUN":
                    continue
                view = self.shell(instruction)
                if instruction.cmd == "ONBUILD":
                    kind = "onbuild"
                elif instruction.heredocs:
                    kind = "heredoc"
                elif instruction.json:
                    kind = "exec"
                else:
                    kind = "unparsed" if view is None or view.has_error else "shell"
                found.append(RunBody(instruction, view, kind))
            self.__dict__["_run_bodies"] = found
        return found

    def shell_views(self) -> list[tuple[Instruction, ShellView]]:
        """(instruction, shell view) of every RUN body rules may read and edit (kind "shell")."""
        found = self.__dict__.get("_shell_views")
        if found is None:
            found = self.__dict__["_shell_views"] = [(b.instruction, b.view) for b in self.run_bodies() if b.kind == "shell"]
        return found

    def shell(self, instruction: Instruction) -> ShellView | None:
        """The shell parse of a shell-form RUN (or ONBUILD RUN) body; None for exec form or heredocs."""
        if instruction.index not in self._shell:
            view = None
            if instruction.shell_form and "RUN" in (instruction.cmd, instruction.sub_cmd):
                from dockopt.shell import ShellView

                view = ShellView(self, instruction)
            self._shell[instruction.index] = view
        return self._shell[instruction.index]


def parse(text: str) -> Document:
    return Document(text)


# -- helpers -------------------------------------------------------------------------------------


def _detect_newline(text: str) -> str:
    crlf = text.count("\r\n")  # every "\n" ends a line
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


def _parse_directives(lines: list[str]) -> list[Directive]:
    found: list[Directive] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        match = _DIRECTIVE_RE.match(line_body(line))
        if not match:
            break
        name = match.group(1).lower()
        if name in seen:  # BuildKit: a repeated directive is an error; stop treating lines as directives
            break
        seen.add(name)
        found.append(Directive(name, match.group(2), index))
    return found


# BuildKit's parse of whole texts, by text: a batch reads a sibling Dockerfile (DO330) and then
# fixes it, and the engine parses its final text again for the pragma check. Bounded.
_PARSED: dict[str, tuple[Command, ...]] = {}
_PARSED_LIMIT = 1024  # a few MiB at most


def _parse(text: str) -> tuple[Command, ...]:
    """BuildKit's commands of a whole text."""
    import dockerfile  # BuildKit's parser (Go); imported late so `dockopt --help` stays fast

    found = _PARSED.get(text)
    if found is None:
        try:
            found = tuple(dockerfile.parse_string(text))
        except dockerfile.GoParseError as exc:
            raise DockerfileParseError(f"cannot parse: {exc}") from None
        _remember(text, found)
    return found


def forget_parsed_texts() -> None:
    """Empty the memory of parsed texts (for measuring the parser's cost)."""
    _PARSED.clear()


def _remember(text: str, commands: tuple[Command, ...]) -> None:
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[text] = commands


def _commands_of(doc: Document, previous: Document | None, changes: Sequence[tuple[int, int, int]] | None) -> tuple[Command, ...]:
    if previous is not None and doc.text not in _PARSED:
        spliced = _splice(previous, doc, changes)
        if spliced is not None:
            return spliced  # not remembered: an intermediate text is not read again
    return _parse(doc.text)


def _splice(previous: Document, doc: Document, changes: Sequence[tuple[int, int, int]] | None) -> tuple[Command, ...] | None:
    """The commands of `doc` from those of `previous`, parsing again only around what changed;
    None where that cannot be trusted (the directives changed, or a parse fails), for a whole
    parse.

    BuildKit's parser reads line by line and carries nothing from one instruction to the next
    but the escape character: an instruction ends on its own last line, whatever follows (one
    that ended with the file is the exception, and is parsed again when lines follow it now).
    An old instruction is kept (moved) where its lines are unchanged, and so is the gap before
    it when the instruction before it was kept too. Every other stretch is parsed, followed by a
    sentinel line that must come back as its own instruction: that shows the stretch ends where
    the kept instruction after it starts (no continuation or heredoc running across).
    `changes` (old start, old stop, new line count, in order) only say where the old
    instructions landed: every kept line is compared, so a wrong hint costs speed only.
    """
    old, new = previous.lines, doc.lines
    top = previous.directive_end
    if old[: top + 1] != new[: top + 1]:
        return None  # the directives, or the line that ends them (a repeated directive is an error)
    commands = previous._commands
    kept = [
        (number, command, shift)
        for number, (command, shift) in enumerate(zip(commands, _landing(commands, old, new, changes)))
        if shift is not None and _same_lines(old, new, command.start_line - 1, command.end_line, shift)
    ]
    # First the plan: kept instructions placed as they are, and the stretches of the new text
    # to parse between them (see _Stretch).
    plan: list[Command | _Stretch] = []
    before = -1  # index in `commands` of the last kept instruction placed
    old_at = new_at = top  # 0-based lines just after what is placed, in each text
    for number, command, shift in [*kept, (len(commands), None, 0)]:
        moved = _moved(command, shift) if command is not None else None
        old_next = command.start_line - 1 if command is not None else len(old)
        new_next = old_next + shift if command is not None else len(new)
        if number == before + 1 and new_next - new_at == old_next - old_at and old[old_at:old_next] == new[new_at:new_next]:
            pass  # after the instruction placed last, through the same lines
        elif before >= 0 and commands[before].end_line == len(old):
            # The instruction placed last ended with the old file: it may run on into the
            # lines that follow it now, so it is parsed again with them.
            placed = plan.pop()
            assert not isinstance(placed, _Stretch)  # a stretch is always followed by what it ends before
            plan.append(_Stretch(placed.start_line - 1, new_next, placed))
        else:
            plan.append(_Stretch(new_at, new_next, None))
        if moved is not None:
            plan.append(moved)
            before, old_at, new_at = number, moved.end_line - shift, moved.end_line
    return _carry_out(plan, doc.escape, new)


@dataclass(frozen=True)
class _Stretch:
    """Lines of the new text to parse: `begin` to `stop` (0-based, half-open), up to a kept
    instruction or the end. A sentinel line parsed after it shows it ends there (a continuation
    or an open heredoc would take the sentinel in). `first`: a kept instruction it starts with,
    which must come back as it was."""

    begin: int
    stop: int
    first: Command | None


_SENTINEL = "ARG dockopt_stretch_end"


def _carry_out(plan: list[Command | _Stretch], escape: str, lines: list[str]) -> tuple[Command, ...] | None:
    """The commands of the plan: its stretches parsed in one call (the parser's cost is mostly
    per call), each command put back on its own lines; None where a stretch does not end where
    it should or does not give back its first instruction."""
    import dockerfile

    stretches = [item for item in plan if isinstance(item, _Stretch) and "".join(lines[item.begin : item.stop]).strip()]
    pieces, starts = [f"# escape={escape}\n#\n"], []  # the file's escape; "#" ends the directives
    line = 3  # 1-based line of the joined text where the next stretch starts
    for item in stretches:
        text = "".join(lines[item.begin : item.stop])
        at_end = item.stop == len(lines)
        if not at_end:
            text += _SENTINEL + "\n"  # the stretch ends before a line of the file: show it does
        starts.append(line)
        pieces.append(text)
        line += item.stop - item.begin + (0 if at_end else 1)
    parsed: dict[int, list[Command]] = {id(item): [] for item in stretches}
    if stretches:
        try:
            found = dockerfile.parse_string("".join(pieces))
        except dockerfile.GoParseError:
            return None
        for command in found:
            index = bisect_right(starts, command.start_line) - 1
            item = stretches[index]
            moved = starts[index] - 1 - item.begin  # joined line n is file line n - moved
            if command.start_line - moved == item.stop + 1:
                if command.original != _SENTINEL or command.end_line != command.start_line:
                    return None
                continue  # the sentinel, on its own line: the stretch ended before it
            if command.end_line - moved > item.stop:
                return None  # runs on past the stretch: not where the whole text has it
            parsed[id(item)].append(command._replace(start_line=command.start_line - moved, end_line=command.end_line - moved))
        for item in stretches:
            if item.stop != len(lines):
                sentinel = starts[stretches.index(item)] + item.stop - item.begin
                if not any(c.start_line == sentinel and c.original == _SENTINEL for c in found):
                    return None  # taken into the stretch's last instruction
    result: list[Command] = []
    for item in plan:
        if isinstance(item, _Stretch):
            got = parsed.get(id(item), [])
            if item.first is not None and (not got or got[0] != item.first):
                return None  # the kept instruction ran on into the changed lines
            result.extend(got)
        else:
            result.append(item)
    return tuple(result)


def _landing(
    commands: tuple[Command, ...], old: list[str], new: list[str], changes: Sequence[tuple[int, int, int]] | None
) -> list[int | None]:
    """How far each old instruction moved (new line - old line), or None where it was changed."""
    if changes is None:
        # No hint: the lines shared at the start stay, those shared at the end move together.
        shortest = min(len(old), len(new))
        first = next((i for i in range(shortest) if old[i] != new[i]), shortest)
        same_end = 0
        while same_end < shortest - first and old[len(old) - 1 - same_end] == new[len(new) - 1 - same_end]:
            same_end += 1
        changes = [(first, len(old) - same_end, len(new) - same_end - first)]
    landed: list[int | None] = []
    shift, pending = 0, list(changes)
    for command in commands:
        start, end = command.start_line - 1, command.end_line  # half-open
        while pending and (pending[0][1] <= start if pending[0][0] < pending[0][1] else pending[0][0] <= start):
            change = pending.pop(0)
            shift += change[2] - (change[1] - change[0])
        hit = any(
            (change[0] < end and start < change[1]) if change[0] < change[1] else start < change[0] < end
            for change in pending
            if change[0] < end
        )
        landed.append(None if hit else shift)
    return landed


def _same_lines(old: list[str], new: list[str], start: int, stop: int, shift: int) -> bool:
    return 0 <= start + shift and stop + shift <= len(new) and old[start:stop] == new[start + shift : stop + shift]


def _moved(command: Command, shift: int) -> Command:
    return command if not shift else command._replace(start_line=command.start_line + shift, end_line=command.end_line + shift)


def _parse_instructions(text: str) -> list[Instruction]:
    return _instructions(_parse(text))


def _instructions(commands: tuple[Command, ...]) -> list[Instruction]:
    instructions = []
    for index, command in enumerate(commands):
        if command.cmd is None or command.original is None:
            # A lone line continuation where an instruction should start (Docker: "unknown
            # instruction:" with no name).
            raise DockerfileParseError(f"line {command.start_line}: unknown instruction: a line continuation with no instruction before it")
        keyword = command.original.split(None, 1)[0] if command.original.strip() else command.cmd
        cmd = command.cmd.upper()
        if cmd not in KNOWN_INSTRUCTIONS:
            raise DockerfileParseError(f"line {command.start_line}: unknown instruction: {keyword}")
        sub_cmd = command.sub_cmd.upper() if command.sub_cmd else None
        if cmd == "ONBUILD" and sub_cmd not in KNOWN_INSTRUCTIONS - {"ONBUILD", "FROM", "MAINTAINER"}:
            raise DockerfileParseError(f"line {command.start_line}: invalid instruction after ONBUILD: {sub_cmd}")
        instructions.append(
            Instruction(
                index=index,
                keyword=keyword,
                cmd=cmd,
                start=command.start_line - 1,
                end=command.end_line - 1,
                flags=tuple(command.flags),
                args=tuple(command.value),
                json=bool(command.json),
                heredocs=tuple(Heredoc(h.name, h.content) for h in command.heredocs),
                sub_cmd=sub_cmd,
                original=command.original,
            )
        )
    if not instructions:
        raise DockerfileParseError("no instructions (the file holds only comments or blank lines)")
    return instructions


def _assign_stages(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.cmd == "FROM":
            args = instruction.args
            name = args[2].lower() if len(args) >= 3 and args[1].lower() == "as" else None
            stages.append(
                Stage(
                    index=len(stages),
                    name=name,
                    base=args[0] if args else "",
                    platform=instruction.flag("platform"),
                    from_instruction=instruction,
                )
            )
        if stages:
            instruction.stage = stages[-1].index
            stages[-1].instructions.append(instruction)
    return stages


# Logical texts by the instruction's raw lines: the engine's document after each pass holds
# mostly instructions it read before, moved at most. Bounded like the parses.
_LOGICALS: dict[tuple[str, str, bool], Logical] = {}
_LOGICALS_LIMIT = 4096


def _logical(doc: Document, instruction: Instruction) -> Logical:
    key = ("".join(doc.lines[instruction.start : instruction.end + 1]), doc.escape, instruction.cmd == "ONBUILD")
    found = _LOGICALS.get(key)
    if found is None:
        if len(_LOGICALS) >= _LOGICALS_LIMIT:
            _LOGICALS.clear()
        found = _LOGICALS[key] = _read_logical(key[0], doc.escape, key[2])
    return found.at(instruction.start)


def _read_logical(raw: str, escape: str, onbuild: bool) -> Logical:
    """The logical text of an instruction's raw lines; segment lines count from its first."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    starts: list[int] = []
    length = 0
    for line, text in enumerate(split_lines(raw)):
        body = line_body(text)
        if line:
            stripped = body.strip(" \t")
            if not stripped or stripped.startswith("#"):
                continue  # BuildKit drops comment and blank lines inside a continuation
        start_col = 0 if line else len(body) - len(body.lstrip(" \t"))
        trimmed = body.rstrip(" \t")
        continued = trimmed.endswith(escape)
        end_col = len(trimmed) - 1 if continued else len(body)
        segments.append((length, line, start_col))
        starts.append(length)
        piece = body[start_col:end_col]
        pieces.append(piece)
        length += len(piece)
        if not continued:
            break
    text = "".join(pieces)
    return Logical(text, tuple(segments), _body_offset(text, onbuild), 0, tuple(starts))


def _body_offset(text: str, onbuild: bool) -> int:
    """Skip the keyword (and ONBUILD's inner keyword), then any `--flag[=value]` words."""
    pos = _skip_word(text, 0)
    if onbuild:
        pos = _skip_word(text, _skip_space(text, pos))
    pos = _skip_space(text, pos)
    while text.startswith("--", pos):
        pos = _skip_space(text, _skip_word(text, pos))
    return pos


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _skip_word(text: str, pos: int) -> int:
    quote = None
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in " \t":
            break
        pos += 1
    return pos
