"""DO106 stage-name-casing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document, Logical
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

_FROM_FLAG = re.compile(r"(?:^|\s)--from=([^\s,\"'$]+)(?=\s|$)", re.IGNORECASE)
_MOUNT_FLAG = re.compile(r"(?:^|\s)--mount=(\S+)", re.IGNORECASE)
_MOUNT_FROM = re.compile(r"(?:^|,)from=([^\s,\"'$]+)(?=,|$)", re.IGNORECASE)
_WORD = re.compile(r"\S+")


class StageNameCasing(Transform):
    """Write stage names in lower case, and every reference to them.

    ## What it does
    A stage named with capitals (`FROM golang AS Builder`) is renamed in lower case, and so is
    every reference to it: `FROM Builder`, `COPY --from=Builder` and `RUN --mount=from=Builder`,
    whatever case each was written in. References through variables (`--from=$STAGE`) and
    ONBUILD triggers (which run in another build) are left alone.

    ## Why
    BuildKit warns about it (`StageNameCasing`): it lowers stage names itself, so `Builder`
    and `builder` are the same stage and the capitals only suggest a difference there is not.
    `docker build --target` takes the lower-case name.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS Builder
    RUN go build -o /app .
    FROM debian:bookworm-slim
    COPY --from=Builder /app /app
    ```
    becomes
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /app .
    FROM debian:bookworm-slim
    COPY --from=builder /app /app
    ```

    ## Fix safety
    Safe: BuildKit looks stage names up in lower case (a second stage that differs only in case
    is already an error), so every reference finds the same stage as before. An image name
    cannot contain capitals, so no image reference is renamed by mistake.
    """

    code = "DO106"
    name = "stage-name-casing"
    title = "stage names should be lower case"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("StageNameCasing", "buildkit/StageNameCasing")
    order = 106
    needs = ("as",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        renamed = {}
        for stage in doc.stages:
            args = stage.from_instruction.args
            if stage.name and len(args) >= 3 and args[2] != stage.name and "$" not in args[2]:
                renamed[stage.name] = (stage, args[2])
        if not renamed:
            return
        for name, (stage, written) in renamed.items():
            found: list[tuple[int, int, int] | None] = []  # (line, start column, end column) of each word to lower
            for item in doc.instructions:
                if item.cmd == "ONBUILD" or item.stage is None:
                    continue
                logical = doc.logical(item)
                text = logical.text
                if item.cmd == "FROM":
                    words = list(_WORD.finditer(text, logical.body))
                    if item is stage.from_instruction and len(words) >= 3:
                        found.append(_place(logical, words[2].span()))
                    elif words and words[0].group().lower() == name and item.stage > stage.index:
                        found.append(_place(logical, words[0].span()))  # FROM <stage>: a stage defined above
                    continue
                flags = text[: logical.body]
                for match in _FROM_FLAG.finditer(flags):
                    if match.group(1).lower() == name:
                        found.append(_place(logical, match.span(1)))
                for mount in _MOUNT_FLAG.finditer(flags):
                    for match in _MOUNT_FROM.finditer(mount.group(1)):
                        if match.group(1).lower() == name:
                            offset = mount.start(1)
                            found.append(_place(logical, (offset + match.start(1), offset + match.end(1))))
            spans = [span for span in found if span is not None and _text(doc, span) != _text(doc, span).lower()]
            lines: dict[int, list[tuple[int, int]]] = {}
            for line, start, end in spans:
                lines.setdefault(line, []).append((start, end))
            edits = []
            for line, columns in lines.items():
                raw = doc.lines[line]
                body = line_body(raw)
                for start, end in sorted(columns, reverse=True):
                    body = body[:start] + body[start:end].lower() + body[end:]
                edits.append(Edit.replace(line, line, body + (raw[len(line_body(raw)):] and "\n")))
            yield self.fix(f"rename stage {written} to {name} ({len(spans)} place{'s' if len(spans) != 1 else ''})",
                           stage.from_instruction, edits, problem=f"stage name `{written}` is not lower case")


def _text(doc: Document, span: tuple[int, int, int]) -> str:
    line, start, end = span
    return doc.lines[line][start:end]


def _place(logical: Logical, span: tuple[int, int]) -> tuple[int, int, int] | None:
    """(line, start column, end column) of a span of the logical text; None across a line break."""
    start, end = span
    line, column = logical.position(start)
    last_line, last_column = logical.position(end - 1)
    if last_line != line or last_column != column + end - start - 1:
        return None
    return line, column, column + end - start
