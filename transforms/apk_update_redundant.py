"""DO231 apk-update-redundant."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.shell import Command, ShellView
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import (
    apk_calls,
    invocation,
    later_instructions,
    remove_chain_part,
    text_of,
)


class ApkUpdateRedundant(Transform):
    """Drop `apk update` from a RUN whose every `apk add` uses `--no-cache`.

    ## What it does
    Removes an `apk update &&` step from a RUN's `&&` chain when every other apk command in the RUN
    is `apk add --no-cache` or `apk del`, and no later RUN uses apk with `--no-network`.

    ## Why
    `apk add --no-cache` fetches fresh indexes itself and ignores the cached ones, so `apk update`
    only writes an index cache to `/var/cache/apk` that ships in the layer and is never read.

    ## Example
    ```dockerfile
    RUN apk update && apk add --no-cache curl
    ```
    becomes
    ```dockerfile
    RUN apk add --no-cache curl
    ```

    ## Fix safety
    Safe: `apk add --no-cache` installs from the same fresh indexes; only the index cache is gone,
    and a later apk command that needs indexes fetches them again.
    """

    code = "DO231"
    name = "apk-update-redundant"
    title = "apk update is redundant before apk add --no-cache"
    severity = Severity.INFO
    aliases = ("DL3019",)
    order = 245
    needs = ('apk',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            parts = view.and_chain()
            if not parts or len(parts) < 2:
                continue
            calls = apk_calls(view, top_level=False)
            adds = [call for call, _, sub in calls if sub == "add"]
            others = [sub for _, _, sub in calls if sub not in ("add", "del", "update")]
            if not adds or others or not all(call.has("--no-cache") for call in adds):
                continue
            if any("--no-network" in text_of(doc, item) for item in later_instructions(doc, instruction)):
                continue
            for index, part in enumerate(parts[:-1]):
                if part.type != "command":
                    continue
                call = invocation(view, _command(view, part), ("apk",))
                if call is None or [w.value for w in call.words if not (w.value or "").startswith("-")] != ["update"]:
                    continue
                edits = remove_chain_part(doc, instruction, view, parts, index)
                if edits:
                    yield self.fix("drop `apk update`: `apk add --no-cache` fetches fresh indexes itself", instruction, edits)
                break


def _command(view: ShellView, node: Node) -> Command:
    return next(command for command in view.commands if command.node == node)
