"""DO214 apt-get-lists-cleanup."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.cache_mounts import apt_plan, mounting
from dockopt.document import Document
from dockopt.results import Fix
from dockopt.run_merge import append_blocker
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.package_managers import (
    append_to_chain,
    apt_calls,
    later_instructions,
    mounted_over,
    needs_apt_lists,
    runs_unseen_script,
    text_of,
)

LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
# apt 2.7+ `dist-clean` removes the lists as well as the downloaded packages
_DIST_CLEAN = re.compile(r"\bapt(?:-get)?\b[^;&|\n]*\bdist-clean\b")


class AptGetListsCleanup(Transform):
    """Remove the apt lists at the end of the RUN that downloads them.

    ## What it does
    Appends `&& rm -rf /var/lib/apt/lists/*` to a RUN whose `&&` chain runs `apt-get update`,
    as a new continuation line in the file's style (or on the same line for a one-line RUN),
    in the stages the image is built from (the last stage and those it is built FROM): a builder
    stage's layers never reach the image, so its lists cost nothing (as hadolint's DL3009 sees it).
    It is left out when the RUN already mentions `/var/lib/apt/lists`, when the lists live on a
    `--mount=type=cache` (removing them would only empty the cache), when a later RUN of the
    stage (or of a stage built on it) uses apt-get without its own `apt-get update`, or when the
    chain's last part runs a list of commands (`{ ...; }`, `( ... )`, `if`, a loop, `source`,
    `eval`) while `set -e` may be on: POSIX ignores `set -e` on the left of `&&`, so a cleanup
    appended after it would let a failing command inside pass. In those cases it says why the
    lists stay (hadolint's DL3009 still fires there). A RUN that runs `apt-get dist-clean`
    (apt 2.7+) removes the lists already.
    With the cache policy "mount" it adds nothing to a RUN that `apt-cache-mount` (DO253) puts
    the lists on a cache mount; elsewhere (a RUN run by another user, ...) it still cleans up.

    ## Why
    `apt-get update` downloads tens of megabytes of package lists. A layer keeps what its RUN
    wrote: removed in a later RUN they still ship, removed in the same RUN they never do.

    ## Example
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix safety
    Safe: the cleanup runs last and only when everything before it succeeded, and only
    package-manager lists (a cache apt downloads again on `apt-get update`) leave the image.
    Unsafe when a later RUN executes a script we cannot see, which might call `apt-get install`
    without `apt-get update`.
    """

    code = "DO214"
    name = "apt-get-lists-cleanup"
    title = "apt lists left in the layer"
    severity = Severity.INFO
    aliases = ("DL3009",)
    order = 220
    needs = ('apt',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            if not doc.image.ships(doc.stage_of(instruction)):
                continue  # a builder stage: its lists never reach the image
            if mounting(ctx) and apt_plan(doc, instruction, view) is not None:
                continue  # cache policy "mount": the mount pass keeps this cache out of the image
            text = text_of(doc, instruction)
            if LISTS in text or _DIST_CLEAN.search(text):
                continue
            if not any(sub == "update" for _, _, sub in apt_calls(view)) or mounted_over(instruction, LISTS):
                continue
            later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
            needing = next((item for item in later if needs_apt_lists(text_of(doc, item))), None)
            if needing is not None:
                yield self.fix(
                    f"apt lists kept: the RUN on line {needing.start + 1} installs from them without its own"
                    " `apt-get update`",
                    instruction,
                )
                continue
            following = next((item for item in later if item.cmd == "RUN"), None)
            if following is not None and LISTS in text_of(doc, following):
                # chain-run or DO250 joins the two when they can; when they stay apart, say so
                yield self.fix(f"apt lists removed only by the next RUN (line {following.start + 1}):"
                               " they still ship in this layer", instruction)
                continue
            edits = append_to_chain(doc, instruction, view, CLEANUP)
            if edits is None:
                why = append_blocker(doc, instruction, view) or "it does not end with a plain command"
                yield self.fix(f"apt lists kept: `{CLEANUP}` cannot be appended to this RUN: {why}", instruction)
                continue
            if any(runs_unseen_script(doc, item) for item in later):
                yield self.fix(
                    "remove the apt lists in this layer (unsafe: a later script may still need them)",
                    instruction,
                    edits,
                    safety=Safety.UNSAFE,
                )
            else:
                yield self.fix("remove the apt lists in the layer that downloads them", instruction, edits)
