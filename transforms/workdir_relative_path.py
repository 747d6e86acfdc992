"""DO112 workdir-relative-path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dockopt.base_images import base_config
from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform


class WorkdirRelativePath(Transform):
    """Write a stage's first WORKDIR as an absolute path when it is relative.

    ## What it does
    A relative WORKDIR that comes before any other WORKDIR of the stage (and of the stages it is
    built on) is relative to the base image's working folder. The fix writes the path that
    results: `WORKDIR app` on `debian` becomes `WORKDIR /app`, on `golang` `WORKDIR /go/app`.
    Variables in the path are kept (`WORKDIR $NAME` becomes `WORKDIR /$NAME`); a path in quotes
    is left alone.

    ## Why
    BuildKit warns about it (`WorkdirRelativePath`): where the files land then depends on a
    setting of the base image that the Dockerfile does not show, and changes if the base does.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    WORKDIR app
    ```
    becomes
    ```dockerfile
    FROM debian:bookworm-slim
    WORKDIR /app
    ```

    ## Fix safety
    Safe when dockopt knows the base image's working folder (official images such as debian,
    ubuntu, alpine, python, node, golang, and `scratch`). Otherwise unsafe: the fix assumes `/`,
    the default of most images; if the base sets another working folder, the path changes.
    """

    code = "DO112"
    name = "workdir-relative-path"
    title = "a relative WORKDIR depends on the base image's working folder"
    safety = Safety.SAFE
    severity = Severity.WARNING
    aliases = ("WorkdirRelativePath", "buildkit/WorkdirRelativePath")
    order = 112
    needs = ("workdir",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        image = doc.image
        for stage in doc.stages:
            chain = image.chain(stage)
            first = next((item for part in chain for item in part.instructions if item.cmd == "WORKDIR"), None)
            if first is None or first.stage != stage.index or len(first.args) != 1 or first.start != first.end:
                continue
            root = image.stage(chain[0])
            if root.windows:
                continue
            text = first.args[0]
            if text.startswith("/") or any(c in text for c in "\"'" + doc.escape):
                continue
            value = image.scope(first).word(text)
            if value is not None and value.startswith("/"):
                continue  # a variable that holds an absolute path
            if root.base_image == "scratch":
                known, base = True, "/"
            else:
                config = base_config(root.base_image)
                known, base = config.workdir_known, config.workdir
            if "$" in text:
                path = base.rstrip("/") + "/" + (text[2:] if text.startswith("./") else text)
            else:
                path = posixpath.normpath(posixpath.join(base, text))
            raw = doc.lines[first.start]
            body = line_body(raw)
            at = body.rfind(text)
            if at < 0:
                continue
            new = body[:at] + path + body[at + len(text):] + (raw[len(body):] and "\n")
            if known:
                yield self.fix(f"write WORKDIR {path}", first, [Edit.replace(first.start, first.start, new)],
                               problem=f"relative WORKDIR {text}")
            else:
                yield self.fix(f"write WORKDIR {path}", first, [Edit.replace(first.start, first.start, new)], Safety.UNSAFE,
                               problem=f"relative WORKDIR {text}",
                               reason=f"assumes {root.base_image} works in /; the path changes if it sets another WORKDIR")
