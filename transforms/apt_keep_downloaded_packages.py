"""DO256 apt-keep-downloaded-packages."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import keep_debs_span, mounting, rewrite
from dockopt.document import Document
from dockopt.package_managers import earlier_instructions
from dockopt.results import Fix, Safety
from dockopt.transform import Context, Severity, Transform


class AptKeepDownloadedPackages(Transform):
    """Let apt keep its downloads on the cache mount: remove Debian's `docker-clean` setting
    (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount". In a RUN that mounts a cache on `/var/cache/apt`
    (as `apt-cache-mount`, DO253, does) and runs apt as root, it puts first
    `rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache`:
    the recipe of Docker's documentation. Once per stage (and the stages built on it): a RUN
    whose stage already mentions `docker-clean` or `Keep-Downloaded-Packages` is left alone, and
    so is a body that is not one `&&` chain.

    ## Why
    Debian's and Ubuntu's images carry `/etc/apt/apt.conf.d/docker-clean`, which deletes every
    downloaded `.deb` after each apt run. With it, the cache mount keeps only the package lists:
    a rebuild downloads every package again. Without it (and with apt told to keep what it
    downloads), the packages stay on the mount and never reach the layer.

    ## Example
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl
    ```
    becomes
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Unsafe: the image loses `docker-clean` and gains `keep-cache`. A later RUN that runs apt
    without a cache mount, or apt in an image built FROM this one, then keeps the downloaded
    packages in its layer (tens of megabytes) unless it cleans up itself.
    """

    code = "DO256"
    name = "apt-keep-downloaded-packages"
    title = "docker-clean deletes the packages the apt cache mount should keep (cache policy \"mount\")"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    order = 217
    needs = ("apt",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        done: set[int] = set()
        for instruction, view in doc.shell_views():
            span = keep_debs_span(doc, instruction, view)
            edits = span and rewrite(doc, instruction, [span])
            if edits and not any(item.index in done for item in earlier_instructions(doc, instruction)):
                done.add(instruction.index)
                yield self.fix(
                    "remove docker-clean so apt keeps its downloads on the cache mount",
                    instruction,
                    edits,
                    reason="apt in later steps without a mount, and in images built on this one, keeps downloaded packages",
                )
