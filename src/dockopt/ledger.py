"""Where every line of the text being fixed came from, so results keep the user's coordinates.

The engine rewrites the file pass after pass; transforms see only the current text. The ledger
follows each line through every applied fix: which line of the user's file it is (or stands in
for), whether it is still that line unchanged, and which fix wrote it. From it come:

- `place`: a result's line and columns, and the lines its message names, in the user's file;
- `attach_edits`: each applied fix's own edits in the user's file. Fixes that rewrite lines another
  fix wrote (or whose changes interleave) cannot be separated: the first of them carries the joint
  edits and the others say so. All edits together turn the user's file into the `--write` output.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple, Sequence

from dockopt.results import Fix, TextEdit
from dockopt.edits import apply_edits
from dockopt.text import line_body, split_lines

if TYPE_CHECKING:
    from dockopt.document import Document
    from dockopt.edits import Edit

# A changed region's piece: (group of the fixes that made it, user's start line, stop line, final lines).
_Piece = tuple[int, int, int, list[int]]
# Consecutive lines made by one group: (group, lines).
_Run = tuple[int, list[int]]

# `line 7`, `lines 6, 7`, `(lines 6, 7 and 8)`: lines of the text a message was computed on.
_LINE_REFERENCE = re.compile(r"\blines? \d+(?:(?:, | and )\d+)*")


class Line(NamedTuple):  # one for every line of every text a pass wrote: a tuple builds fastest
    origin: int  # the user's line (0-based) it is, or stands in for
    kept: bool  # the user's line itself, unchanged and in its place
    writer: int | None = None  # the applied fix (its index) that wrote it
    inserted: bool = False  # written where the user's file has nothing: no user's line it stands for


class Ledger:
    def __init__(self, lines: list[Line], removed: dict[int, int], parent: list[int], original: list[str]):
        self.lines = lines
        self.removed = removed  # the user's line -> the fix that replaced or deleted it
        self.parent = parent  # union-find over applied fixes: fixes that cannot be separated
        self.original = original  # the user's lines

    @classmethod
    def of(cls, original: list[str]) -> Ledger:
        return cls([Line(index, True) for index in range(len(original))], {}, [], original)

    # -- results in the user's coordinates --------------------------------------------------------

    def origin(self, index: int) -> int:
        if not self.lines:
            return 0
        return self.lines[min(max(index, 0), len(self.lines) - 1)].origin

    def place(self, item: Fix, doc: Document, writers: Sequence[Fix] = ()) -> Fix:
        """The result with its range, and the lines its message names, in the user's file.
        `writers`: the fixes applied so far (the ledger's lines name them by index)."""
        start = item.line - 1
        end = (item.end_line or item.line) - 1
        lines = doc.lines
        start_line = self.lines[start] if 0 <= start < len(self.lines) else None
        end_line = self.lines[end] if 0 <= end < len(self.lines) else None
        column = item.column
        if column == 0 or start_line is None or not start_line.kept:
            body = line_body(lines[start]) if 0 <= start < len(lines) else ""
            column = len(body) - len(body.lstrip(" \t")) + 1 if start_line is not None and start_line.kept else 1
        end_column = item.end_column
        if end_column == 0 or end_line is None or not end_line.kept:
            end_column = len(line_body(lines[end])) + 1 if end_line is not None and end_line.kept and 0 <= end < len(lines) else 0
        message = _LINE_REFERENCE.sub(lambda m: self._cited(m.group(0), lines, writers), item.message)
        title = item.title and _LINE_REFERENCE.sub(lambda m: self._cited(m.group(0), lines, writers), item.title)
        first, last = self.origin(start) + 1, self.origin(end) + 1
        return item.replace(line=first, end_line=max(last, first), column=column, end_column=end_column,
                            message=message, title=title)

    def _cited(self, reference: str, lines: list[str], writers: Sequence[Fix]) -> str:
        """`lines 9, 10` of the text a message was computed on, as lines of the user's file. A line
        another fix wrote with an instruction the user's line it stands in for does not hold (the
        `RUN npm prune` a stage split adds) is said to be that fix's: `line 9 and a line DO502 adds`.
        Where every line named is such a line, each is named by the user's line it stands for."""
        mapped: list[int] = []
        added: dict[str, int] = {}
        for number in map(int, re.findall(r"\d+", reference)):
            index = number - 1
            line = self.lines[index] if 0 <= index < len(self.lines) and index < len(lines) else None
            if line is not None and line.writer is not None and line.writer < len(writers) and not line.kept \
                    and not self._same_keyword(lines[index], line.origin):
                writer = writers[line.writer].code
                added[writer] = added.get(writer, 0) + 1
            elif self.origin(index) + 1 not in mapped:
                mapped.append(self.origin(index) + 1)
        if not mapped or not added:
            return re.sub(r"\d+", lambda n: str(self.origin(int(n.group(0)) - 1) + 1), reference)
        said = f"line{'s' if len(mapped) > 1 else ''} {', '.join(map(str, mapped))}"
        for code, count in added.items():
            said += f" and {'a line' if count == 1 else f'{count} lines'} {code} adds"
        return said

    def _same_keyword(self, text: str, origin: int) -> bool:
        """Does the user's line `origin` start with the instruction keyword `text` starts with?"""
        words = line_body(text).split(None, 1)
        theirs = line_body(self.original[origin]).split(None, 1) if 0 <= origin < len(self.original) else []
        return bool(words and theirs) and words[0].upper() == theirs[0].upper()

    def cites_new_text(self, item: Fix) -> bool:
        """Does the message name a line that another fix inserted? Then it speaks of an instruction
        the user's file does not have (`kept apart from the RUN on line 2`, the account a USER
        fix added), and no line of the user's file can stand for it."""
        for reference in _LINE_REFERENCE.finditer(item.message):
            for number in re.findall(r"\d+", reference.group(0)):
                index = int(number) - 1
                if 0 <= index < len(self.lines) and self.lines[index].inserted:
                    return True
        return False

    # -- following the lines through a fix ----------------------------------------------------------

    def after(self, doc: Document, owned: list[tuple[Edit, int]]) -> Ledger:
        """The ledger once `owned` edits (on `doc`, each with the fix that made it) are applied.

        A fix that changes an instruction another fix wrote (part of) depends on it: the two only
        go together (`apt-get update` moved into a RUN, then that RUN's lists removed)."""
        parent = self.parent + list(range(len(self.parent), 1 + max((fix for _, fix in owned), default=-1)))
        removed = dict(self.removed)
        lines: list[Line] = []
        position = 0
        for edit, fix in sorted(owned, key=lambda pair: (pair[0].start, pair[0].stop)):
            for line in self._instruction_lines(doc, edit):
                if line.writer is not None and line.writer != fix:
                    _union(parent, fix, line.writer)
            lines.extend(self.lines[position : edit.start])
            replaced = self.lines[edit.start : edit.stop]
            for line in replaced:
                if line.kept:
                    removed[line.origin] = fix
            lines.extend(self._written(doc.lines, edit, fix, replaced))
            position = max(position, edit.stop)
        lines.extend(self.lines[position:])
        return Ledger(lines, removed, parent, self.original)

    def _instruction_lines(self, doc: Document, edit: Edit) -> list[Line]:
        """The ledger lines of the instructions an edit changes (an insertion changes none)."""
        if edit.start == edit.stop:
            return []
        low, high = edit.start, edit.stop
        for instruction in doc.instructions:
            if instruction.start < high and low <= instruction.end:
                low, high = min(low, instruction.start), max(high, instruction.end + 1)
        return self.lines[max(low, 0) : min(high, len(self.lines))]

    def _written(self, old_lines: list[str], edit: Edit, fix: int, replaced: list[Line]) -> list[Line]:
        """Lines an edit writes: a line it keeps (moved or not) stands for the same user's line, and
        so does a second copy of it (the ENV a stage split repeats in the runtime stage); a new
        one for the old line at the same place in the region, or the line it goes in front of."""
        new = [line_body(line) for line in split_lines(edit.text)]
        old = [line_body(line) for line in old_lines[edit.start : edit.stop]]
        unused: dict[str, list[int]] = {}
        for offset, text in enumerate(old):
            unused.setdefault(text, []).append(offset)
        first = {text: offsets[0] for text, offsets in unused.items()}
        found = []
        for index, text in enumerate(new):
            if text.strip() and unused.get(text):
                origin = replaced[unused[text].pop(0)].origin
            elif text.strip() and text in first:
                origin = replaced[first[text]].origin
            elif replaced:
                origin = replaced[min(index, len(replaced) - 1)].origin
            else:
                origin = self.origin(edit.start) if edit.start < len(self.lines) else self.origin(len(self.lines) - 1)
                found.append(Line(origin, False, fix, inserted=True))
                continue
            found.append(Line(origin, False, fix))
        return found

    # -- each fix's own edits in the user's file ------------------------------------------------------

    def attach_edits(self, applied: list[Fix], original: list[str], final: list[str]) -> list[Fix]:
        if not applied:
            return []
        parent = self.parent + list(range(len(self.parent), len(applied)))
        pieces = [piece for orig, written in self._gaps(len(original)) for piece in _split_gap(orig, written, self, parent)]
        edits: dict[int, list[tuple[int, int, list[int]]]] = {}  # group -> (user's start, stop, final lines)
        for group, start, stop, lines in pieces:  # grouped once every crossing change has joined its fixes
            edits.setdefault(_find(parent, group), []).append((start, stop, lines))
        groups: dict[int, list[int]] = {}
        for index in range(len(applied)):
            groups.setdefault(_find(parent, index), []).append(index)
        result = list(applied)
        for group, members in groups.items():
            members.sort(key=lambda index: (applied[index].line, applied[index].column, applied[index].code))
            carrier = members[0]
            text_edits = tuple(_text_edit(original, final, start, stop, lines) for start, stop, lines in edits.get(group, []))
            idents = [applied[index].ident for index in members]
            for index in members:
                others = tuple(ident for ident in idents if ident != applied[index].ident)
                result[index] = applied[index].replace(fix_edits=text_edits if index == carrier else None, together_with=others)
        return result

    def _gaps(self, original_count: int) -> Iterator[tuple[list[int], list[int]]]:
        """(user's lines, final lines) between consecutive unchanged lines: where the fixes wrote."""
        previous_origin, gap = -1, list[int]()
        for index, line in enumerate(self.lines):
            if line.kept:
                if gap or line.origin > previous_origin + 1:
                    yield list(range(previous_origin + 1, line.origin)), gap
                previous_origin, gap = line.origin, []
            else:
                gap.append(index)
        if gap or previous_origin + 1 < original_count:
            yield list(range(previous_origin + 1, original_count)), gap


def _split_gap(orig: list[int], written: list[int], ledger: Ledger, parent: list[int]) -> list[_Piece]:
    """Split one changed region by the fixes that made it: (group, user's start, stop, final lines)."""
    def group_of_orig(line: int) -> int:
        return _find(parent, ledger.removed.get(line, -1)) if line in ledger.removed else -1

    def group_of_final(index: int) -> int:
        writer = ledger.lines[index].writer
        return _find(parent, writer) if writer is not None else -1

    orig_runs = _runs(orig, group_of_orig)
    final_runs = _runs(written, group_of_final)
    start = orig[0] if orig else (_next_origin(ledger, written) if written else 0)
    if _interleaved(orig_runs) or _interleaved(final_runs):
        return _joined(orig, written, orig_runs + final_runs, parent, start)
    pieces: list[_Piece] = []
    i = j = 0
    while i < len(orig_runs) or j < len(final_runs):
        if i < len(orig_runs) and j < len(final_runs) and orig_runs[i][0] == final_runs[j][0]:
            group, lines = orig_runs[i]
            pieces.append((group, lines[0], lines[-1] + 1, final_runs[j][1]))
            start = lines[-1] + 1
            i, j = i + 1, j + 1
        elif j < len(final_runs) and final_runs[j][0] not in {run[0] for run in orig_runs[i:]}:
            # Lines inserted in front of a user's line go there: past removed lines it came after.
            hint = ledger.lines[final_runs[j][1][0]].origin
            later = {run[0] for run in final_runs[j + 1 :]}
            while i < len(orig_runs) and orig_runs[i][1][-1] < hint and orig_runs[i][0] not in later:
                group, lines = orig_runs[i]
                pieces.append((group, lines[0], lines[-1] + 1, []))
                start = lines[-1] + 1
                i += 1
            pieces.append((final_runs[j][0], start, start, final_runs[j][1]))
            j += 1
        elif i < len(orig_runs) and orig_runs[i][0] not in {run[0] for run in final_runs[j:]}:
            group, lines = orig_runs[i]
            pieces.append((group, lines[0], lines[-1] + 1, []))
            start = lines[-1] + 1
            i += 1
        else:  # the fixes' changes cross each other: they can only go together
            return _joined(orig, written, orig_runs + final_runs, parent, pieces[0][1] if pieces else start)
    insertions = [piece[1] for piece in pieces if piece[1] == piece[2]]
    if len(insertions) != len(set(insertions)):  # two fixes write in front of the same line: in which order?
        return _joined(orig, written, orig_runs + final_runs, parent, orig[0] if orig else insertions[0])
    return [piece for piece in pieces if piece[0] >= 0]


def _interleaved(runs: list[_Run]) -> bool:
    groups = [group for group, _ in runs]
    return len(groups) != len(set(groups))


def _joined(orig: list[int], written: list[int], runs: list[_Run], parent: list[int], position: int) -> list[_Piece]:
    """One edit for the whole region, made by every fix that wrote in it together."""
    groups = sorted({group for group, _ in runs if group >= 0})
    for group in groups[1:]:
        _union(parent, groups[0], group)
    if orig:
        return [(groups[0], orig[0], orig[-1] + 1, written)]
    return [(groups[0], position, position, written)]


def _next_origin(ledger: Ledger, written: list[int]) -> int:
    """Where lines written in front of an unchanged line go: in front of that line's origin."""
    after = written[-1] + 1
    while after < len(ledger.lines) and not ledger.lines[after].kept:
        after += 1
    if after < len(ledger.lines):
        return ledger.lines[after].origin
    kept = [line.origin for line in ledger.lines if line.kept]
    return (max(kept) + 1) if kept else max((o for o in ledger.removed), default=-1) + 1


def _runs(items: list[int], group_of: Callable[[int], int]) -> list[_Run]:
    runs: list[_Run] = []
    for item in items:
        group = group_of(item)
        if runs and runs[-1][0] == group:
            runs[-1][1].append(item)
        else:
            runs.append((group, [item]))
    return runs


def _text_edit(original: list[str], final: list[str], start: int, stop: int, lines: list[int]) -> TextEdit:
    """Replace the user's lines start..stop with final lines; one line for one: only what changed."""
    content = "".join(final[index] for index in lines)
    if stop - start == 1 and len(lines) == 1:
        old, new = line_body(original[start]), line_body(final[lines[0]])
        if original[start][len(old):] == final[lines[0]][len(new):]:  # same line ending
            prefix = 0
            while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
                prefix += 1
            suffix = 0
            while suffix < min(len(old), len(new)) - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
                suffix += 1
            return TextEdit(start + 1, prefix + 1, start + 1, len(old) - suffix + 1, new[prefix : len(new) - suffix])
    return TextEdit(start + 1, 1, stop + 1, 1, content)


def _find(parent: list[int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent: list[int], a: int, b: int) -> None:
    root_a, root_b = _find(parent, a), _find(parent, b)
    if root_a != root_b:
        parent[max(root_a, root_b)] = min(root_a, root_b)


def edits_on_the_user_s_text(item: Fix, doc: Document) -> tuple[TextEdit, ...]:
    """The edits of a fix computed on the user's own text (no fix made before it), as the engine
    would write them (the file's newline, its final newline or not): for a fix that is shown but
    not made, an unsafe one left out. Computed on a text other fixes had changed, the same rule
    may do otherwise on the user's file, so a fix computed there carries none."""
    found = []
    for edit in item.edits:
        applied = apply_edits(doc.lines, [edit], doc.newline)
        written = applied[edit.start : len(applied) - (len(doc.lines) - edit.stop)]
        found.append(_text_edit(doc.lines, written, edit.start, edit.stop, list(range(len(written)))))
    return tuple(found)
