"""DO101 maintainer-to-label."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document, same_case
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform


class MaintainerToLabel(Transform):
    """Replace the deprecated MAINTAINER instruction with a `maintainer` LABEL.

    ## What it does
    Rewrites `MAINTAINER <name>` as `LABEL maintainer="<name>"`, keeping the keyword's case,
    the indentation, and any comment lines that sat inside a continued MAINTAINER (they move
    above the new line).

    ## Why
    MAINTAINER has been deprecated since Docker 1.13; BuildKit warns about it
    (`MaintainerDeprecated`). A label carries the same information and tools can read it.

    ## Example
    ```dockerfile
    MAINTAINER Jo Doe <jo@example.com>
    ```
    becomes
    ```dockerfile
    LABEL maintainer="Jo Doe <jo@example.com>"
    ```

    ## Fix safety
    Unsafe: nothing that runs in the image changes, but its metadata does. The image gets a
    `maintainer` label (replacing one inherited from the base image, if any) and loses its
    `Author` field. The value is written so that LABEL's variable expansion keeps it literal:
    `$`, `"` and the escape character are escaped.
    """

    code = "DO101"
    name = "maintainer-to-label"
    title = "MAINTAINER is deprecated: use a maintainer LABEL"
    safety = Safety.UNSAFE
    severity = Severity.WARNING
    aliases = ("DL4000", "MaintainerDeprecated", "DS022", "CKV_DOCKER_6")
    order = 100
    needs = ('maintainer',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if instruction.cmd != "MAINTAINER" or len(instruction.args) != 1:
                continue
            value = instruction.args[0]  # BuildKit's value: continuations joined, ends trimmed
            if not value:
                continue
            label = f"maintainer={quote_label_value(value, doc.escape)}"
            text = "".join(doc.comment_lines(instruction))
            text += f"{doc.indent(instruction.start)}{same_case('LABEL', instruction.keyword)} {label}\n"
            yield self.fix(
                f"use LABEL {label}",
                instruction,
                [Edit.replace(instruction.start, instruction.end, text)],
                problem="MAINTAINER is deprecated",
                reason="the image's labels change",
            )


def quote_label_value(value: str, escape: str) -> str:
    """`value` in double quotes, so that BuildKit's word expansion gives it back unchanged.

    Inside double quotes BuildKit treats only `"`, `$` and the escape character after an escape
    character as escaped; everything else (a backslash under a backtick escape, `'`) is literal.
    """
    out = []
    for char in value:
        if char in ('"', "$", escape):
            out.append(escape)
        out.append(char)
    return '"' + "".join(out) + '"'

