"""DO211 apt-get-update-with-install."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import APT_NEEDS_LISTS, apt_calls


# Instructions that change nothing apt reads: the update may move past them to its install.
_APT_NEUTRAL = frozenset({"LABEL", "EXPOSE", "MAINTAINER", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "WORKDIR"})
# Variables apt reads (proxies, its config, dpkg's front end, the locale, temp folders).
_APT_SETTING = re.compile(r"(?i)proxy|^APT|^DEBIAN|^DPKG|^LANG|^LC_|TMPDIR|^PATH$|^LD_")


class AptGetUpdateWithInstall(Transform):
    """Run `apt-get update` in the same RUN as the `apt-get install` that needs it.

    ## What it does
    A RUN that only runs `apt-get update`, followed by a RUN whose `&&` chain installs packages,
    becomes one RUN: `apt-get update && <the install chain>`. Instructions between the two that
    cannot change what apt does (LABEL, EXPOSE, WORKDIR, CMD, ENV and ARG of unrelated variables...)
    stay where they are, and so do comments and blank lines.

    ## Why
    Docker caches each RUN on its text alone. A lone `RUN apt-get update` layer is reused for
    months while the install line below it changes, so the install reads stale lists and fails
    with "404 Not Found" or installs outdated packages. The lists also ship in a layer of their own.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Safe: the same commands run in the same order as root in a fresh shell; `apt-get update`
    changes no shell state, and `&&` stops the build where the first RUN would have stopped it.
    Only RUNs with the same flags (`--mount`, `--network`...) are merged, and never across a USER,
    SHELL, COPY, ADD, VOLUME or ONBUILD, or an ENV/ARG that sets a proxy or an apt, dpkg or locale
    variable.
    """

    code = "DO211"
    name = "apt-get-update-with-install"
    title = "apt-get update alone in its RUN goes stale"
    severity = Severity.WARNING
    order = 205
    needs = ('apt',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        taken: set[int] = set()
        for stage in doc.stages:
            instructions = stage.instructions
            for position, first in enumerate(instructions):
                if first.index in taken or first.cmd != "RUN" or not _lone_update(doc, first):
                    continue
                second = _next_run(instructions[position + 1 :])
                if second is None or second.index in taken or not _installs(doc, second):
                    continue
                if sorted(first.flags) != sorted(second.flags):
                    continue
                view = doc.shell(first)
                assert view is not None  # _lone_update read it
                update = view.script.strip()
                line, col = doc.logical(second).position(doc.logical(second).body)
                body = line_body(doc.lines[line])
                text = body[:col] + update + " && " + body[col:] + "\n"
                taken.update((first.index, second.index))
                yield self.fix(
                    "run `apt-get update` in the RUN that installs, so its lists are never stale",
                    first,
                    [Edit.delete(first.start, first.end), Edit.replace(line, line, text)],
                )


def _next_run(following: Iterable[Instruction]) -> Instruction | None:
    """The next RUN, past instructions that cannot change what apt does (LABEL, EXPOSE, ...)."""
    for item in following:
        if item.cmd == "RUN":
            return item
        if item.cmd in _APT_NEUTRAL:
            continue
        if item.cmd in ("ENV", "ARG") and not any(_APT_SETTING.search(word.partition("=")[0]) for word in item.args[::2 if item.cmd == "ENV" else 1]):
            continue
        return None
    return None


def _lone_update(doc: Document, instruction: Instruction) -> bool:
    view = doc.shell(instruction)
    if view is None or view.has_error or instruction.cmd != "RUN" or "\n" in view.script.strip():
        return False
    parts = view.and_chain()
    if not parts:
        return False
    calls = apt_calls(view)
    return len(calls) == len(parts) and all(sub == "update" for _, _, sub in calls)


def _installs(doc: Document, instruction: Instruction) -> bool:
    view = doc.shell(instruction)
    if view is None or view.has_error or not view.and_chain():
        return False
    calls = apt_calls(view)
    return bool(calls) and calls[0][2] != "update" and any(sub in APT_NEEDS_LISTS for _, _, sub in calls)
