"""DO288 checksum-line-format."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from dockopt.base_images import family
from dockopt.document import Document
from dockopt.package_managers import command_words, end_position, line_edits
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform

_CHECKERS = frozenset("md5sum sha1sum sha224sum sha256sum sha384sum sha512sum b2sum".split())
# "<digest> <file>" with one space: the digest a variable or hex, the file name one plain word.
_ONE_SPACE = re.compile(r"^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[0-9a-fA-F]{32,128}) ([^ *\t][^ \t]*)$")
# Families whose sha256sum is GNU coreutils', which reads a one-space line too.
_GNU = frozenset({"debian", "rhel"})


class ChecksumLineFormat(Transform):
    """Write the line `sha256sum -c` checks with two spaces.

    ## What it does
    In `echo "$SHA256 file" | sha256sum -c -` (and md5sum, sha1sum, sha512sum...), puts two
    spaces between the digest and the file name, the format the checkers print and read:
    `echo "$SHA256  file" | sha256sum -c -`.

    ## Why
    BusyBox's checkers (Alpine) reject a line with one space as badly formatted, so the check
    fails there even when the file is right; GNU coreutils reads it only as a fallback. Two
    spaces work everywhere (binnacle's and Parfum's `sha256sumEchoOneSpaces`).

    ## Example
    ```dockerfile
    RUN echo "$NODE_SHA256 node.tar.xz" | sha256sum -c -
    ```
    becomes
    ```dockerfile
    RUN echo "$NODE_SHA256  node.tar.xz" | sha256sum -c -
    ```

    ## Fix safety
    Safe on Debian, Ubuntu and RHEL-family bases: GNU coreutils accepts both lines and checks the
    same file against the same digest. Unsafe elsewhere: on Alpine/BusyBox a check that failed on
    the format now runs (and passes when the digest matches).
    """

    code = "DO288"
    name = "checksum-line-format"
    title = "A checksum line with one space fails BusyBox's sha256sum -c"
    aliases = ("sha256sumEchoOneSpaces",)
    order = 288
    needs = ('sum',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for command in view.commands:
                words = command_words(view, command)
                if not words or words[0].value is None or posixpath.basename(words[0].value) not in _CHECKERS:
                    continue
                if not any(w.value in ("-c", "--check") for w in words[1:]):
                    continue
                change = _widen(view, command.node)
                if change is not None:
                    changes.append(change)
            if not changes:
                continue
            stage = doc.stage_of(instruction)
            gnu = stage is not None and family(doc.image.stage(stage).base_image) in _GNU
            yield self.fix(
                "put two spaces between the digest and the file name, the format every sha256sum reads"
                + ("" if gnu else " (unsafe: on BusyBox a check that failed on the format now runs)"),
                instruction,
                line_edits(doc, changes),
                safety=None if gnu else Safety.UNSAFE,
            )


def _widen(view: ShellView, checker: Node) -> tuple[int, int, int, str] | None:
    """The change that doubles the space in the `echo "<digest> <file>"` piped into `checker`."""
    pipeline = checker.parent
    if pipeline is None or pipeline.type != "pipeline":
        return None
    stages = [c for c in pipeline.children if c.type not in ("|", "|&")]
    index = stages.index(checker) if checker in stages else 0
    if index == 0 or stages[index - 1].type != "command":
        return None
    echo = stages[index - 1]
    arguments = [c for i, c in enumerate(echo.children) if echo.field_name_for_child(i) == "argument"]
    name = echo.child_by_field_name("name")
    if name is None or view.text(name) != "echo" or len(arguments) != 1 or arguments[0].type not in ("string", "raw_string"):
        return None
    text = view.text(arguments[0])
    match = _ONE_SPACE.match(text[1:-1])
    end = end_position(view, arguments[0])
    if match is None or end is None:
        return None
    column = end[1] - len(text) + 1 + len(match.group(1))
    return end[0], column, column, " "
