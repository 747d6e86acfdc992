"""DO213 apt-get-no-install-recommends."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.package_managers import (
    add_option_after,
    apt_calls,
    apt_simulates,
    end_position,
    line_edits,
)
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

_QUIET_YES = frozenset({"-y", "--yes", "--assume-yes", "-q", "-qq", "--quiet", "-qy", "-yq", "-qqy"})


class AptGetNoInstallRecommends(Transform):
    """Add `--no-install-recommends` to `apt-get install`.

    ## What it does
    Inserts `--no-install-recommends` after `install` (after a `-y` that directly follows it)
    unless the command already says how to treat recommended packages.

    ## Why
    By default apt-get also installs every package the named ones merely *recommend*: documentation,
    optional helpers, often compilers and X libraries. They make the image larger and give it more
    to patch.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y python3
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends python3
    ```

    ## Fix safety
    Unsafe: the recommended packages are no longer installed, and the software may need one of them
    (`ca-certificates` for HTTPS, `gnupg` for apt-key...). Build and test the image, and name the
    packages it needs.
    """

    code = "DO213"
    name = "apt-get-no-install-recommends"
    title = "apt-get install pulls in recommended packages"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    aliases = ("DL3015",)
    order = 215
    needs = ('apt',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call, index, sub in apt_calls(view):
                if sub != "install" or apt_simulates(call) or any(
                    value is not None and "install-recommends" in value.lower() for value in call.values()
                ):
                    continue
                anchor = call.words[index]
                line = end_position(view, anchor.node)
                for word in call.words[index + 1 :]:
                    if word.value not in _QUIET_YES or line is None:
                        break
                    end = end_position(view, word.node)
                    if end is None or end[0] != line[0]:
                        break
                    anchor = word
                change = add_option_after(view, anchor, "--no-install-recommends")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "add `--no-install-recommends` (unsafe: the software may need a recommended package)",
                    instruction,
                    line_edits(doc, changes),
                )
