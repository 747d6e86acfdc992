"""DO286 mktemp-dir-cleanup."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document
from dockopt.package_managers import append_to_chain, command_words
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform

# Commands that could write the folder's name somewhere it outlives the RUN.
_LEAKS = frozenset({"echo", "printf", "ln", "tee", "sed"})


class MktempDirCleanup(Transform):
    """Remove the folder `mktemp -d` made, at the end of its RUN.

    ## What it does
    When a RUN keeps a temporary folder in a variable (`GNUPGHOME="$(mktemp -d)"`,
    `export TMP=$(mktemp -d)`) and never removes it, appends `&& rm -rf "$VAR"` to the RUN's
    `&&` chain. Left alone when the folder's name is echoed, linked or written somewhere, or
    when gpg used it and no `gpgconf --kill all` stops gpg's agent first (its socket would
    race the removal).

    ## Why
    The folder stays in the layer under a random name nobody can refer to: dead weight, and with
    `GNUPGHOME` a keyring of a build step shipped in the image (binnacle's and Parfum's
    `rmRecursiveAfterMktempD`).

    ## Example
    ```dockerfile
    RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys "$KEY" && gpg --batch --verify app.asc app && gpgconf --kill all
    ```
    becomes
    ```dockerfile
    RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys "$KEY" && gpg --batch --verify app.asc app && gpgconf --kill all && rm -rf "$GNUPGHOME"
    ```

    ## Fix safety
    Unsafe: the temporary folder and what was written into it leave the image. Its name is random,
    so no later step can name it, but one that found it (under /tmp) would miss it.
    """

    code = "DO286"
    name = "mktemp-dir-cleanup"
    title = "A folder made with mktemp -d stays in the layer"
    safety = Safety.UNSAFE
    aliases = ("rmRecursiveAfterMktempD",)
    order = 286
    needs = ('mktemp',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            names = [name for name in _temporary_folders(view) if not _removed_or_leaked(view, name)]
            if not names:
                continue
            programs = {c.name and posixpath.basename(c.name) for c in view.commands}
            if "gpg" in programs or "gpg2" in programs:
                if not re.search(r"gpgconf\s+--kill\s+all", view.script):
                    continue
            cleanup = "rm -rf " + " ".join(f'"${name}"' for name in names)
            edits = append_to_chain(doc, instruction, view, cleanup)
            if edits is not None:
                yield self.fix(
                    f"remove the temporary folder{'s' if len(names) > 1 else ''} "
                    f"{', '.join('$' + n for n in names)} at the end of the RUN (unsafe: what was written there leaves the image)",
                    instruction,
                    edits,
                )


def _temporary_folders(view: ShellView) -> list[str]:
    """Names of variables that hold `$(mktemp -d)`."""
    found = []
    for command in view.commands:
        if command.name != "mktemp" or not any(_directory_flag(arg) for arg in command.args):
            continue
        node = command.node.parent
        while node is not None and node.type in ("command_substitution", "string", "concatenation"):
            node = node.parent
        if node is None or node.type != "variable_assignment" or not _runs_unconditionally(node):
            continue
        name = node.child_by_field_name("name")
        if name is not None and view.text(name) not in found:
            found.append(view.text(name))
    return found


def _runs_unconditionally(assignment: Node) -> bool:
    """Is the assignment a step of the RUN's top-level `&&` chain (not inside an `if`, a loop, a
    subshell or after an `||`), so the variable is set when the chain reaches its end?"""
    node = assignment.parent if assignment.parent is not None and assignment.parent.type == "declaration_command" else assignment
    parent = node.parent
    while parent is not None and parent.type == "list":
        if parent.children[1].type != "&&":
            return False
        parent = parent.parent
    return parent is not None and parent.type == "program"


def _directory_flag(arg: str | None) -> bool:
    return arg is not None and (arg == "--directory" or (re.fullmatch(r"-[A-Za-z]+", arg) is not None and "d" in arg))


def _removed_or_leaked(view: ShellView, name: str) -> bool:
    reference = re.compile(r"\$\{?" + re.escape(name) + r"\b")
    for command in view.commands:
        words = command_words(view, command)
        program = posixpath.basename(words[0].value or "") if words else ""
        if program == "rm" or program in _LEAKS:
            if any(reference.search(view.text(word.node)) for word in words[1:]):
                return True
    return False
