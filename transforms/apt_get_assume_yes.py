"""DO212 apt-get-assume-yes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import add_option_after, apt_calls, line_edits

# Subcommands that stop to ask "Do you want to continue? [Y/n]" when they would change more
# than was asked for; in a build there is nobody to answer and apt-get aborts.
_ASKING = frozenset("install reinstall upgrade dist-upgrade full-upgrade remove purge autoremove autopurge build-dep satisfy".split())
_YES_WORDS = frozenset({"-y", "--yes", "--assume-yes", "--force-yes", "-qq", "--quiet=2", "-q=2"})
_SHORT_CLUSTER_RE = re.compile(r"^-[a-zA-Z]+$")
# `--assume-no` / `--trivial-only` say "no" on purpose; an Assume-Yes option already says yes.
_ANSWERED_RE = re.compile(r"(?i)assume-(yes|no)|trivial-only|^--?(simulate|just-print|dry-run|recon|no-act)$|^-s$")


def answers_yes(words: Iterable[str | None]) -> bool:
    for value in words:
        if value is None:
            continue
        if value in _YES_WORDS or _ANSWERED_RE.search(value):
            return True
        if _SHORT_CLUSTER_RE.match(value) and not value.startswith(("-o", "-t", "-c", "-a")):
            if "y" in value or value.count("q") >= 2:  # -qy, -yq, -qqy: -qq implies -y
                return True
    return False


class AptGetAssumeYes(Transform):
    """Add `-y` to `apt-get install` (and other asking subcommands) in RUN.

    ## What it does
    Inserts `-y` right after `install`, `upgrade`, `dist-upgrade`, `remove`, `purge`,
    `autoremove` or `build-dep` when the command has no `-y`, `--yes`, `--assume-yes` or `-qq`.

    ## Why
    A build has no terminal: when apt-get wants to ask "Do you want to continue?" (it does as soon
    as it installs a dependency you did not name) it reads no answer and aborts the build.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Safe: where apt-get does not ask, `-y` changes nothing; where it asks, the original build
    aborts. `-y` never allows what apt-get refuses on its own (held or essential packages,
    unauthenticated ones, downgrades).
    """

    code = "DO212"
    name = "apt-get-assume-yes"
    title = "apt-get install needs -y in a build"
    severity = Severity.WARNING
    aliases = ("DL3014",)
    order = 210
    needs = ('apt',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call, index, sub in apt_calls(view):
                if sub not in _ASKING or answers_yes(call.values()):
                    continue
                change = add_option_after(view, call.words[index], "-y")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix("add `-y`: a build cannot answer apt-get's questions", instruction, line_edits(doc, changes))
