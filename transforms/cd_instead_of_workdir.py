"""DO261 cd-instead-of-workdir."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.package_managers import command_words
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Severity, Transform


class CdInsteadOfWorkdir(Transform):
    """Turn a RUN's leading `cd DIR &&` into `WORKDIR DIR`; flag other top-level `cd`s.

    ## What it does
    When a RUN is one `&&` chain that starts with `cd DIR` (a path without variables), and no
    later instruction of the stage, or of a stage built FROM it, depends on the working folder
    (the RUN is the stage's last one; later COPY, ADD and WORKDIR use absolute paths; a later RUN
    starts with its own `cd /abs`, or an absolute WORKDIR comes first), writes `WORKDIR DIR`
    (made absolute) above the RUN and removes `cd DIR &&` from it. Every other top-level `cd`
    is reported.

    ## Why
    Every RUN starts in the WORKDIR with a fresh shell, so a `cd` lasts only until the end of its
    RUN. Readers (and later edits that split the RUN) easily miss that. `WORKDIR` states the
    folder once, for every following instruction (hadolint DL3003).

    ## Example
    ```dockerfile
    RUN cd /src/app && make install
    ```
    becomes
    ```dockerfile
    WORKDIR /src/app
    RUN make install
    ```

    ## Fix safety
    Unsafe: `WORKDIR` creates the folder when it is missing, where `cd` failed the build; and
    it stays: a shell-form CMD, ENTRYPOINT or HEALTHCHECK, and the container itself, now start
    in that folder when no later WORKDIR resets it. The findings are not fixed: a later
    instruction would run in another folder.
    """

    code = "DO261"
    name = "cd-instead-of-workdir"
    title = "Use WORKDIR to switch directories, not cd in RUN"
    safety = Safety.UNSAFE
    severity = Severity.STYLE
    aliases = ("DL3003",)
    order = 261
    needs = ('cd',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            fix = self._workdir_fix(doc, instruction, view) if instruction.cmd == "RUN" else None
            if isinstance(fix, tuple):
                edits, folder, starts = fix
                yield self.fix(
                    f"write `WORKDIR {folder}` above the RUN instead of its `cd`",
                    instruction,
                    edits,
                    reason=f"WORKDIR creates {folder} if it is missing"
                    + (f"; the image now starts in {folder}" if starts else ""),
                )
                continue
            for command in view.commands:
                if command.name != "cd" or not _top_level(command.node):
                    continue
                line, _ = view.position(command.node)
                target = command.args[0] if command.args and command.args[0] else "the directory"
                message = f"`cd {target}` lasts only until the end of this RUN: use WORKDIR"
                if isinstance(fix, str):
                    message += f" (not rewritten: {fix})"
                yield self.fix(message, line)

    def _workdir_fix(self, doc: Document, instruction: Instruction, view: ShellView) -> tuple[list[Edit], str, bool] | str | None:
        """(edits, folder, the image starts there) for a leading `cd`; a reason it is left; or None."""
        chain = view.and_chain()
        if not chain or len(chain) < 2 or chain[0].type != "command":
            return None
        command = next((c for c in view.commands if c.node == chain[0]), None)
        if command is None or command.name != "cd":
            return None
        words = command_words(view, command)
        if len(words) != 2 or words[1].value is None or view.text(words[1].node) != words[1].value:
            return None
        target = words[1].value
        if target.startswith(("-", "~")) or "$" in target or not target:
            return None
        scope = doc.image.scope(instruction)
        if "$" in scope.workdir and not target.startswith("/"):
            return None
        folder = posixpath.normpath(posixpath.join(scope.workdir, target))
        if folder.startswith("//"):
            folder = folder[1:]
        if any("target=" in flag and not re.search(r"target=/", flag) for flag in instruction.flags):
            return None  # a mount into the working folder
        blocker = _later_use(doc, instruction)
        if blocker is not None:
            return blocker
        edits = _drop_cd(doc, instruction, view, chain)
        if edits is None:
            return None
        indent = doc.indent(instruction.start)
        keyword = doc.keyword("WORKDIR")
        edits.insert(0, Edit.insert(instruction.start, f"{indent}{keyword} {folder}\n"))
        return edits, folder, _reaches_runtime(doc, instruction)


def _top_level(node: Node) -> bool:
    """Is the command a step of the RUN itself, not inside a subshell, function, loop or pipe?"""
    parent = node.parent
    while parent is not None and parent.type in ("list", "redirected_statement"):
        parent = parent.parent
    return parent is not None and parent.type == "program"


def _later_use(doc: Document, instruction: Instruction) -> str | None:
    """Why a WORKDIR here would change a later instruction (line given); None when none would."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return "it is outside a stage"
    pending = [(stage, instruction.index)]
    while pending:
        current, after = pending.pop()
        reset = False
        for item in current.instructions:
            if item.index <= after:
                continue
            why = _depends_on_workdir(doc, item)
            if why == "reset":
                reset = True
                break
            if why:
                return f"{why} on line {item.line} would run in another folder"
        if not reset:
            pending.extend((child, -1) for child in doc.image.descendants(current) if doc.image.parent(child) is current)
    return None


def _depends_on_workdir(doc: Document, item: Instruction) -> str | None:
    cmd = item.cmd
    if cmd == "WORKDIR":
        return "reset" if item.args and item.args[0].startswith("/") and "$" not in item.args[0] else "the WORKDIR"
    if cmd in ("COPY", "ADD"):
        destination = item.args[-1] if item.args else ""
        destination = destination.strip("\"'")
        return None if destination.startswith("/") and "$" not in destination else "the relative destination"
    if cmd == "RUN":
        view = doc.shell(item)
        chain = view.and_chain() if view is not None and not view.has_error else None
        if view is not None and chain and len(chain) >= 2 and chain[0].type == "command":
            words = [w.value for w in command_words(view, next(c for c in view.commands if c.node == chain[0]))]
            if len(words) == 2 and words[0] == "cd" and words[1] and words[1].startswith("/") and "$" not in words[1]:
                return None
        return "the RUN"
    if cmd in ("ONBUILD", "VOLUME"):
        return f"the {cmd}"
    return None  # ENV, ARG, LABEL, EXPOSE, USER, CMD, ENTRYPOINT, HEALTHCHECK...: said in the reason


def _reaches_runtime(doc: Document, instruction: Instruction) -> bool:
    """Does the WORKDIR last to the end of a stage (the image a container would start from)?"""
    stage = doc.stage_of(instruction)
    assert stage is not None  # _later_use left RUNs outside a stage alone
    return not any(item.cmd == "WORKDIR" and item.index > instruction.index for item in stage.instructions)


def _drop_cd(doc: Document, instruction: Instruction, view: ShellView, chain: list[Node]) -> list[Edit] | None:
    """Edits that remove `cd DIR && ` (the cd and everything up to the chain's next part)."""
    start_line, start_column = view.position(chain[0])
    next_line, next_column = view.position(chain[1])
    if next_line - start_line > 1:
        return None
    if next_line == start_line + 1 and not line_body(doc.lines[start_line]).rstrip().endswith(doc.escape):
        return None
    if next_line == start_line + 1:
        between = line_body(doc.lines[start_line])[start_column:].rstrip()
        if not re.fullmatch(r"cd\s+\S+\s*(&&\s*)?" + re.escape(doc.escape), between):
            return None
    first = line_body(doc.lines[start_line])
    last = line_body(doc.lines[next_line])
    return [Edit.replace(start_line, next_line, first[:start_column] + last[next_column:] + "\n")]
