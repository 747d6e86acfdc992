"""DO290 quote-known-variable."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import lru_cache
import re

from tree_sitter import Node

from dockopt.document import Document
from dockopt.package_managers import line_edits
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Transform

# A value that unquoted expansion leaves as exactly one word, unchanged: not empty, nothing to
# split on (default IFS) and nothing to glob.
_ONE_WORD = re.compile(r"^[^\s*?\[]+$")
_SHELLS = frozenset({"sh", "bash", "dash", "ash"})


class QuoteKnownVariable(Transform):
    """Quote `$VAR` where its value is known to be one plain word (ShellCheck SC2086).

    ## What it does
    Puts double quotes around an unquoted `$VAR` or `${VAR}` in a RUN command's arguments when
    VAR is set by an ENV of the Dockerfile to a literal value that is one word without glob
    characters (`ENV APP_HOME=/srv/app`), and the RUN never assigns, reads, loops over or unsets
    VAR, nor touches IFS. Anything else ShellCheck's SC2086 flags is left as it is.

    ## Why
    An unquoted expansion is split into words and globbed: harmless for today's value, but the
    day the ENV gains a space or a `*`, the command silently gets other arguments. Quoting says
    "one argument" and keeps it so; it is the fix ShellCheck (and tally) suggest for SC2086.

    ## Example
    ```dockerfile
    ENV APP_HOME=/srv/app
    RUN mkdir -p $APP_HOME/logs
    ```
    becomes
    ```dockerfile
    ENV APP_HOME=/srv/app
    RUN mkdir -p "$APP_HOME"/logs
    ```

    ## Fix safety
    Safe: for a value that is one non-empty word without blanks or glob characters, the shell
    passes the same argument quoted or not, so every command runs exactly as before. A variable
    whose value could differ at that point (set by an ARG, the base image, or the RUN itself)
    is never touched; that is where quoting would change what runs.
    """

    code = "DO290"
    name = "quote-known-variable"
    title = "An unquoted variable (SC2086) whose value is one plain word"
    aliases = ("SC2086",)
    order = 290
    needs = ('$',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            if "IFS" in view.script or any("env=" in flag for flag in instruction.flags):
                continue  # (a secret mount can set a variable: `--mount=type=secret,id=x,env=VAR`)
            shell = doc.image.last_before(instruction, "SHELL")
            if shell is not None and (not shell.args or posixpath.basename(shell.args[0]) not in _SHELLS):
                continue
            scope = doc.image.scope(instruction)
            known = {name for name, value in scope.env.items() if name in scope.declared and value is not None and _ONE_WORD.match(value)}
            known = {name for name in known if f"${name}" in view.script or f"${{{name}}}" in view.script}
            if not known:
                continue
            changes = []
            quoted = []
            for node in view.of_type("simple_expansion", "expansion"):
                name = _plain_expansion(view, node)
                if name is None or name not in known or _changed_in_run(view.script, name):
                    continue
                if not _is_argument(node):
                    continue
                start = view.position(node)
                last = view.position(view.char(node.end_byte) - 1)
                if start[0] != last[0]:
                    continue
                changes.append((start[0], start[1], start[1], '"'))
                changes.append((last[0], last[1] + 1, last[1] + 1, '"'))
                quoted.append(name)
            if changes:
                names = ", ".join(f"${n}" for n in dict.fromkeys(quoted))
                yield self.fix(
                    f"quote {names}: its value is one plain word, so quoting keeps it one argument for good (SC2086)",
                    instruction,
                    line_edits(doc, changes),
                )


def _plain_expansion(view: ShellView, node: Node) -> str | None:
    """VAR for `$VAR` or `${VAR}` (no operators), else None."""
    if node.type == "simple_expansion" or (node.type == "expansion" and view.text(node).startswith("${")):
        children = [c for c in node.children if c.type not in ("$", "${", "}")]
        if len(children) == 1 and children[0].type == "variable_name":
            return view.text(children[0])
    return None


def _is_argument(node: Node) -> bool:
    """Is the expansion a whole argument of a command? Inside a longer word (`setup_$VERSION`)
    it is left alone: quoting half a word (`setup_"$VERSION"`) reads worse than it helps."""
    parent = node.parent
    if parent is None or parent.type != "command":
        return False
    index = next((i for i, child in enumerate(parent.children) if child == node), None)
    return index is not None and parent.field_name_for_child(index) == "argument"


_STATE_WORDS = "read|for|unset|export|declare|local|typeset|readonly|getopts|select"
_ASSIGNED = re.compile(r"(?<![\w$])(\w+)=")
_AFTER_STATE_WORD = re.compile(rf"\b(?:{_STATE_WORDS})\b([^;&|\n]*)")
_NAME = re.compile(r"\w+")


def _changed_in_run(script: str, name: str) -> bool:
    """Could the RUN give VAR another value before using it? (`VAR=`, or VAR after `read`,
    `for`, `export`... in the same command)"""
    if _NAME.fullmatch(name):
        return name in _names_changed(script)
    word = re.escape(name)
    return re.search(rf"(^|[^\w$]){word}=|\b({_STATE_WORDS})\b[^;&|\n]*\b{word}\b", script) is not None


@lru_cache(maxsize=1024)
def _names_changed(script: str) -> frozenset[str]:
    """The names a script may change: one pass for all of them, instead of a pattern per name.

    A name of word characters is `\bNAME\b` exactly where it is a whole run of word characters,
    and the stretch after `export` (up to `;`, `&`, `|` or a line end) holds every later `export`'s."""
    names = set(_ASSIGNED.findall(script))
    for match in _AFTER_STATE_WORD.finditer(script):
        names.update(_NAME.findall(match.group(1)))
    return frozenset(names)
