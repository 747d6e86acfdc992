"""DO274 env-same-instruction-reference."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform
from dockopt.words import process_word

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


class EnvSameInstructionReference(Transform):
    """Split an ENV whose value reads a variable the same ENV sets.

    ## What it does
    When a value in `ENV A=1 B=$A` reads a variable set earlier in the same `ENV` instruction,
    splits the instruction before that pair, so the reference reads the value set just above:
    `ENV A=1` and `ENV B=$A` on the next line (in the file's keyword case and indentation).

    ## Why
    Docker expands every value of an `ENV` instruction with the variables as they were *before*
    the instruction: in `ENV GOPATH=/go PATH=$GOPATH/bin:$PATH`, `$GOPATH` is the old value (often
    empty), not `/go`. That is almost never what the author meant, and reading the line does
    not tell (hadolint DL3044). A reference to the variable's own old value (`PATH=$PATH:/x`) is
    fine and left alone.

    ## Example
    ```dockerfile
    ENV APP_HOME=/srv/app APP_DATA=$APP_HOME/data
    ```
    becomes
    ```dockerfile
    ENV APP_HOME=/srv/app
    ENV APP_DATA=$APP_HOME/data
    ```

    ## Fix safety
    Safe when the variable already had the same value before the ENV (set by an earlier ENV or
    ARG, or by a base image dockopt knows), so every value stays what it was. Otherwise
    unsafe: the value that reads it changes from the old value to the new one (which is what
    the line seems to mean); the message shows both.
    """

    code = "DO274"
    name = "env-same-instruction-reference"
    title = "ENV value reads a variable set in the same ENV, which still has its old value there"
    aliases = ("DL3044",)
    order = 274
    needs = ("env",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if instruction.cmd != "ENV" or len(instruction.args) < 4 or len(instruction.args) % 2:
                continue
            pairs = list(zip(instruction.args[::2], instruction.args[1::2]))
            split = _first_reference(pairs)
            if split is None:
                continue
            index, names = split
            edits = _split_before(doc, instruction, len(pairs), index)
            if edits is None:
                continue
            scope = doc.image.scope(instruction)
            after = dict(scope.variables)
            for key, value in pairs[:index]:
                after[key] = process_word(value, scope.variables, doc.escape)
            key = pairs[index][0]
            refs = ", ".join(f"`${name}`" for name in names)
            # Every pair that moves to the new ENV reads the variables as the first part left them.
            changed = None
            for moved, value in pairs[index:]:
                old = process_word(value, scope.variables, doc.escape)
                new = process_word(value, after, doc.escape)
                if old is None or old != new:
                    changed = (moved, old, new if new is not None else value)
                    break
            if changed is None:
                yield self.fix(f"split the ENV before `{key}`, so {refs} reads the value set above (the same as before here)",
                               instruction, edits)
                continue
            moved = changed[0]
            reads = []
            for name in names:
                before = scope.variables.get(name)
                was = f"`{before}`" if before is not None else "its value from before the ENV (empty unless set earlier)"
                reads.append(f"`${name}` now reads `{after.get(name) or dict(pairs[:index])[name]}`, not {was}")
            yield self.fix(
                f"split the ENV before `{key}`, so {refs} reads the value set above",
                instruction,
                edits,
                Safety.UNSAFE,
                reason=f"`{moved}` changes: " + "; ".join(reads),
            )


def _first_reference(pairs: list[tuple[str, str]]) -> tuple[int, list[str]] | None:
    """(index, names) of the first pair whose value reads a variable an earlier pair sets."""
    for index, (key, value) in enumerate(pairs):
        if "$" not in value or value.startswith("'"):
            continue
        earlier = {name for name, _ in pairs[:index] if name != key}
        used = [name for name in re.findall(r"\$\{?(" + _NAME + ")", value) if name in earlier]
        if used:
            return index, sorted(set(used))
    return None


def _word_starts(text: str, start: int, escape: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated word of `text` from `start`, quotes respected."""
    words = []
    offset = start
    while offset < len(text):
        while offset < len(text) and text[offset] in " \t":
            offset += 1
        if offset >= len(text):
            break
        begin = offset
        quote = None
        while offset < len(text):
            char = text[offset]
            if char == escape and quote != "'":
                offset += 2
                continue
            if quote:
                if char == quote:
                    quote = None
            elif char in "\"'":
                quote = char
            elif char in " \t":
                break
            offset += 1
        words.append((begin, min(offset, len(text))))
    return words


def _split_before(doc: Document, instruction: Instruction, count: int, index: int) -> list[Edit] | None:
    logical = doc.logical(instruction)
    words = _word_starts(logical.text, logical.body, doc.escape)
    if len(words) != count:
        return None  # not plain key=value words: leave it
    end_line, end_column = logical.position(words[index - 1][1] - 1)
    start_line, start_column = logical.position(words[index][0])
    if start_line - end_line > 1:
        return None  # comment lines in between
    first = line_body(doc.lines[end_line])
    last = line_body(doc.lines[start_line])
    indent = doc.indent(instruction.start)
    keyword = doc.keyword("ENV")
    return [Edit.replace(end_line, start_line, first[: end_column + 1] + "\n" + f"{indent}{keyword} " + last[start_column:] + "\n")]
