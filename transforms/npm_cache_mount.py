"""DO255 npm-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import mounting, npm_plan
from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform


class NpmCacheMount(Transform):
    """Keep the cache of npm, Yarn and pnpm on a BuildKit cache mount (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount" (`cache = "mount"` in the config, or `--cache mount`).
    A RUN that installs with npm (`install`, `ci`, ...), Yarn (`yarn`, `yarn install`/`add`) or
    pnpm (`install`, `add`, `fetch`, ...) as root gets `--mount=type=cache,target=...` on the
    tool's cache: `$HOME/.npm` for npm, `/usr/local/share/.cache/yarn` for Yarn 1 run as root
    (with `sharing=locked`: Yarn 1 does not lock its cache), and the pnpm store
    (`$PNPM_HOME/store`, else `$HOME/.local/share/pnpm/store`). Cleanups that would empty the
    cache go: `npm cache clean --force`, `yarn cache clean`, `pnpm store prune`, an `rm` of the
    cache folder. With this policy `npm-cache-clean` (DO245) adds nothing where this rule mounts.

    Left alone: a cache placed on purpose (`npm_config_cache`, `YARN_CACHE_FOLDER`,
    `npm_config_store_dir`, `XDG_DATA_HOME`), a later RUN that installs `--offline` or
    `--prefer-offline`, or names the cache folder; a `npm cache clean` without `--force` (it
    fails on npm 5 and later, and the build must keep failing); a RUN run by another user than
    root, Windows stages, ONBUILD, exec form and heredocs. A RUN that mounts the folder already is
    not touched again.

    ## Why
    npm keeps every downloaded package in its cache. Cleaned in the layer, it is gone when one
    dependency changes and the install runs again. On a cache mount it never reaches the image
    and is there for the next build.

    ## Example
    ```dockerfile
    RUN npm ci && npm cache clean --force
    ```
    becomes
    ```dockerfile
    RUN --mount=type=cache,target=/root/.npm npm ci
    ```

    ## Fix safety
    Safe: the same packages are installed, and the cache is on the mount, not in the image (the
    mounted folder is empty in the image; Docker 20.10 keeps the empty folder where the mount
    was). Yarn 2 and later keep their cache elsewhere and do not use this mount. The build needs
    BuildKit.
    """

    code = "DO255"
    name = "npm-cache-mount"
    title = "npm downloads again what a cache mount would keep (cache policy \"mount\")"
    severity = Severity.INFO
    order = 259
    needs = ("npm", "yarn", "pnpm")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        for instruction, view in doc.shell_views():
            plan = npm_plan(doc, instruction, view)
            edits = plan and plan.edits(doc, instruction)
            if edits:
                yield self.fix("keep the package cache on a cache mount", instruction, edits)
