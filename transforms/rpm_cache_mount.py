"""DO259 rpm-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import mounting, rpm_plan
from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform


class RpmCacheMount(Transform):
    """Keep the yum/dnf cache on a BuildKit cache mount (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount" (`cache = "mount"` in the config, or `--cache mount`).
    A RUN that installs or updates packages with yum or dnf as root gets
    `--mount=type=cache,target=<cache>,sharing=locked`, each call is told to keep the packages
    it downloads (`dnf --setopt=keepcache=True`, `yum --setopt=keepcache=1`) and to check whether
    the cached metadata is current (`--refresh`; `--setopt=metadata_expire=0` for yum 3), and a
    `yum clean all`/`dnf clean all` of the chain goes (an `rm` of the cache folder too, other paths
    of the same `rm` stay). The cache folder follows the base image: `/var/cache/yum` for yum 3
    (CentOS 7, Amazon Linux 2), `/var/cache/dnf` for dnf 4 (Rocky, Alma, CentOS Stream, UBI 8/9,
    Fedora up to 40; `yum` is dnf there), `/var/cache/libdnf5` for dnf5 (Fedora 41 and later).
    With this policy `rpm-cache-clean` (DO221) adds no `clean` where this rule mounts.

    Left alone: a base image whose yum/dnf we cannot tell (a variable, an unknown image), microdnf
    and zypper (their cache folder and options differ between versions: DO221 keeps cleaning), a
    RUN that changes the tool's settings or installs with `-C`/`--cacheonly`, a later step that
    does, an install given `--installroot` or its own `cachedir`/`keepcache`/`metadata_expire`, a
    RUN run by another user than root, a cleanup that is not a part of the RUN's `&&` chain,
    Windows stages, ONBUILD, exec form and heredocs. A RUN that mounts the cache already is not touched again.

    ## Why
    yum and dnf download tens of megabytes of repository metadata before every install, and the
    packages themselves. Cleaned in the layer, they are downloaded again whenever the RUN runs.
    On a cache mount they are kept between builds and never reach the image; `sharing=locked`
    makes a second build wait instead of two writing the same metadata.

    ## Example
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y httpd && dnf clean all
    ```
    becomes
    ```dockerfile
    FROM rockylinux:9
    RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf --setopt=keepcache=True --refresh install -y httpd
    ```

    ## Fix safety
    Safe: the image keeps the files the cleanup leaves (`clean all` empties only the cache
    folder, which is an empty folder in the image with the mount too). What yum and dnf record
    outside the cache stays as it was: the transaction history in `/var/lib/dnf` (or
    `/var/lib/yum`) and the rpm database are written the same with and without the mount, and
    `keepcache` only decides whether the downloaded packages are deleted from the (mounted)
    cache. Cached metadata would be used until it expires (hours or days), so an install could
    pick older packages than a build that downloads it fresh: `--refresh` makes it check the
    repository first (one small `repomd.xml`), and download the rest again when it changed. A
    package file is taken from the cache only when its checksum matches. The build needs BuildKit.
    """

    code = "DO259"
    name = "rpm-cache-mount"
    title = "yum/dnf download again what a cache mount would keep (cache policy \"mount\")"
    severity = Severity.INFO
    aliases = ("DL3032", "DL3040")
    order = 234
    needs = ("yum", "dnf")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        for instruction, view in doc.shell_views():
            plan = rpm_plan(doc, instruction, view)
            edits = plan and plan.edits(doc, instruction)
            if edits:
                yield self.fix("keep the yum/dnf cache on a cache mount", instruction, edits)
