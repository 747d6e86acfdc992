"""DO141 echo-to-copy-heredoc."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document, line_body
from dockopt.edits import Edit
from dockopt.image import is_root_user
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform

# `# syntax=` frontends that read heredocs: docker/dockerfile 1 (any 1.x from 1.4), labs, latest.
_SYNTAX = re.compile(r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?(?::([^@]*))?(?:@.*)?$")
# What `echo` (dash's interprets backslashes) or BuildKit's heredoc expansion ($, `) would change.
_SPECIAL = re.compile(r"[\\$`]")
_PATH = re.compile(r"^/[A-Za-z0-9._/+@:-]*[^/]$")


class EchoToCopyHeredoc(Transform):
    """Write a file with `COPY <<EOF` instead of a RUN that echoes it.

    ## What it does
    Replaces a RUN whose whole body is `echo WORDS > /absolute/path` with a `COPY` heredoc that
    writes the same bytes: the words joined by one space, and a final newline. Only where the
    Dockerfile already needs a builder that reads heredocs (a `# syntax=docker/dockerfile:1`
    (1.4 or later, or labs) directive, or a heredoc elsewhere in the file), the RUN runs as root
    under the default shell, and the words are plain text: no option (`-n`, `-e`), no variable,
    backslash or backtick.

    ## Why
    A RUN starts a container and a shell to write a few bytes; `COPY <<EOF` writes them
    directly, reads as the file it creates, and needs no shell in the image (tally's
    `prefer-copy-heredoc`).

    ## Example
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:bookworm-slim
    RUN echo "APT::Install-Recommends false;" > /etc/apt/apt.conf.d/00recommends
    ```
    becomes
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM debian:bookworm-slim
    COPY <<EOF /etc/apt/apt.conf.d/00recommends
    APT::Install-Recommends false;
    EOF
    ```

    ## Fix safety
    Unsafe: COPY creates the file root-owned with mode 0644 and creates missing parent folders,
    where the shell kept an existing file's owner and mode and failed on a missing folder. And it
    cannot be proven on dockopt's test engine, whose BuildKit does not read heredocs.
    """

    code = "DO141"
    name = "echo-to-copy-heredoc"
    title = "A RUN that only echoes text into a file"
    safety = Safety.UNSAFE
    aliases = ("tally/prefer-copy-heredoc",)
    order = 141
    needs = ('echo', 'printf')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not _reads_heredocs(doc) or doc.newline != "\n":
            return
        for instruction, view in doc.shell_views():
            if instruction.flags or instruction.start != instruction.end:
                continue
            written = _echo_to_file(view)
            if written is None:
                continue
            path, content = written
            user = doc.image.scope(instruction).user
            if (user is not None and not is_root_user(user)) or doc.image.last_before(instruction, "SHELL") is not None:
                continue
            if doc.image.last_before(instruction, "VOLUME") is not None:
                continue
            delimiter = "EOF" if content != "EOF" else "EOT"
            indent = doc.indent(instruction.start)
            keyword = doc.keyword("COPY")
            text = f"{indent}{keyword} <<{delimiter} {path}\n{content}\n{delimiter}\n"
            yield self.fix(
                f"write {path} with `COPY <<{delimiter}`, not a shell "
                "(unsafe: the file becomes root-owned 0644 and missing folders are created)",
                instruction,
                [Edit.replace(instruction.start, instruction.end, text)],
            )


def _reads_heredocs(doc: Document) -> bool:
    if any(instruction.heredocs for instruction in doc.instructions):
        return True
    syntax = doc.directive("syntax")
    match = _SYNTAX.match(syntax or "")
    if match is None:
        return False
    tag = match.group(1) or "latest"
    if tag in ("latest", "labs") or tag.endswith("-labs"):
        return True
    version = re.match(r"^(\d+)(?:\.(\d+))?", tag)
    if version is None:
        return False
    major, minor = int(version.group(1)), version.group(2)
    return major > 1 or (major == 1 and (minor is None or int(minor) >= 4))


def _echo_to_file(view: ShellView) -> tuple[str, str] | None:
    """(path, content) of a body that is only `echo WORDS > /path`."""
    statements = view.statements()
    if len(statements) != 1 or statements[0][1] is not None or any(c.type == "comment" for c in view.root.children):
        return None
    node = statements[0][0]
    if node.type != "redirected_statement" or len(node.children) != 2:
        return None
    body, redirect = node.children
    if body.type != "command" or redirect.type != "file_redirect":
        return None
    parts = [c for c in redirect.children if c.type != "file_descriptor"]
    if [c.type for c in redirect.children if c.type == "file_descriptor"] or len(parts) != 2 or parts[0].type != ">":
        return None
    path = view.word(parts[1])
    if path is None or not _PATH.match(path):
        return None
    name = body.child_by_field_name("name")
    if name is None or view.text(name) != "echo":
        return None
    words = []
    for index, child in enumerate(body.children):
        field = body.field_name_for_child(index)
        if field == "name":
            continue
        if field != "argument":
            return None  # `X=1 echo`, or something tree-sitter hangs on the command
        raw = view.text(child)
        value = view.word(child)
        if value is None or _SPECIAL.search(raw) or _SPECIAL.search(value) or "\n" in value:
            return None
        words.append(value)
    if not words or words[0].startswith("-"):
        return None
    content = " ".join(words)
    if line_body(content) != content:
        return None
    return path, content
