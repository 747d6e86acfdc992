"""DO220 rpm-assume-yes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import add_option_after, line_edits, rpm_calls

# Subcommands that ask "Is this ok [y/N]" (yum, dnf) or "Continue? [y/n]" (zypper).
_YUM_ASKING = frozenset(
    "install groupinstall localinstall reinstall update upgrade update-minimal upgrade-minimal remove erase "
    "downgrade distro-sync distrosync autoremove swap builddep".split()
)
_YUM_GROUP_ASKING = frozenset({"install", "remove", "upgrade", "update", "enable", "disable", "reset", "switch-to", "erase"})
_ZYPPER_ASKING = frozenset(
    "install in remove rm update up patch dist-upgrade dup source-install si install-new-recommends inr".split()
)
_SHORT_CLUSTER_RE = re.compile(r"^-[a-zA-Z]+$")
_ANSWERED_RE = re.compile(r"(?i)assume-?(yes|no)|^--no-confirm$|^--non-interactive$|^--setopt=assumeyes")


def _answered(program: str, values: Iterable[str | None]) -> bool:
    for value in values:
        if value is None:
            continue
        if _ANSWERED_RE.search(value):
            return True
        if _SHORT_CLUSTER_RE.match(value) and ("y" in value or (program == "zypper" and "n" in value)):
            return True
    return False


def _asks(program: str, sub: str) -> bool:
    if program == "zypper":
        return sub in _ZYPPER_ASKING
    first, _, second = sub.partition(" ")
    return sub in _YUM_ASKING or (bool(second) and second in _YUM_GROUP_ASKING)


class RpmAssumeYes(Transform):
    """Add `-y` to yum, dnf and zypper commands that would ask for confirmation.

    ## What it does
    Inserts `-y` after the subcommand of `yum`/`dnf install`, `update`, `remove`... (and of
    `yum group install`, `dnf module enable`) and of `zypper install/remove/update/patch/dup`,
    unless the command already says `-y`, `--assumeyes`, `--assumeno` or, for zypper, `-n`,
    `--non-interactive` or `--no-confirm`. microdnf does not ask and is left alone.

    ## Why
    A build has no terminal: yum and dnf read no answer to "Is this ok [y/N]" and exit with
    "Operation aborted", zypper does the same; the build fails.

    ## Example
    ```dockerfile
    RUN yum install httpd && yum clean all
    ```
    becomes
    ```dockerfile
    RUN yum install -y httpd && yum clean all
    ```

    ## Fix safety
    Safe: where the tool does not ask, `-y` changes nothing; where it asks, the original build
    aborts.
    """

    code = "DO220"
    name = "rpm-assume-yes"
    title = "yum/dnf/zypper need -y in a build"
    severity = Severity.WARNING
    aliases = ("DL3030", "DL3038", "DL3034")
    order = 230
    needs = ('yum', 'dnf', 'zypper')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call, index, sub in rpm_calls(view):
                if call.program == "microdnf" or not _asks(call.program, sub) or _answered(call.program, call.values()):
                    continue
                change = add_option_after(view, call.words[index], "-y")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix("add `-y`: a build cannot answer the package manager's questions", instruction, line_edits(doc, changes))
