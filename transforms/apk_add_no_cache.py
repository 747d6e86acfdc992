"""DO230 apk-add-no-cache."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import APK_CACHES, add_option_after, apk_calls, line_edits, mounted_over


# `apk add` in a heredoc script, without an option that keeps the cache out
_HEREDOC_ADD = re.compile(r"^(?![^\n]*(?:--no-cache|--no-network|--cache-dir))[^\n#]*\bapk\b[^;&|\n]*\badd\b", re.M)


class ApkAddNoCache(Transform):
    """Add `--no-cache` to `apk add`.

    ## What it does
    Inserts `--no-cache` after `add` in `apk add` commands that have none of `--no-cache`,
    `--cache-dir` or `--no-network` (which fetches nothing to cache), unless the RUN mounts a cache
    on `/var/cache/apk` or `/etc/apk/cache`. In a heredoc script (`RUN <<EOF`), which dockopt does
    not rewrite, it reports the `apk add` instead. The cache policy "mount" does not change it:
    a cache mount would keep only apk's indexes, which apk then reuses for hours instead of
    reading the current ones (see `dockopt.cache_mounts`).

    ## Why
    Without it, apk stores the repository indexes it fetched under `/var/cache/apk` and they ship
    in the layer. With `--no-cache` it fetches them into memory and leaves nothing behind.

    ## Example
    ```dockerfile
    RUN apk add curl
    ```
    becomes
    ```dockerfile
    RUN apk add --no-cache curl
    ```

    ## Fix safety
    Safe: the same packages are installed from freshly fetched indexes; only the index cache in
    `/var/cache/apk` is no longer written.
    """

    code = "DO230"
    name = "apk-add-no-cache"
    title = "apk add leaves its index cache in the layer"
    severity = Severity.INFO
    aliases = ("DL3019",)
    order = 240
    needs = ('apk',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if mounted_over(instruction, *APK_CACHES):
                continue
            if "RUN" in (instruction.cmd, instruction.sub_cmd) and instruction.heredocs:
                if any(_HEREDOC_ADD.search(heredoc.content) for heredoc in instruction.heredocs):
                    yield self.fix("`apk add` without `--no-cache` in a heredoc script, which dockopt does not"
                                   " rewrite: add `--no-cache` by hand", instruction)
                continue
            view = doc.shell(instruction)
            if view is None or view.has_error:
                continue
            changes = []
            for call, index, sub in apk_calls(view):
                if sub != "add" or call.has("--no-cache", "--no-network") or call.has_prefix("--cache-dir"):
                    continue
                change = add_option_after(view, call.words[index], "--no-cache")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix("add `--no-cache` so apk leaves no index cache in the layer", instruction, line_edits(doc, changes))
