"""DO105 from-as-casing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

# FROM [--flags] image AS name: the AS word, on the FROM's own line.
_AS = re.compile(r"^(\s*\S+(?:\s+--\S+)*\s+\S+\s+)(as)(\s+\S)", re.IGNORECASE)


class FromAsCasing(Transform):
    """Write `AS` in a FROM in the same case as the `FROM` keyword.

    ## What it does
    In `FROM image as name` (FROM upper case) the `as` becomes `AS`; in `from image AS name`
    (from lower case) the `AS` becomes `as`. A mixed-case keyword such as `From` is left alone,
    as BuildKit does.

    ## Why
    BuildKit warns about it (`FromAsCasing`): the two keywords of one instruction should look alike.

    ## Example
    ```dockerfile
    FROM golang:1.22 as build
    ```
    becomes
    ```dockerfile
    FROM golang:1.22 AS build
    ```

    ## Fix safety
    Safe: the `AS` word is read without regard to case.
    """

    code = "DO105"
    name = "from-as-casing"
    title = "the AS in a FROM should be cased like FROM"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("FromAsCasing", "buildkit/FromAsCasing")
    order = 105
    needs = ("as",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for item in doc.instructions:
            if item.cmd != "FROM" or len(item.args) < 3 or item.args[1].lower() != "as":
                continue
            if item.keyword == item.keyword.upper():
                wanted = "AS"
            elif item.keyword == item.keyword.lower():
                wanted = "as"
            else:
                continue
            if item.args[1] == wanted or item.start != item.end:
                continue  # a FROM spread over lines is rare: left for a person
            line = doc.lines[item.start]
            body = line_body(line)
            match = _AS.match(body)
            if not match or match.group(2).lower() != "as":
                continue
            text = body[: match.start(2)] + wanted + body[match.end(2):] + (line[len(body):] and "\n")
            yield self.fix(f"write `{item.args[1]}` as `{wanted}`", item, [Edit.replace(item.start, item.start, text)],
                           problem=f"`{item.args[1]}` is not cased like `{item.keyword}`")
