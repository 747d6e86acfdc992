"""DO107 legacy-key-value-format."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document, Instruction, Logical
from dockopt.edits import Edit
from dockopt.errors import DockoptError
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

_WHITESPACE = re.compile(r"[\t\v\f\r ]+")  # BuildKit's split of a legacy line into key and value


class LegacyKeyValueFormat(Transform):
    """Write `ENV key value` and `LABEL key value` as `key=value`.

    ## What it does
    The legacy form sets one variable (or label) to the rest of the line. The fix writes it as
    `key=value` so that the value stays exactly what it was: a value without quotes or escape
    characters is put in double quotes (`ENV A b c` becomes `ENV A="b c"`); otherwise each space
    outside quotes is escaped with the file's escape character, and the quotes, `$` and escapes
    in the value are kept as written. A continued instruction keeps its lines: the first word of
    the value moves up beside the key and the closing quote goes after the last; one whose value
    holds quotes or escapes is joined onto one line, its comment lines kept above it.

    ## Why
    BuildKit warns about it (`LegacyKeyValueFormat`); the legacy form is deprecated, and
    `ENV A b c` is easily read as two variables when it is one with a space in its value.

    ## Example
    ```dockerfile
    ENV PATH /opt/app/bin:$PATH
    LABEL description A small tool
    ```
    becomes
    ```dockerfile
    ENV PATH=/opt/app/bin:$PATH
    LABEL description="A small tool"
    ```

    ## Fix safety
    Safe: both forms hand the value to the same word expansion; the rewritten value expands to
    the same text (variables included) as the legacy one did.
    """

    code = "DO107"
    name = "legacy-key-value-format"
    title = "`ENV key value` and `LABEL key value` are deprecated: use key=value"
    safety = Safety.SAFE
    severity = Severity.INFO
    aliases = ("LegacyKeyValueFormat", "buildkit/LegacyKeyValueFormat")
    order = 107
    needs = ()

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for item in doc.instructions:
            if item.cmd not in ("ENV", "LABEL") or item.heredocs:
                continue
            logical = doc.logical(item)
            text = logical.text
            if item.start == item.end:  # the line as written: one ending in an escaped escape (`a\\`) is whole
                body = line_body(doc.lines[item.start])
                text = body[len(body) - len(body.lstrip(" \t")):]
            rest = text[logical.body:].strip(" \t")
            parts = _WHITESPACE.split(rest, 1)
            if len(parts) != 2:
                continue
            key, value = parts
            if not key or "=" in key or not value or any(c in key for c in "\"'$" + doc.escape):
                continue
            new_value = _as_one_word(value, doc.escape)
            if new_value is None:
                continue
            head = text[: logical.body]
            kept = _keeping_lines(doc, item, logical, key, value, new_value) if item.start < item.end else None
            if kept is not None:
                text = kept
            else:
                text = "".join(doc.comment_lines(item)) + doc.indent(item.start) + head + f"{key}={new_value}\n"
                raw = doc.lines[item.end]
                if not raw[len(line_body(raw)):]:
                    text = text.rstrip("\n")  # the file has no final newline: keep it so
            several = kept is not None and "\n" in kept.rstrip("\n")
            title = f"write {key}= with the value in quotes, each line where it was" if several else f"write {key}={new_value}"
            yield self.fix(title, item, [Edit.replace(item.start, item.end, text)],
                           problem=f'legacy "{item.cmd} key value" form')


def _keeping_lines(doc: Document, item: Instruction, logical: Logical, key: str, value: str, new_value: str) -> str | None:
    """The continued instruction with `=` (and quotes) written in, each line where it was: the
    key line takes the first word of the value, the last line the closing quote. None unless the
    value needs no more than quotes and BuildKit reads the result as `key=new_value`."""
    quote = new_value[:1] if new_value[:1] == '"' else ""
    if new_value != quote + value + quote:
        return None  # quotes or escapes inside the value: written on one line, as the docs say
    key_end = logical.text.index(key, logical.body) + len(key)
    value_start = logical.text.index(value, key_end)
    (key_line, key_column) = logical.position(key_end)
    (first_line, first_column) = logical.position(value_start)
    (last_line, last_column) = logical.position(value_start + len(value) - 1)
    if first_line - key_line > 1:
        return None  # comment or blank lines between the key and its value
    lines = doc.lines[item.start : item.end + 1]
    rows = [line - item.start for line in (key_line, first_line, last_line)]
    before = "".join(lines[: rows[0]]) + lines[rows[0]][:key_column]
    middle = "".join(lines[rows[1] : rows[2] + 1])
    middle = middle[first_column : len(middle) - len(lines[rows[2]]) + last_column + 1]
    after = lines[rows[2]][last_column + 1 :] + "".join(lines[rows[2] + 1 :])
    text = f"{before}={quote}{middle}{quote}{after}"
    try:
        check = Document("".join(doc.lines[: item.start]) + text + "".join(doc.lines[item.end + 1 :]), previous=doc, changes=[(item.start, item.end + 1, text.count("\n"))])
        again = check.instructions[item.index]
    except (DockoptError, IndexError):
        return None
    wanted = (logical.text[:key_end] + "=" + new_value).strip(" \t")
    return text if check.logical(again).text.strip(" \t") == wanted else None


def _as_one_word(value: str, escape: str) -> str | None:
    """`value` as one word that BuildKit's word expansion reads exactly as it read the whole rest
    of a legacy line; None when unsure."""
    if not any(c in value for c in "\"'" + escape):
        return f'"{value}"' if any(c in value for c in " \t") else value
    out = []
    quote = None
    index = 0
    while index < len(value):
        char = value[index]
        if char == escape and quote != "'":
            if index + 1 >= len(value):
                return None  # a trailing escape character: left for a person
            out.append(value[index : index + 2])
            index += 2
            continue
        if quote is None and char in "\"'":
            quote = char
        elif quote == char:
            quote = None
        elif quote is None and char in " \t":
            out.append(escape)
        out.append(char)
        index += 1
    if quote is not None:
        return None  # an unclosed quote: BuildKit's reading of it is not worth guessing
    return "".join(out)
