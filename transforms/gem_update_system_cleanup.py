"""DO285 gem-update-system-cleanup."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.image import is_root_user
from dockopt.package_managers import append_to_chain, invocations, subcommand, text_of
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform

_ROOT_GEM = re.compile(r"/root/\.gem\b|~/\.gem\b|\$HOME/\.gem\b|\$\{HOME\}/\.gem\b")


class GemUpdateSystemCleanup(Transform):
    """Remove /root/.gem in the RUN that runs `gem update --system`.

    ## What it does
    Appends `&& rm -rf /root/.gem` to a RUN (as root) whose `&&` chain runs
    `gem update --system`, unless the RUN already removes it, or the Dockerfile mentions
    `--user-install` or `/root/.gem` anywhere else.

    ## Why
    `gem update --system` leaves RubyGems' download and spec caches under `/root/.gem`: they ship
    in the layer and nothing reads them at run time (the official ruby images remove them;
    binnacle's and Parfum's `gemUpdateSystemRmRootGem`).

    ## Example
    ```dockerfile
    RUN gem update --system
    ```
    becomes
    ```dockerfile
    RUN gem update --system && rm -rf /root/.gem
    ```

    ## Fix safety
    Unsafe: everything under `/root/.gem` leaves the image, including gems the base image
    installed there with `--user-install`, which dockopt cannot see.
    """

    code = "DO285"
    name = "gem-update-system-cleanup"
    title = "gem update --system leaves its caches in /root/.gem"
    safety = Safety.UNSAFE
    aliases = ("gemUpdateSystemRmRootGem",)
    order = 285
    needs = ('gem',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        whole = None
        for instruction, view in doc.shell_views():
            updates = [
                call
                for call in invocations(view, ("gem",))
                if (sub := subcommand(call)) is not None and sub[1] == "update" and call.has("--system")
            ]
            if not updates:
                continue
            user = doc.image.scope(instruction).user
            if user is not None and not is_root_user(user):
                continue
            if whole is None:
                whole = "\n".join(text_of(doc, item) for item in doc.instructions)
            if "--user-install" in whole or _ROOT_GEM.search(whole):
                continue
            edits = append_to_chain(doc, instruction, view, "rm -rf /root/.gem")
            if edits is not None:
                yield self.fix(
                    "remove /root/.gem, the caches `gem update --system` leaves, in the same RUN "
                    "(unsafe: anything else under /root/.gem goes too)",
                    instruction,
                    edits,
                )
