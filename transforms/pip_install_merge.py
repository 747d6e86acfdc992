"""DO241 pip-install-merge."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.package_managers import Word, pip_install_calls
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Severity, Transform

_REQUIREMENT_OPTIONS = frozenset({"--requirement", "--editable"})
# Installed first on purpose: the installs after them use the new pip/setuptools/wheel.
_BOOTSTRAP_RE = re.compile(r"(?i)^(pip|setuptools|wheel)\b")


class PipInstallMerge(Transform):
    """Merge consecutive `RUN pip install` instructions into one `pip install`.

    ## What it does
    Consecutive RUN instructions (same RUN flags, nothing between them) that each run exactly
    one `pip install` with the same pip and the same options become one RUN that installs all
    their requirements in a single `pip install`. RUNs that install pip, setuptools or wheel
    themselves are not merged, and neither are commands with words that expand.

    ## Why
    Every RUN is a layer, and every `pip install` resolves and downloads on its own. One
    command resolves all the requirements together, which is also the only way pip can see
    conflicts between them.

    ## Example
    ```dockerfile
    RUN pip install flask
    RUN pip install gunicorn
    ```
    becomes
    ```dockerfile
    RUN pip install flask gunicorn
    ```

    ## Fix safety
    Unsafe: pip resolves the requirements together, so the versions it picks can differ from
    those of separate installs (a later install may also have upgraded or downgraded an earlier
    one's dependencies).
    """

    code = "DO241"
    name = "pip-install-merge"
    title = "consecutive RUN pip install can be one"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    aliases = ("DL3059",)
    order = 255
    needs = ('pip',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        instructions = doc.instructions
        index = 0
        while index < len(instructions):
            first = _single_pip_install(doc, instructions[index])
            group = [(instructions[index], first)] if first else []
            while first and index + len(group) < len(instructions):
                candidate = instructions[index + len(group)]
                parsed = _single_pip_install(doc, candidate)
                previous = group[-1][0]
                if (
                    parsed is None
                    or parsed[0] != first[0]
                    or candidate.start != previous.end + 1
                    or sorted(candidate.flags) != sorted(previous.flags)
                ):
                    break
                group.append((candidate, parsed))
            if len(group) > 1:
                yield self.fix(
                    "install these requirements in one `pip install` (unsafe: pip resolves them together)",
                    group[0][0],
                    _merge(doc, group),
                )
            index += max(len(group), 1)


# pip and its options, the requirement words as written, and the RUN's view
_PipRun = tuple[tuple[str, ...], list[str], ShellView]


def _single_pip_install(doc: Document, instruction: Instruction) -> _PipRun | None:
    """(pip and its options, requirement words as written, view) of a RUN that is one pip install."""
    if instruction.cmd != "RUN":
        return None
    view = doc.shell(instruction)
    if view is None or view.has_error or len(view.commands) != 1:
        return None
    parts = view.and_chain()
    calls = pip_install_calls(view)
    if not parts or len(parts) != 1 or len(calls) != 1 or parts[0] != calls[0].call.command.node:
        return None
    install = calls[0]
    call = install.call
    if install.uv or call.command.assignments or any(word.value is None for word in call.words):
        return None
    before = call.words[: len(call.words) - len(install.words)]
    # Every word is static (checked above): the `is not None` filters drop nothing.
    options = [view.text(call.program_word.node)] + [word.value for word in before if word.value is not None]
    requirements: list[list[Word]] = []
    for argument in install.arguments:
        words = [install.words[index] for index in argument.words]
        if not argument.known or argument.maybe_value:
            return None  # an option pip may read a value for: not ours to regroup
        if argument.option in _REQUIREMENT_OPTIONS and argument.value is not None:
            requirements.append(words)
        elif argument.option is not None:
            options.append(" ".join(word.value for word in words if word.value is not None))
        else:
            if argument.value is not None and _BOOTSTRAP_RE.match(argument.value):
                return None
            requirements.append(words)
    if not requirements:
        return None
    return tuple(sorted(options)), [view.text(word.node) for item in requirements for word in item], view


def _merge(doc: Document, group: list[tuple[Instruction, _PipRun]]) -> list[Edit]:
    (first, (_, _, view)), rest = group[0], group[1:]
    added = " ".join(word for _, (_, words, _) in rest for word in words)
    end = view.position(len(view.script.rstrip()) - 1)
    line, col = end[0], end[1] + 1
    body = line_body(doc.lines[line])
    if first.start != line and len(body[:col].split()) == 1:  # one requirement per line: add a line
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        text = body[:col] + " " + doc.escape + "\n" + indent + added + body[col:]
    else:
        text = body[:col] + " " + added + body[col:]
    edits = [Edit.replace(line, line, text + "\n")]
    edits += [Edit.delete(item.start, item.end) for item, _ in rest]
    return edits
