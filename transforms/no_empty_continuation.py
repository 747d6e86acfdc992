"""DO108 no-empty-continuation."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform


class NoEmptyContinuation(Transform):
    """Remove empty lines inside a continued instruction.

    ## What it does
    Deletes the blank lines between the lines of one instruction continued with the escape
    character. Comment lines inside the instruction are not empty and stay; heredoc bodies are
    never touched.

    ## Why
    BuildKit warns about it (`NoEmptyContinuation`) and says a future release will reject it:
    a blank line looks like the end of the instruction, but the instruction goes on.

    ## Example
    ```dockerfile
    RUN apt-get update && \\

        apt-get install -y curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update && \\
        apt-get install -y curl
    ```

    ## Fix safety
    Safe: BuildKit skips those lines; the instruction reads the same without them.
    """

    code = "DO108"
    name = "no-empty-continuation"
    title = "empty continuation lines are deprecated"
    safety = Safety.SAFE
    severity = Severity.WARNING
    aliases = ("NoEmptyContinuation", "buildkit/NoEmptyContinuation")
    order = 95

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for item in doc.instructions:
            if item.start == item.end or item.heredocs:
                continue
            blank = [line for line in range(item.start + 1, item.end + 1) if not line_body(doc.lines[line]).strip()]
            if not blank:
                continue
            yield self.fix(f"remove {len(blank)} empty line{'s' if len(blank) > 1 else ''} inside the instruction", item,
                           [Edit.delete(line, line) for line in blank], problem="empty continuation line")
