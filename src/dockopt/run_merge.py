"""What a RUN body does to the shell and the container that run it: the facts chain-run needs.

Each RUN starts a fresh shell in a fresh container process tree, so merging two RUNs is only
safe when the earlier body leaves nothing behind that the later one could notice. This module
reads one body (tree-sitter-bash, via `ShellView`) and says how it may take part in a merge.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dockopt.shell import SHELL_STATE_BUILTINS

if TYPE_CHECKING:
    from tree_sitter import Node

    from dockopt.document import Document, Instruction
    from dockopt.shell import ShellView

# Commands that change the running shell (variables, options, cwd, traps, functions...).
STATE_COMMANDS = SHELL_STATE_BUILTINS | frozenset(
    "read getopts mapfile readarray let shift break continue eval bind disown".split()
)
# POSIX special builtins: `X=1 :` keeps X in the shell afterwards.
_SPECIAL_BUILTINS = frozenset(": . break continue eval exec exit export readonly return set shift times trap unset".split())
# Commands that leave processes (or mounts) running after they return: when the RUN ends, its
# container is torn down and they die; in a merged RUN they would live on into the next body.
_OUTLIVING_COMMANDS = frozenset(
    "service nohup setsid start-stop-daemon daemonize daemon invoke-rc.d rc-service openrc systemctl "
    "pg_ctl pg_ctlcluster mysqld_safe dockerd containerd supervisord coproc mount swapon".split()
)
_OUTLIVING_ARGS = frozenset("--daemon --daemonize --fork --background --detach -daemon".split())
# Files BuildKit mounts afresh for every RUN: a write to them is gone by the next RUN.
_PER_RUN_MOUNTS = re.compile(r"/etc/(hosts|resolv\.conf|hostname)\b|/dev/shm\b")
# Variables that describe the command run just before (bash): at the start of a RUN they hold the
# shell's start-up values, after a `&&` they hold the previous body's.
_LAST_COMMAND_STATE = re.compile(r"\$(_(?![A-Za-z0-9_])|\{_[^A-Za-z0-9_])|\b(PIPESTATUS|BASH_REMATCH|BASH_COMMAND)\b")
# Words in eval'd text that may turn on errexit: `set`, `shopt -o`, `trap ... ERR`, sourcing.
_ERREXIT_WORDS = re.compile(r"\b(set|shopt|trap|source|eval|command|builtin)\b|(^|[\s;&|(])\.\s")
# Nodes whose contents run in a child shell, so state changed inside them stays there.
_ISOLATING = frozenset({"subshell", "command_substitution", "process_substitution"})
# Nodes that run a list of commands: inside them `set -e` decides whether a failure stops the list.
_COMMAND_LISTS = frozenset(
    "subshell compound_statement if_statement while_statement for_statement c_style_for_statement "
    "case_statement function_definition command_substitution process_substitution".split()
)
# Commands that run shell text of their own in this shell.
_RUNS_SHELL_TEXT = frozenset({"eval", "source", ".", "command", "builtin"})

_POSIX_SHELLS = frozenset("sh bash dash ash ksh mksh posh yash".split())
# Shell options that change nothing about how two bodies behave once joined by `&&`.
_HARMLESS_OPTIONS = frozenset("pipefail nounset xtrace verbose".split())
_HARMLESS_LETTERS = frozenset("uxv")
# Environment variables that make bash run code or set options before every body.
SHELL_STARTUP_VARS = re.compile(r"\b(SHELLOPTS|BASH_ENV|BASHOPTS)\b")


@dataclass(frozen=True)
class Body:
    """One shell-form RUN body and how it may join a merge."""

    instruction: Instruction
    view: ShellView
    unmergeable: str | None  # why it cannot join any merge
    shell_state_only: bool  # it only changes the shell (`export X=1`, `cd /x`): the RUN does nothing
    must_be_last: str | None  # why nothing may follow it in a merge
    leaks_state: bool  # changes the shell: needs a subshell when another body follows
    needs_group: bool  # not a plain `a && b | c` chain: needs braces so `&&` joins it whole
    ends_with_comment: bool  # nothing can be appended after its last character

    @property
    def script(self) -> str:
        return self.view.script.rstrip()


def read_body(doc: Document, instruction: Instruction) -> Body | None:
    """The body of a shell-form RUN, or None (exec form, heredoc, ONBUILD, empty)."""
    if instruction.cmd != "RUN":
        return None
    view = doc.shell(instruction)
    if view is None or not view.script.strip():
        return None
    facts = view.memo.get("run_merge")  # depends on the text alone: shared across re-parses
    if facts is None:
        facts = view.memo["run_merge"] = _body_facts(view)
    return Body(instruction=instruction, view=view, **facts)


def _body_facts(view: ShellView) -> dict[str, Any]:  # Body's fields
    nodes = view.nodes
    ends_with_comment = bool(view.of_type("comment"))
    needs_group = _needs_group(view)
    unmergeable = None
    if view.root.has_error:
        unmergeable = "its shell text does not parse"
    elif view.of_type("&") or any(command.name == "coproc" for command in view.commands):
        unmergeable = "it starts a background job"
    elif ends_with_comment and needs_group:
        unmergeable = "it ends with a shell comment"
    elif _LAST_COMMAND_STATE.search(view.script):
        unmergeable = "it reads what the previous command left (`$_`, PIPESTATUS, BASH_REMATCH)"
    state_only = not view.root.has_error and _shell_state_only(view, nodes)
    if state_only and unmergeable is None:
        unmergeable = "it only changes the shell, which ends with its RUN: merged, the no-op would stay"
    return {
        "unmergeable": unmergeable,
        "shell_state_only": state_only,
        "must_be_last": _must_be_last(view, ends_with_comment),
        "leaks_state": any(_changes_shell(view, node) for node in nodes),
        "needs_group": needs_group,
        "ends_with_comment": ends_with_comment,
    }


# Builtins whose whole effect is on the shell that runs them (no files, no output that matters).
_STATE_ONLY_COMMANDS = frozenset(
    "cd pushd popd export set unset umask alias unalias shopt declare typeset readonly local trap hash ulimit "
    "enable".split()
)


def _shell_state_only(view: ShellView, nodes: list[Node]) -> bool:
    """Does the body do nothing but change its own shell (`export X=1`, `cd /app`, `set -e`)?

    Command substitutions run programs (`export V=$(make version)`), so they count as doing
    something; so does `source`, which runs a script."""
    commands = 0
    for node in nodes:
        kind = node.type
        if kind in ("command_substitution", "process_substitution", "redirected_statement", "heredoc_redirect", "subshell"):
            return False
        if kind == "command":
            commands += 1
            if _name(view, node) not in _STATE_ONLY_COMMANDS or any(c.type == "variable_assignment" for c in node.children):
                return False
        elif kind in ("declaration_command", "unset_command", "variable_assignment"):
            commands += 1
        elif kind in ("if_statement", "for_statement", "while_statement", "case_statement", "c_style_for_statement",
                      "function_definition", "pipeline", "compound_statement"):
            return False
    return commands > 0


def and_breaks(view: ShellView) -> tuple[int, int]:
    """How many `&&` of the body start a continuation line, and how many end one."""
    start = end = 0
    for node in view.of_type("list"):
        if len(node.children) != 3 or node.children[1].type != "&&":
            continue
        operator = view.position(node.children[1])[0]
        before = view.position(view.char(node.children[0].end_byte) - 1)[0]
        after = view.position(node.children[2])[0]
        if operator > before:
            start += 1
        elif operator < after:
            end += 1
    return start, end


def _needs_group(view: ShellView) -> bool:
    """Anything but one `a && b | c` chain. Walks the chain itself: tree-sitter-bash hangs a
    trailing redirect on the whole list (`a || b > f` is `redirected_statement(list)`), which
    `ShellView.top_level_operators` does not look inside."""
    statements = view.statements()
    if len(statements) != 1 or statements[0][1] is not None:
        return True
    stack = [statements[0][0]]
    while stack:
        node = stack.pop()
        if node.type not in ("list", "redirected_statement", "pipeline", "negated_command"):
            continue  # a command or a compound ( ), { }, if, for...: one unit for `&&`
        for child in node.children:
            if not child.is_named and child.type in ("||", ";", "&", "\n", ";;"):
                return True
            stack.append(child)
    return False


def _must_be_last(view: ShellView, ends_with_comment: bool) -> str | None:
    if ends_with_comment:
        return "it ends with a shell comment"
    reason = _errexit_reason(view)
    if reason:
        return reason
    for command in view.commands:
        name = command.name
        if name is not None:
            if name in _OUTLIVING_COMMANDS or name.startswith("/etc/init.d/") or _OUTLIVING_ARGS.intersection(command.args):
                return f"`{name}` may leave a process running into the next RUN"
    if _PER_RUN_MOUNTS.search(view.script):
        return "it touches a file BuildKit mounts afresh for every RUN"
    return None


def _errexit_reason(view: ShellView) -> str | None:
    """Why this body may turn on `set -e` (or an ERR trap), which POSIX ignores for every command
    on the left of `&&`: nothing may then follow the body's last part."""
    for command in view.commands:
        name = command.name
        if name is None:
            continue
        args = list(command.args)
        while name in ("command", "builtin") and args and args[0] is not None and not args[0].startswith("-"):
            name, args = args[0], args[1:]  # `command set -e` is `set -e`
        if (name == "eval" and _may_set_errexit(args)) or (name in ("command", "builtin") and args[:1] == [None]):
            return f"`{name}` may run `set -e`, which a following `&&` would switch off"
        if name == "shopt" and any(arg is None or (arg.startswith("-") and "o" in arg) for arg in args) and (
            "errexit" in args or None in args
        ):
            return "it turns on `set -e` (`shopt -o errexit`), which a following `&&` would switch off"
        if name == "set" and any(arg is None or _enables_errexit(arg, args) for arg in args):
            # `set -e` is ignored on the left of `&&` (POSIX), even inside ( ) or { }.
            return "it turns on `set -e`, which a following `&&` would switch off"
        if name in ("source", "."):
            return "it sources a script, which may turn on `set -e`"
        if name == "trap" and any(arg is None or arg.upper() == "ERR" for arg in args):
            return "it sets an ERR trap, which a following `&&` would switch off"
    return None


def _may_set_errexit(args: list[str | None]) -> bool:
    """Could `eval ARGS` turn on `set -e` (or an ERR trap, or source a script)?"""
    known = [arg for arg in args if arg is not None]
    return len(known) < len(args) or bool(_ERREXIT_WORDS.search(" ".join(known)))


def _enables_errexit(arg: str, args: list[str | None]) -> bool:
    if arg == "-o":
        return "errexit" in args
    return arg.startswith("-") and not arg.startswith("--") and "e" in arg[1:]


def _changes_shell(view: ShellView, node: Node) -> bool:
    """Does this node change the shell that runs it (outside any child shell)?"""
    kind = node.type
    if kind in ("declaration_command", "unset_command", "function_definition", "for_statement", "c_style_for_statement", "arithmetic_expansion"):
        changes = True
    elif kind == "variable_assignment":
        changes = node.parent is None or node.parent.type not in ("command", "declaration_command")
    elif kind == "expansion":
        changes = any(child.type in ("=", ":=") for child in node.children)
    elif kind == "compound_statement":
        changes = bool(node.children) and node.children[0].type == "(("
    elif kind == "command":
        name = _name(view, node)
        args = _args(view, node)
        has_assignments = any(child.type == "variable_assignment" for child in node.children)
        changes = (
            name is None
            or name in STATE_COMMANDS
            or (has_assignments and name in _SPECIAL_BUILTINS)
            or (name in ("command", "builtin") and any(arg is None or arg in STATE_COMMANDS for arg in args))
            or (name == "printf" and "-v" in args)
        )
    else:
        return False
    return changes and not _isolated(node)


def _isolated(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _ISOLATING:
            return True
        parent = parent.parent
    return False


def _name(view: ShellView, node: Node) -> str | None:
    if node.type != "command":
        return None
    name = node.child_by_field_name("name")
    return view.word(name) if name is not None else None


def _args(view: ShellView, node: Node) -> list[str | None]:
    return [view.word(child) for index, child in enumerate(node.children) if node.field_name_for_child(index) == "argument"]


# -- the SHELL each RUN runs in ---------------------------------------------------------------


@lru_cache(maxsize=256)  # every RUN of a stage asks about the same SHELL, in every round
def mergeable_shell(shell: tuple[str, ...]) -> bool:
    """A POSIX shell whose options leave `a && b` meaning what `a` then `b` meant (no `-e`)."""
    if len(shell) < 2 or posixpath.basename(shell[0]) not in _POSIX_SHELLS:
        return False
    *options, last = shell[1:]
    if not (last.startswith("-") and last.endswith("c") and set(last[1:-1]) <= _HARMLESS_LETTERS):
        return False
    words = iter(options)
    for word in words:
        if word in ("-o", "+o"):
            if next(words, None) not in _HARMLESS_OPTIONS:
                return False
        elif word in ("--noprofile", "--norc"):
            continue
        elif not (word[:1] in "-+" and set(word[1:]) <= _HARMLESS_LETTERS and len(word) > 1):
            return False
    return True


def startup_code(doc: Document) -> bool:
    """Does an ENV or ARG set a variable that makes bash run code or set options for every body?"""
    return any(i.cmd in ("ENV", "ARG") and SHELL_STARTUP_VARS.search(i.original) for i in doc.instructions)


# -- appending after a body -------------------------------------------------------------------


def append_blocker(doc: Document, instruction: Instruction, view: ShellView) -> str | None:
    """Why `&& command` may not follow the last part of this RUN's `&&` chain (None: it may).

    Appending puts that part on the left of `&&`, where POSIX ignores `set -e` (and bash an ERR
    trap) for everything it runs: `x && { set -e; false; echo ok; }` fails, but with `&& rm ...`
    after it the group goes on to `echo ok` and the build passes. So a last part that runs a
    list of commands (a group, subshell, loop, `if`, `eval`, `source`...) takes nothing after
    it when `set -e` may be on, from the body itself or from the SHELL.
    """
    shell = doc.image.scope(instruction).shell
    if len(shell) < 2 or posixpath.basename(shell[0]) not in _POSIX_SHELLS:
        return "its SHELL is not a POSIX shell"
    parts = view.and_chain()
    if not parts or view.has_error:
        return "its body is not one `&&` chain"
    if not _runs_a_list(view, parts[-1]):
        return None
    reason = _errexit_reason(view)
    if reason:
        return reason
    if not mergeable_shell(shell) or startup_code(doc):
        return "its SHELL may run with `set -e`, which a following `&&` would switch off"
    return None


def _runs_a_list(view: ShellView, node: Node) -> bool:
    """Does this part run several commands in this shell, where `set -e` decides when to stop?"""
    if view.of_type("function_definition"):
        return True  # a call of a function defined in the body runs the function's list
    for item in view.walk(node):
        if item.type in _COMMAND_LISTS:
            return True
        if item.type == "command" and _name(view, item) in (None, *_RUNS_SHELL_TEXT):
            return True
    return False
