"""DO221 rpm-cache-clean."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator

from dockopt.cache_mounts import mounting, rpm_plan
from dockopt.document import Document, Instruction
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.package_managers import (
    append_to_chain,
    later_instructions,
    mounted_over,
    rpm_calls,
    runs_unseen_script,
    text_of,
)

# Subcommands that download repository metadata or packages into the cache.
_FILLS_CACHE = frozenset(
    "install groupinstall localinstall reinstall update upgrade update-minimal upgrade-minimal makecache "
    "downgrade distro-sync distrosync swap builddep in up patch dist-upgrade dup refresh ref source-install si".split()
)
_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/zypp")
_CLEANED_RE = re.compile(r"\b(?:yum|dnf5?|microdnf|zypper)\b[^;&|\n]*\b(?:clean|cc)\b|/var/cache/(?:yum|dnf|libdnf5|zypp)")
_ZYPPER_LATER_RE = re.compile(r"\bzypper\b")
_CLEAN = {"zypper": "zypper clean --all"}


class RpmCacheClean(Transform):
    """Clean the yum/dnf/microdnf/zypper cache in the RUN that fills it.

    ## What it does
    Appends `&& yum clean all` (`dnf clean all`, `microdnf clean all`, `zypper clean --all`:
    the tool the RUN used) to a RUN whose `&&` chain installs or updates packages, unless the RUN
    already cleans, the cache is a `--mount=type=cache`, or the tool is given `--installroot`.
    With the cache policy "mount" it adds nothing to a RUN that `rpm-cache-mount` (DO259) puts
    on a cache mount; elsewhere (microdnf, another user than root, ...) it still cleans up.

    ## Why
    The tools keep repository metadata (tens of megabytes) and downloaded packages under
    `/var/cache/yum`, `/var/cache/dnf` or `/var/cache/zypp`. A layer keeps what its RUN wrote:
    cleaned in a later RUN they still ship.

    ## Example
    ```dockerfile
    RUN yum install -y httpd
    ```
    becomes
    ```dockerfile
    RUN yum install -y httpd && yum clean all
    ```

    ## Fix safety
    Safe: the cleanup runs last and only when the install succeeded, and only caches leave the
    image; yum and dnf download metadata again when a later RUN needs it. For zypper, a later RUN
    that runs zypper leaves the fix out, and a later script we cannot see makes it unsafe.
    """

    code = "DO221"
    name = "rpm-cache-clean"
    title = "yum/dnf/zypper cache left in the layer"
    severity = Severity.INFO
    aliases = ("DL3032", "DL3040", "DL3036")
    order = 235
    needs = ('yum', 'dnf', 'zypper')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            if _CLEANED_RE.search(text_of(doc, instruction)):
                continue
            calls = [
                call
                for call, _, sub in rpm_calls(view, top_level=True)  # the clean runs the tool: it must be there
                if sub.split(" ")[-1] in _FILLS_CACHE or sub.startswith(("group ", "groups ", "module "))
            ]
            if not calls or mounted_over(instruction, *_CACHES):
                continue
            if any(call.has_prefix("--installroot") for call in calls):
                continue
            if mounting(ctx) and rpm_plan(doc, instruction, view) is not None:
                continue  # cache policy "mount": the mount pass keeps this cache out of the image
            tools = list(dict.fromkeys(call.program for call in calls))
            if _next_run_uses(doc, instruction, tools):
                continue  # the clean belongs at the end of the chain chain-run (DO201) makes of them
            safety = None
            if "zypper" in tools:
                later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
                if any(_ZYPPER_LATER_RE.search(text_of(doc, item)) for item in later):
                    continue
                if any(runs_unseen_script(doc, item) for item in later):
                    safety = Safety.UNSAFE
            cleanup = " && ".join(_CLEAN.get(tool, f"{tool} clean all") for tool in tools)
            edits = append_to_chain(doc, instruction, view, cleanup)
            if edits is None:
                continue
            message = f"clean the package cache in the layer that fills it (`{cleanup}`)"
            if safety is Safety.UNSAFE:
                message += " (unsafe: a later script may need zypper's metadata)"
            yield self.fix(message, instruction, edits, safety=safety)


def _next_run_uses(doc: Document, instruction: Instruction, tools: Container[str]) -> bool:
    """Is the very next instruction of the stage a RUN that calls one of these tools too?"""
    following = doc.instructions[instruction.index + 1] if instruction.index + 1 < len(doc.instructions) else None
    if following is None or following.cmd != "RUN" or following.stage != instruction.stage:
        return False
    view = doc.shell(following)
    return view is not None and any(call.program in tools for call, _, _ in rpm_calls(view))
