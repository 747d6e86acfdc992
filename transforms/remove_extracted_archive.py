"""DO282 remove-extracted-archive."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document
from dockopt.downloads import curl_calls, extracted_archive, url_file_name
from dockopt.package_managers import command_words, invocations, later_instructions, line_edits, text_of, top_level_commands
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform

_WGET_OUTPUT = ("-O", "--output-document")


class RemoveExtractedArchive(Transform):
    """Remove a downloaded archive in the RUN that extracts it.

    ## What it does
    When one RUN downloads an archive to a file (`curl -o FILE`, `curl -O URL`,
    `wget -O FILE`) and then extracts that same file (`tar -x ... -f FILE`, `unzip FILE`), and
    nothing removes it, adds `&& rm -f FILE` right after the extraction. Left alone when the
    archive is read again later in the RUN or by a later instruction, when the shell changes
    folder between the download and the extraction, or when the extraction is not a plain step of
    the RUN's `&&` chain (or `;` list).

    ## Why
    Once extracted, the archive is a second copy of what it holds, compressed, kept in the layer
    forever: deleting it in a later RUN does not shrink the image (binnacle's and Parfum's
    `tarSomethingRmTheSomething`).

    ## Example
    ```dockerfile
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1
    ```
    becomes
    ```dockerfile
    RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz \\
        && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 && rm -f /tmp/node.tar.xz
    ```

    ## Fix safety
    Unsafe: the archive file is no longer in the image. Nothing in the Dockerfile reads it after
    the extraction, but the app or a user of the image might.
    """

    code = "DO282"
    name = "remove-extracted-archive"
    title = "A downloaded archive stays in the layer after it is extracted"
    safety = Safety.UNSAFE
    aliases = ("tarSomethingRmTheSomething",)
    order = 282
    needs = ('tar', 'unzip')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            downloads = _downloads(view)
            if not downloads:
                continue
            changes = []
            names = []
            removed = _removed(view)
            changes_of_state = [view.char(node.start_byte) for node in view.state_changes()]
            later = None
            for call in invocations(view, ("tar", "unzip")):
                archive = extracted_archive(call)
                if archive is None or archive.value is None or archive.value not in downloads:
                    continue
                downloaded_at = downloads[archive.value]
                extracted_at = call.command.start
                if downloaded_at >= extracted_at or any(downloaded_at < at < extracted_at for at in changes_of_state):
                    continue
                name = posixpath.basename(archive.value)
                if any(fnmatch.fnmatchcase(archive.value, pattern) or fnmatch.fnmatchcase(name, pattern) for pattern in removed):
                    continue
                part = _chain_part(call.command.node)
                if part is None:
                    continue
                end = view.char(part.end_byte)
                if name in view.script[end:]:
                    continue  # read again later in this RUN
                if later is None:
                    later = "\n".join(text_of(doc, item) for item in later_instructions(doc, instruction))
                if name in later:
                    continue
                line, column = view.position(end - 1)
                changes.append((line, column + 1, column + 1, f" && rm -f {view.text(archive.node)}"))
                names.append(archive.value)
            if changes:
                yield self.fix(
                    f"remove {', '.join(f'`{n}`' for n in names)} in the RUN that extracts it, so the archive "
                    "does not stay in the layer (unsafe: the archive file is no longer in the image)",
                    instruction,
                    line_edits(doc, changes),
                )


def _downloads(view: ShellView) -> dict[str, int]:
    """File written by a download -> where the download starts (its offset in the script)."""
    found: dict[str, int] = {}
    top = {command.start for command in top_level_commands(view)}
    for curl in curl_calls(view):
        if curl.call.command.start not in top:
            continue
        target = curl.output
        if target is None and curl.has("O", "--remote-name") and len(curl.urls) == 1 and curl.urls[0].value:
            target = url_file_name(curl.urls[0].value)
        if target and target != "-":
            found.setdefault(target, curl.call.command.start)
    for call in invocations(view, ("wget",)):
        values = call.values()
        for index, value in enumerate(values):
            target = None
            if value in _WGET_OUTPUT and index + 1 < len(values):
                target = values[index + 1]
            elif value is not None and value.startswith("--output-document="):
                target = value.split("=", 1)[1]
            elif value is not None and value.startswith("-O") and len(value) > 2:
                target = value[2:]
            if target and target != "-":
                found.setdefault(target, call.command.start)
    return found


def _removed(view: ShellView) -> list[str]:
    """What the RUN's `rm` commands name (paths or patterns)."""
    found: list[str] = []
    for command in view.commands:
        words = command_words(view, command)
        if words and words[0].value is not None and posixpath.basename(words[0].value) == "rm":
            found.extend(w.value or view.text(w.node) for w in words[1:] if not (w.value or "-").startswith("-"))
    return found


def _chain_part(node: Node) -> Node | None:
    """The step of the RUN's top-level `&&` chain (or `;` list) that holds this command, or None
    when the command sits in a pipeline, an `||`, a subshell or a compound command."""
    part = node
    while part.parent is not None and part.parent.type == "redirected_statement":
        part = part.parent
    parent = part.parent
    while parent is not None and parent.type == "list":
        if parent.children[1].type != "&&":
            return None
        parent = parent.parent
    return part if parent is not None and parent.type == "program" else None
