"""DO104 consistent-instruction-casing."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform


class ConsistentInstructionCasing(Transform):
    """Write the keywords of the minority case like the rest of the file.

    ## What it does
    Counts the instruction keywords written all upper case and all lower case (as BuildKit does:
    every instruction of every stage, ONBUILD included, the ARGs above the first FROM not) and
    rewrites every keyword that differs from the majority (upper case on a tie), mixed-case ones
    like `Run` included. Only the keyword changes; a file whose keywords are all lower case, or
    all upper case, is left byte-identical.

    ## Why
    BuildKit warns about it (`ConsistentInstructionCasing`): a file that mixes `RUN` and `run`
    reads as if written by several hands, and the odd keyword is easy to miss.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    run apt-get update
    COPY . /app
    ```
    becomes
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update
    COPY . /app
    ```

    ## Fix safety
    Safe: Docker reads instruction keywords without regard to case.
    """

    code = "DO104"
    name = "consistent-instruction-casing"
    title = "instruction keywords should share the case of the file's majority"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("ConsistentInstructionCasing", "buildkit/ConsistentInstructionCasing")
    order = 104

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        counted = [item for item in doc.instructions if item.stage is not None]
        # BuildKit: upper case wins a tie. A file in one case throughout finds nothing to change
        # (the house rule: lower-case keywords stay as written).
        make_lower = doc.keywords_lower
        for item in counted:
            wanted = item.keyword.lower() if make_lower else item.keyword.upper()
            if wanted == item.keyword:
                continue
            body = line_body(doc.lines[item.start])
            at = body.find(item.keyword)
            if at < 0 or body[:at].strip(" \t"):
                continue
            ending = doc.lines[item.start][len(body):]
            text = body[:at] + wanted + body[at + len(item.keyword):] + (ending and "\n")
            yield self.fix(f"write `{item.keyword}` as `{wanted}`", item, [Edit.replace(item.start, item.start, text)],
                           problem=f"`{item.keyword}` differs from the file's {'lower' if make_lower else 'upper'}-case keywords")
