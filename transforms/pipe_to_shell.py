"""DO263 pipe-to-shell."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Severity, Transform

_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_INTERPRETERS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node"})


class PipeToShell(Transform):
    """Flag downloads piped straight into a shell or interpreter.

    ## What it does
    Reports pipelines such as `curl -fsSL URL | sh` or `wget -qO- URL | bash` in RUN. It does
    not rewrite anything.

    ## Why
    The script runs without being checked: a changed or compromised server changes what your
    build executes, and the build cache hides when it happened. Download to a file, verify a
    pinned checksum, then run it.

    ## Example
    ```dockerfile
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    ```dockerfile
    RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\
     && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \\
     && sh /tmp/install.sh && rm /tmp/install.sh
    ```

    ## Fix safety
    No fix: the checksum has to come from the author.
    """

    code = "DO263"
    name = "pipe-to-shell"
    title = "Do not pipe downloads into a shell"
    safety = Safety.DISPLAY
    severity = Severity.WARNING
    order = 263
    needs = ('|',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            view = doc.shell(instruction)
            if view is None:
                continue
            if "|" not in view.script:
                continue
            found = view.memo.get("pipe_to_shell")
            if found is None:
                found = view.memo["pipe_to_shell"] = list(_downloads_into_interpreters(view))
            for node, downloader, interpreter in found:
                line, _ = view.position(node)
                yield self.fix(f"`{downloader} ... | {interpreter}` runs a download unverified: save it, check a checksum, then run it", line)


def _downloads_into_interpreters(view: ShellView) -> Iterator[tuple[Node, str, str]]:
    for node in view.of_type("pipeline"):
        names = [_name(view, child) for child in node.children if child.type in ("command", "redirected_statement")]
        if len(names) >= 2 and names[0] in _DOWNLOADERS and names[-1] in _INTERPRETERS:
            yield node, names[0], names[-1]


def _name(view: ShellView, node: Node) -> str:
    """The command's program name without its folder; "" when it has none or it expands."""
    if node.type == "redirected_statement":
        node = node.children[0]
    if node.type != "command":
        return ""
    for index, child in enumerate(node.children):
        if node.field_name_for_child(index) == "name":
            name = view.word(child)
            return name.rsplit("/", 1)[-1] if name else ""
    return ""
