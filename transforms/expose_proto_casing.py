"""DO110 expose-proto-casing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

_PORT = re.compile(r"(?<=/)([A-Za-z]+)(?=[\s\"']|$)")


class ExposeProtoCasing(Transform):
    """Write the protocol of an EXPOSE port in lower case.

    ## What it does
    `EXPOSE 53/UDP` becomes `EXPOSE 53/udp`; only the protocol after the `/` changes.

    ## Why
    BuildKit warns about it (`ExposeProtoCasing`): protocols are lower case in the image config
    and in `docker run -p`; the upper-case form only looks like something else.

    ## Example
    ```dockerfile
    EXPOSE 80/TCP 53/UDP
    ```
    becomes
    ```dockerfile
    EXPOSE 80/tcp 53/udp
    ```

    ## Fix safety
    Safe: Docker lowers the protocol when it records the port, so the image is the same.
    """

    code = "DO110"
    name = "expose-proto-casing"
    title = "EXPOSE protocols should be lower case"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("ExposeProtoCasing", "buildkit/ExposeProtoCasing")
    order = 110
    needs = ("expose",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for item in doc.instructions:
            if item.cmd != "EXPOSE" or item.json:
                continue
            if not any("/" in arg and arg.rsplit("/", 1)[1] != arg.rsplit("/", 1)[1].lower() for arg in item.args):
                continue
            edits = []
            for line in item.lines:
                raw = doc.lines[line]
                body = line_body(raw)
                start = 0
                if line == item.start:
                    start = body.lower().find("expose") + len("expose")
                if body.lstrip().startswith("#") and line != item.start:
                    continue
                new = body[:start] + _PORT.sub(lambda m: m.group(1).lower(), body[start:])
                if new != body:
                    edits.append(Edit.replace(line, line, new + (raw[len(body):] and "\n")))
            if edits:
                ports = " ".join(arg for arg in item.args if "/" in arg and arg != arg.lower())
                yield self.fix(f"write {ports} in lower case", item, edits, problem="upper-case protocol in EXPOSE")
