"""DO261 cd-instead-of-workdir."""

from __future__ import annotations

from dockopt.transform import Safety, Severity, Transform


class CdInsteadOfWorkdir(Transform):
    """Flag a top-level `cd` in RUN, where WORKDIR is usually meant.

    ## What it does
    Reports `cd DIR` when it is one of the top-level steps of a RUN (not inside a subshell or
    a function). It does not rewrite anything.

    ## Why
    Every RUN starts in the WORKDIR with a fresh shell, so a `cd` lasts only until the end of its
    RUN. Readers (and later edits that split the RUN) easily miss that. `WORKDIR` states the
    directory once for every following instruction, and creates it if needed.

    ## Example
    ```dockerfile
    RUN cd /app && make install
    ```
    ```dockerfile
    WORKDIR /app
    RUN make install
    ```

    ## Fix safety
    No fix: WORKDIR also affects every later instruction and the container's start directory,
    so moving the directory change is the author's decision.
    """

    code = "DO261"
    name = "cd-instead-of-workdir"
    title = "Use WORKDIR to switch directories, not cd in RUN"
    safety = Safety.DISPLAY
    severity = Severity.STYLE
    aliases = ("DL3003",)
    order = 261
    needs = ('cd',)

    def check(self, doc, ctx):
        for _instruction, view in doc.shell_views():
            for command in view.commands:
                if command.name != "cd" or not _top_level(command.node):
                    continue
                line, _ = view.position(command.node)
                target = command.args[0] if command.args and command.args[0] else "the directory"
                yield self.fix(f"`cd {target}` lasts only until the end of this RUN: use WORKDIR", line)


def _top_level(node) -> bool:
    """Is the command a step of the RUN itself, not inside a subshell, function, loop or pipe?"""
    parent = node.parent
    while parent is not None and parent.type in ("list", "redirected_statement"):
        parent = parent.parent
    return parent is not None and parent.type == "program"
