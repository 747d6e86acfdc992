"""DO270 wget-progress."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from dockopt.base_images import family
from dockopt.document import Document
from dockopt.package_managers import Invocation, add_option_after, invocations, line_edits
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Transform

# Short wget options that take a value: in a cluster, the letters after one of them are its value.
_SHORT_WITH_VALUE = frozenset("aABdDeiIlLoOPQRtTUwXY")
# Families whose wget is GNU wget (BusyBox's has no --progress and no -nv).
_GNU_WGET = ("debian", "rhel")


class WgetProgress(Transform):
    """Give wget a progress display made for build logs.

    ## What it does
    Adds `--progress=dot:giga` right after `wget` when the call has none of `--progress`,
    `-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file` or `-a`/`--append-output`, on
    Debian, Ubuntu and Red Hat family bases (GNU wget). On an Alpine or BusyBox base, whose wget
    knows no `--progress`, it adds `-q` instead, which both wgets understand. On an unknown base
    the call is reported, not changed. A wget whose error output is redirected or piped (`2>`,
    `&>`, `|&`) is reported and left alone: there the log text is data.

    ## Why
    Without a terminal, GNU wget prints its default progress as one dot line per 1 KiB
    downloaded: a 100 MB download writes thousands of lines to the build log, which buries the
    output that matters and can hit CI log limits (hadolint DL3047). `dot:giga` prints one dot
    per 1 MiB.

    ## Example
    ```dockerfile
    RUN wget https://example.com/tool.tar.gz
    ```
    becomes
    ```dockerfile
    RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    ```

    ## Fix safety
    Safe: only what wget writes to the build log changes; the downloaded files, the exit status
    and everything the RUN leaves in the image are the same (proven with real builds on the
    fixtures).
    """

    code = "DO270"
    name = "wget-progress"
    title = "wget writes a progress line per KiB to the build log"
    aliases = ("DL3047",)
    order = 270
    needs = ("wget",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            stage = doc.stage_of(instruction)
            base_family = family(doc.image.stage(stage).base_image) if stage is not None else "unknown"
            changes = []
            left = False
            kept = False
            for call in invocations(view, ("wget",), top_level=False):
                if _quiet_or_logged(call):
                    continue
                if _stderr_is_data(view, call.command.node):
                    kept = True
                    continue
                if base_family in _GNU_WGET:
                    option = "--progress=dot:giga"
                elif base_family == "alpine":
                    option = "-q"
                else:
                    left = True
                    continue
                change = add_option_after(view, call.program_word, option)
                if change is not None:
                    changes.append(change)
            if changes:
                option = "--progress=dot:giga" if base_family in _GNU_WGET else "-q"
                yield self.fix(f"add `{option}`: a build log needs no progress line per KiB", instruction, line_edits(doc, changes))
            elif kept:
                yield self.fix(
                    "wget without `--progress` or `-q`; left alone: its error output is redirected or piped, "
                    "so the progress text is data the RUN keeps",
                    instruction,
                )
            elif left:
                yield self.fix(
                    "wget without `--progress` or `-q` may flood the build log; left alone: the base image is unknown, "
                    "so dockopt cannot tell whether its wget takes `--progress` (GNU) or only `-q` (BusyBox)",
                    instruction,
                )


def _quiet_or_logged(call: Invocation) -> bool:
    for word in call.words:
        value = word.value
        if value is None:
            continue
        if value == "--":
            break
        if value.startswith("--"):
            name = value.split("=", 1)[0]
            if name in ("--progress", "--quiet", "--no-verbose", "--output-file", "--append-output"):
                return True
            continue
        if value == "-nv":
            return True
        if value.startswith("-n") or not value.startswith("-"):
            continue
        for letter in value[1:]:
            if letter in "qoa":
                return True
            if letter in _SHORT_WITH_VALUE:
                break
    return False


def _stderr_is_data(view: ShellView, node: Node) -> bool:
    """Is the call's error output (where the progress goes) redirected or piped on?"""
    parent = node.parent
    while parent is not None and parent.type != "program":
        if parent.type == "redirected_statement":
            for child in parent.children:
                if child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    text = view.text(child).lstrip()
                    if text.startswith(("2>", "&>", ">&")) or ">&" in text and not text.startswith((">&1", "1>&")):
                        return True
        if parent.type == "pipeline" and any(child.type == "|&" for child in parent.children):
            return True
        parent = parent.parent
    return False
