"""DO253 apt-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import apt_plan, mounting
from dockopt.document import Document
from dockopt.results import Fix, Safety
from dockopt.transform import Context, Severity, Transform


class AptCacheMount(Transform):
    """Keep apt's lists and downloads on BuildKit cache mounts (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount" (`cache = "mount"` in the config, or `--cache mount`).
    A RUN that runs `apt-get update` (or `apt update`) as root gets
    `--mount=type=cache,target=/var/cache/apt,sharing=locked` and
    `--mount=type=cache,target=/var/lib/apt/lists,sharing=locked`, and the cleanups that would
    empty those caches on every build go: `rm -rf /var/lib/apt/lists/*` (only those paths, other
    paths of the same `rm` stay), `apt-get clean`. With this policy `apt-get-lists-cleanup`
    (DO214) adds no cleanup where this rule mounts.

    Left alone: a RUN that installs before it updates, a later RUN that installs from these lists
    without its own `apt-get update`, a RUN run by another user than root (a cache mount is
    root-owned), a cleanup that is not a part of the RUN's `&&` chain, Windows stages, ONBUILD,
    exec form and heredocs. A RUN that mounts the folders already is not touched again.

    No `# syntax=` line is added: Docker 20.10 and later read `RUN --mount` with their built-in
    frontend (Dockerfile syntax 1.2), and the line would make every build pull an image.

    ## Why
    A cache mount is not part of the image: the folder the RUN sees is kept by BuildKit between
    builds and never reaches the layer. The image is as small as with the cleanup, and when the
    package list changes, the rebuilt RUN finds the lists and packages it downloaded last time.
    `sharing=locked` makes a second build wait instead of breaking apt's lock.

    Debian and Ubuntu images carry `/etc/apt/apt.conf.d/docker-clean`, which deletes the
    downloaded `.deb` files after each install: there only the lists are reused. This rule leaves
    that file alone, as removing it changes the image (and apt in every image built on it).

    ## Example
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    becomes
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update \\
        && apt-get install -y curl
    ```

    ## Fix safety
    Safe: the image's files are those the cleanup leaves (the mounted folders are empty in the
    image, as after `rm -rf /var/lib/apt/lists/*`; Docker 20.10 keeps the empty folder where the
    mount was). Only `/var/lib/apt/lists` is mounted, not all of `/var/lib/apt`: apt records there
    which packages were installed as dependencies, and that must stay in the image. The build
    needs BuildKit. Unsafe when a later RUN runs a script we cannot see, which might install from
    the lists.
    """

    code = "DO253"
    name = "apt-cache-mount"
    title = "apt downloads again what a cache mount would keep (cache policy \"mount\")"
    severity = Severity.INFO
    aliases = ("DL3009",)
    order = 216
    needs = ("apt",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        for instruction, view in doc.shell_views():
            plan = apt_plan(doc, instruction, view)
            edits = plan.edits(doc, instruction) if plan is not None else None
            if plan is None or not edits:
                continue
            if plan.unsafe:
                yield self.fix("keep apt's lists and downloads on cache mounts", instruction, edits, Safety.UNSAFE, reason=plan.unsafe)
            else:
                yield self.fix("keep apt's lists and downloads on cache mounts", instruction, edits)
