"""DO101 maintainer-to-label."""

from __future__ import annotations

import json

from dockopt.edits import Edit
from dockopt.transform import Transform


class MaintainerToLabel(Transform):
    """Replace the deprecated MAINTAINER instruction with a `maintainer` LABEL.

    ## What it does
    Rewrites `MAINTAINER <name>` as `LABEL maintainer="<name>"`.

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
    Safe for what runs: the image's filesystem and runtime config stay the same. The image's
    `Author` metadata field is no longer set; the label takes its place.
    """

    code = "DO101"
    name = "maintainer-to-label"
    title = "MAINTAINER is deprecated: use a maintainer LABEL"
    aliases = ("DL4000", "MaintainerDeprecated")
    order = 100

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            if instruction.cmd != "MAINTAINER" or instruction.start != instruction.end:
                continue
            value = doc.logical(instruction).text[doc.logical(instruction).body :].strip()
            if not value:
                continue
            keyword = "LABEL" if instruction.keyword.isupper() else "label"
            text = f"{doc.indent(instruction.start)}{keyword} maintainer={json.dumps(value, ensure_ascii=False)}\n"
            yield self.fix(f"MAINTAINER is deprecated: LABEL maintainer={json.dumps(value, ensure_ascii=False)}", instruction, [Edit.replace(instruction.start, instruction.end, text)])
