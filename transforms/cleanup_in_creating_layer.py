"""DO250 cleanup-in-creating-layer."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.run_merge import append_blocker
from dockopt.shell import Command
from dockopt.transform import Context, Severity, Transform

# Instructions that neither run anything nor touch the filesystem: a cleanup can move above them.
_INERT = frozenset({"LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "ONBUILD"})
_RM_OPTIONS = frozenset({"-r", "-f", "-R", "-rf", "-fr", "-Rf", "-fR", "--recursive", "--force"})
_APT_CLEANUP = frozenset({"clean", "autoclean", "autoremove", "purge", "remove"})


class CleanupInCreatingLayer(Transform):
    """Move a cleanup-only RUN into the RUN before it, across instructions that run nothing.

    ## What it does
    When a RUN does nothing but clean up (`rm -rf` of absolute paths, `apt-get purge/remove/
    autoremove/clean`, `yum/dnf clean all`, `apk del`, `pip cache purge`, `npm cache clean`)
    and only instructions that neither run commands nor touch files (LABEL, EXPOSE, CMD,
    ENTRYPOINT, HEALTHCHECK, STOPSIGNAL, ONBUILD, MAINTAINER) stand between it and the RUN
    before it, the cleanup joins that RUN with `&&`. Consecutive RUNs are chain-run's job (DO201).

    ## Why
    Every layer keeps what its RUN wrote. Deleting files in a later layer hides them but the
    image still ships them: the bytes only go away when they are removed in the layer that
    created them.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y build-essential
    LABEL stage=build
    RUN rm -rf /var/lib/apt/lists/*
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y build-essential && \\
        rm -rf /var/lib/apt/lists/*
    LABEL stage=build
    ```

    ## Fix safety
    Safe: the instructions the cleanup moves over cannot observe the files it removes, so the
    final filesystem and config are the same; only the layers change. It moves only when both
    RUNs are plain `&&` chains with the same flags (none), and the cleanup names absolute paths;
    never after a last part that runs a list of commands while `set -e` may be on (a following
    `&&` would switch `set -e` off inside it).
    """

    code = "DO250"
    name = "cleanup-in-creating-layer"
    title = "Remove files in the layer that created them, not in a later RUN"
    severity = Severity.INFO
    order = 250

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for stage in doc.stages:
            runs = stage.instructions
            for position, cleanup in enumerate(runs):
                if not _is_cleanup(doc, cleanup):
                    continue
                creator = _creator(doc, runs, position)
                if creator is not None:
                    yield self._move(doc, creator, cleanup)

    def _move(self, doc: Document, creator: Instruction, cleanup: Instruction) -> Fix:
        comments_start = doc.comments_above(cleanup)
        leading = _leading_operator_style(doc, creator)
        indent = _continuation_indent(doc, creator)
        escape = doc.escape
        last = line_body(doc.lines[creator.end]).rstrip(" \t")
        body_lines = _body_lines(doc, cleanup)
        moved_comments = [indent + line_body(doc.lines[i]).strip() + "\n" for i in range(comments_start, cleanup.start)]
        if leading:
            new = [f"{last} {escape}\n", *moved_comments, f"{indent}&& {body_lines[0]}\n"]
        else:
            new = [f"{last} && {escape}\n", *moved_comments, f"{indent}{body_lines[0]}\n"]
        new += [line + "\n" for line in body_lines[1:]]
        edits = [
            Edit.replace(creator.end, creator.end, "".join(new)),
            Edit.delete(comments_start, cleanup.end),
        ]
        return self.fix(f"cleanup at line {cleanup.line} moved into the RUN that created the files (a later layer cannot shrink the image)", creator, edits)


def _creator(doc: Document, runs: list[Instruction], position: int) -> Instruction | None:
    """The RUN the cleanup can join: the previous one, with only inert instructions between."""
    between = 0
    for instruction in reversed(runs[:position]):
        if instruction.cmd == "RUN":
            if between == 0 or instruction.flags or not instruction.shell_form:
                return None
            view = doc.shell(instruction)
            if view is None or view.has_error or not view.top_level_operators <= {"&&"}:
                return None
            if view.of_type("comment"):
                return None  # `cmd # note && rm ...` would comment the cleanup out
            if append_blocker(doc, instruction, view):
                return None  # `set -e` in its last part would be switched off
            if any(not view.text(node).startswith("cd") for node in view.state_changes()):
                return None  # the cleanup names absolute paths, so only a `cd` is harmless
            return instruction
        if instruction.cmd not in _INERT:
            return None
        between += 1
    return None


def _is_cleanup(doc: Document, instruction: Instruction) -> bool:
    if instruction.cmd != "RUN" or instruction.flags or not instruction.shell_form:
        return False
    view = doc.shell(instruction)
    if view is None or view.has_error:
        return False
    parts = view.and_chain()
    if parts is None:
        return False
    commands = view.commands
    if len(commands) != len(parts) or any(part.type != "command" for part in parts):
        return False  # pipes, subshells, redirections: not a plain cleanup
    return all(_cleanup_command(command) for command in commands)


def _cleanup_command(command: Command) -> bool:
    name = command.name
    args = [arg for arg in command.args if arg is not None]
    if command.assignments or name is None or len(args) != len(command.args):
        return False
    if name == "rm":
        paths = [a for a in args if not a.startswith("-")]
        flags = [a for a in args if a.startswith("-")]
        return bool(paths) and all(f in _RM_OPTIONS for f in flags) and all(p.startswith("/") and p.rstrip("/*") not in ("", "/") for p in paths)
    if name in ("apt-get", "apt"):
        words = [a for a in args if not a.startswith("-")]
        return bool(words) and words[0] in _APT_CLEANUP
    if name in ("yum", "dnf", "microdnf"):
        return [a for a in args if not a.startswith("-")][:2] == ["clean", "all"]
    if name == "apk":
        return bool(args) and [a for a in args if not a.startswith("-")][:1] == ["del"]
    if name in ("pip", "pip3"):
        return list(args) == ["cache", "purge"]
    if name == "npm":
        return [a for a in args if not a.startswith("-")] == ["cache", "clean"]
    return False


def _body_lines(doc: Document, instruction: Instruction) -> list[str]:
    """The cleanup's shell text as written: first line after `RUN `, the rest verbatim."""
    logical = doc.logical(instruction)
    line, col = logical.position(logical.body)
    first = line_body(doc.lines[line])[col:]
    return [first] + [line_body(doc.lines[i]) for i in range(line + 1, instruction.end + 1)]


def _leading_operator_style(doc: Document, instruction: Instruction) -> bool:
    """Does the RUN put `&&` at the start of continuation lines?"""
    return any(line_body(doc.lines[i]).lstrip().startswith("&&") for i in range(instruction.start + 1, instruction.end + 1))


def _continuation_indent(doc: Document, instruction: Instruction) -> str:
    for i in range(instruction.start + 1, instruction.end + 1):
        body = line_body(doc.lines[i])
        if body.strip() and not body.lstrip().startswith("#"):
            return doc.indent(i)
    return " " * 4
