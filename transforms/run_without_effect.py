"""DO251 run-without-effect."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.run_merge import read_body
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform

# What to write instead, by the command the RUN runs.
_INSTEAD = {
    "export": "use ENV",
    "cd": "use WORKDIR",
    "pushd": "use WORKDIR",
    "declare": "use ENV",
    "typeset": "use ENV",
    "readonly": "use ENV",
}


_STEPS = frozenset({"command", "declaration_command", "unset_command", "variable_assignment"})


def _name(view: ShellView, node: Node) -> str:
    if node.type == "command":
        name = node.child_by_field_name("name")  # always there in a command
        return (view.word(name) if name is not None else None) or ""
    if node.type == "variable_assignment":
        return "export"  # `X=1` alone: meant as ENV
    return view.text(node.children[0])  # export, declare, readonly, unset...


class RunWithoutEffect(Transform):
    """Flag a RUN that only changes its own shell, so it does nothing.

    ## What it does
    Reports a RUN whose every command only changes the shell that runs it: `export X=1`,
    `X=1`, `cd /app`, `set -e`, `umask 022`, `alias`, `ulimit`... with no program run (a
    `$(command)` or a `source` counts as running something). It does not rewrite anything, and
    chain-run (DO201) does not merge such a RUN into its neighbours.

    ## Why
    Every RUN starts a new shell, and it ends with the RUN: the variable, folder or option is
    gone before the next instruction runs. The author usually meant `ENV` or `WORKDIR`, and the
    build silently does something else. Merged into the next RUN as `(export X=1) && ...` the
    mistake would only be harder to see.

    ## Example
    ```dockerfile
    RUN export PATH=/opt/tool/bin:$PATH
    RUN tool --version
    ```
    ```dockerfile
    ENV PATH=/opt/tool/bin:$PATH
    RUN tool --version
    ```

    ## Fix safety
    No fix: `ENV` and `WORKDIR` also reach every later instruction and the running container,
    which the RUN never did; whether that is what was meant is the author's decision.
    """

    code = "DO251"
    name = "run-without-effect"
    title = "A RUN that only changes its own shell does nothing"
    safety = Safety.DISPLAY
    order = 262

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            body = read_body(doc, instruction)
            if body is None or not body.shell_state_only:
                continue
            names = [_name(view, node) for node in view.of_type(*_STEPS) if node.parent is None or node.parent.type != "command"]
            if all(name == "cd" for name in names):
                continue  # cd-instead-of-workdir (DO261) says it
            instead = _INSTEAD.get(names[0], "move it into the RUN that needs it")
            text = body.script if len(body.script) <= 40 else body.script[:37] + "..."
            yield self.fix(
                f"`RUN {text}` only changes its own shell, which ends with the RUN: nothing happens ({instead})",
                instruction,
            )
