"""DO109 redundant-target-platform."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

# The flag as BuildKit's check sees it: the value is exactly the TARGETPLATFORM variable.
_FLAG = re.compile(r"""[ \t]+--platform=(["']?)(\$TARGETPLATFORM|\$\{TARGETPLATFORM\})\1(?=[ \t])""", re.IGNORECASE)


class RedundantTargetPlatform(Transform):
    """Remove `--platform=$TARGETPLATFORM` from FROM.

    ## What it does
    Deletes the flag when its value is exactly `$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    Other `--platform` values, `$BUILDPLATFORM` in particular (cross-compilation), are left
    alone, and so is every FROM of a file that declares `ARG TARGETPLATFORM` with a default of
    its own.

    ## Why
    BuildKit warns about it (`RedundantTargetPlatform`): a FROM without `--platform` already
    pulls the base for the target platform, so the flag only adds noise (and suggests a
    cross-build setup that is not there).

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM debian:bookworm-slim
    ```
    becomes
    ```dockerfile
    FROM debian:bookworm-slim
    ```

    ## Fix safety
    Safe: the target platform is BuildKit's default for FROM, so the same base is pulled.
    """

    code = "DO109"
    name = "redundant-target-platform"
    title = "`FROM --platform=$TARGETPLATFORM` is the default"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("RedundantTargetPlatform", "buildkit/RedundantTargetPlatform", "DL3065")
    order = 109
    needs = ("targetplatform",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for item in doc.instructions:
            if item.cmd == "ARG" and any(arg.split("=", 1)[0] == "TARGETPLATFORM" and "=" in arg for arg in item.args):
                return  # the file gives the variable a value of its own: it may not be the target
        for item in doc.instructions:
            if item.cmd != "FROM" or len(item.flags_named("platform")) != 1:
                continue
            body = line_body(doc.lines[item.start])
            match = _FLAG.search(body + " ")
            if not match:
                continue
            text = body[: match.start()] + body[match.end():] + (doc.lines[item.start][len(body):] and "\n")
            yield self.fix("remove --platform=$TARGETPLATFORM", item, [Edit.replace(item.start, item.start, text)],
                           problem="`--platform=$TARGETPLATFORM` is redundant")
