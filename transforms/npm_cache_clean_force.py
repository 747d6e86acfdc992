"""DO284 npm-cache-clean-force."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.package_managers import add_option_after, invocations, line_edits, subcommand
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform


class NpmCacheCleanForce(Transform):
    """Pass `--force` to `npm cache clean`.

    ## What it does
    Adds `--force` after `npm cache clean` when the call has neither `--force` nor `-f`.

    ## Why
    Since npm 5, `npm cache clean` without `--force` refuses to run and exits with an error
    ("the cache self-heals"): a RUN that cleans the cache that way fails the build, so the
    cleanup is often deleted instead of fixed, and the cache ships (binnacle's and Parfum's
    `npmCacheCleanUseForce`).

    ## Example
    ```dockerfile
    RUN npm ci && npm cache clean
    ```
    becomes
    ```dockerfile
    RUN npm ci && npm cache clean --force
    ```

    ## Fix safety
    Unsafe: it changes the build's outcome on npm 5 and later, where the RUN failed and now runs
    (and cleans the cache). On older npm nothing changes.
    """

    code = "DO284"
    name = "npm-cache-clean-force"
    title = "npm cache clean without --force fails on npm 5 and later"
    safety = Safety.UNSAFE
    aliases = ("npmCacheCleanUseForce",)
    order = 284
    needs = ('npm',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call in invocations(view, ("npm",), top_level=False):
                sub = subcommand(call)
                if sub is None or sub[1] != "cache" or call.has("--force", "-f"):
                    continue
                rest = call.words[sub[0] + 1 :]
                verb = next((w for w in rest if w.value is None or not w.value.startswith("-")), None)
                if verb is None or verb.value not in ("clean", "clear", "rm"):
                    continue
                change = add_option_after(view, verb, "--force")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "add `--force`: npm 5 and later refuse `npm cache clean` without it "
                    "(unsafe: a build that failed there now runs on)",
                    instruction,
                    line_edits(doc, changes),
                )
