"""DO252 copy-chown."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable, Iterator, Mapping

from dockopt.context import BuildContext
from dockopt.document import Document, Instruction
from dockopt.edits import Edit
from dockopt.image import is_under, join
from dockopt.package_managers import command_words, line_edits, word_span
from dockopt.results import Fix
from dockopt.shell import Command, ShellView
from dockopt.transform import Context, Safety, Transform

# Instructions that neither touch files nor change who runs the next RUN.
_INERT = frozenset({"LABEL", "EXPOSE", "ENV", "ARG", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "MAINTAINER"})
_RECURSIVE = frozenset({"-R", "--recursive"})
_OWNER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# Commands that change files' metadata in place: after them the tree is stored again anyway.
_METADATA_COMMANDS = frozenset({"chmod", "chgrp", "chown", "setfacl", "find", "touch", "chattr"})
_MAX_ENTRIES = 20000  # files of the copied sources looked at for setuid bits


class CopyChown(Transform):
    """`COPY` followed by `chown -R` of the same folder: copy with `--chown` instead.

    ## What it does
    When `COPY src /app` is followed by a RUN that runs `chown -R user:group /app` on exactly
    the folder the COPY filled (only instructions that neither touch files nor switch the user
    between them), it adds `--chown=user:group` to the COPY and drops `-R` from the chown, which
    is left to give the folder itself its owner: `COPY --chown` owns what it copies, not a folder
    that was already there.

    ## Why
    A layer stores every file a step changed, and `chown` changes every file under the folder:
    the whole tree is stored twice, once by the COPY and once more by the chown, and the image
    carries both. `COPY --chown` writes the files with their owner once.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY . /app
    RUN chown -R app:app /app
    ```
    becomes
    ```dockerfile
    WORKDIR /app
    COPY --chown=app:app . /app
    RUN chown app:app /app
    ```

    ## Fix safety
    Safe when the folder held nothing before the COPY and the copied files carry no setuid or
    setgid bit (chown clears those, COPY --chown keeps them): the folder was made by a WORKDIR of
    the stage with nothing written into it since, it is not a system folder, the stage is built
    on an official library image, and the build context was read. Otherwise unsafe, and the
    message says why: `chown -R` also changed files that were in the folder before the copy,
    which now keep their owner.
    """

    code = "DO252"
    name = "copy-chown"
    title = "COPY then chown -R stores the tree twice: use COPY --chown"
    order = 240
    needs = ('chown',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        cwds = doc.image.workdirs
        for stage in doc.stages:
            items = stage.instructions
            for position, copy in enumerate(items):
                if copy.cmd != "COPY" or copy.json or copy.flag("chown") is not None or len(copy.args) < 2:
                    continue
                dest = _path(doc, copy, copy.args[-1])
                if dest is None:
                    continue
                found = _chown_after(doc, items, position, dest, cwds)
                if found is None:
                    continue
                run, view, command, owner = found
                reason = _unsafe_reason(doc, ctx, copy, dest)
                edits = _edits(doc, copy, view, command, owner)
                if edits is None:
                    continue
                message = f"copy with `--chown={owner}` instead of changing every file again at line {run.line}"
                if reason:
                    yield self.fix(f"{message} (unsafe: {reason})", copy, edits, safety=Safety.UNSAFE)
                else:
                    yield self.fix(message, copy, edits)


def _chown_after(
    doc: Document, items: list[Instruction], position: int, dest: str, cwds: Mapping[int, str]
) -> tuple[Instruction, ShellView, Command, str] | None:
    """The RUN right after the COPY (past inert instructions) whose chain runs `chown -R OWNER dest`."""
    for item in items[position + 1 :]:
        if item.cmd in _INERT:
            continue
        if item.cmd != "RUN" or item.flags:
            return None
        view = doc.shell(item)
        parts = view.and_chain() if view is not None and not view.has_error else None
        if view is None or not parts:
            return None
        for command in view.commands:
            if command.node not in parts or command.name != "chown" or command.assignments:
                continue
            # the words as written: a `$APP_HOME` target is resolved with the ENV and ARG values
            args = [word.value if word.value is not None else view.text(word.node) for word in command_words(view, command)[1:]]
            flags = [arg for arg in args if arg.startswith("-")]
            rest = [arg for arg in args if arg not in flags]
            if not flags or any(flag not in _RECURSIVE for flag in flags) or len(rest) != 2:
                continue
            owner, target = rest
            if not _OWNER.match(owner) or _path(doc, item, target.strip("\"'")) != dest:
                continue
            if _rewrites_tree_again(view, command, dest, cwds[item.index]):
                return None  # the same RUN changes every file anyway: nothing to save
            return item, view, command, owner
        return None
    return None


def _rewrites_tree_again(view: ShellView, chown: Command, dest: str, cwd: str) -> bool:
    """Does another command of the RUN change files under `dest` (`chmod -R`, `find ... -exec`)?"""
    for command in view.commands:
        if command is chown or command.name not in _METADATA_COMMANDS:
            continue
        if any(arg is None or is_under(join(cwd, arg), dest) for arg in command.args if arg is None or not arg.startswith("-")):
            return True
    return False


def _path(doc: Document, instruction: Instruction, text: str) -> str | None:
    """An in-image path as the instruction reads it, `$VAR`s replaced by their ENV/ARG values."""
    return doc.image.scope(instruction).known_path(text)


def _unsafe_reason(doc: Document, ctx: Context, copy: Instruction, folder: str) -> str | None:
    if copy.flag("from") is not None:
        return "files from another stage or image may carry setuid bits, which chown cleared"
    reason = doc.image.empty_before(copy, folder)
    if reason:
        return f"files that were in {folder} before the copy keep their owner, where `chown -R` changed it: {reason}"
    if ctx.build is None:
        return "the build context was not read, so setuid bits (which chown clears) could not be ruled out"
    return _setuid_in(ctx.build, copy.args[:-1])


def _setuid_in(build: BuildContext, sources: Iterable[str]) -> str | None:
    """A reason when a copied context file has a setuid or setgid bit (or there are too many to look)."""
    seen = 0
    for source in sources:
        path = build.root / source.lstrip("/")
        if any(ch in source for ch in "*?[") or not path.exists():
            return f"the copied sources ({source}) could not be looked at for setuid bits, which chown clears"
        walk: Iterable[tuple[str, list[str], list[str]]] = (
            [(str(path.parent), [], [path.name])] if path.is_file() else os.walk(path)
        )
        for folder, _, names in walk:
            for name in names:
                seen += 1
                if seen > _MAX_ENTRIES:
                    return "too many copied files to look at for setuid bits, which chown clears"
                try:
                    mode = os.lstat(os.path.join(folder, name)).st_mode
                except OSError:
                    continue
                if stat.S_ISREG(mode) and mode & (stat.S_ISUID | stat.S_ISGID):
                    return f"{posixpath.join(folder, name)} has a setuid or setgid bit, which chown clears"
    return None


def _edits(doc: Document, copy: Instruction, view: ShellView, command: Command, owner: str) -> list[Edit] | None:
    """`--chown=OWNER ` after the COPY keyword, and the `-R` words out of the chown."""
    logical = doc.logical(copy)
    line, col = logical.position(len(copy.keyword))
    changes = [(line, col, col, f" --chown={owner}")]
    for word in command_words(view, command)[1:]:
        if word.value not in _RECURSIVE:
            continue
        span = word_span(view, word)
        if span is None:
            return None
        flag_line, start, end = span
        body = doc.lines[flag_line]
        if body[end : end + 1] == " ":
            end += 1
        elif start > 0 and body[start - 1] == " ":
            start -= 1
        changes.append((flag_line, start, end, ""))
    return line_edits(doc, changes)
