"""DO201 chain-run."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from dockopt.document import line_body
from dockopt.edits import Edit
from dockopt.pragmas import parse_pragmas
from dockopt.transform import Transform
from dockopt.run_merge import Body, mergeable_shell, read_body, run_shells, startup_code

_PRAGMA_COMMENT = re.compile(r"^\s*#\s*(hadolint|dockopt:)", re.IGNORECASE)


class ChainRun(Transform):
    """Merge consecutive RUN instructions into one when that changes nothing but the layer count.

    ## What it does
    Joins consecutive shell-form `RUN` instructions of one stage with `&&`, splicing the text:
    the first RUN keeps its keyword and flags, each later RUN's keyword and flags become the
    `&&`. A body that changes the shell (`cd`, `export`, `set`, `umask`, `source`, variable
    assignments, functions, `trap`, `exit`...) is wrapped in a subshell `( ... )` when another
    body follows it, and a body with `;`, `||` or a newline at top level is wrapped in `{ ...; }`,
    so each body's exit status still decides whether the build fails. Comment lines between the
    RUNs move inside the merged instruction (BuildKit ignores comment lines in a continuation);
    blank lines between them are dropped, since BuildKit warns about empty continuation lines.
    The file's escape character, continuation indent and `&&` placement (line end or line
    start) are kept.

    ## Why
    Every RUN makes a layer. Files deleted in a later layer still ship in the earlier one, and
    many small layers make images slower to push and pull. Hadolint reports this as DL3059.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN cd /src && make
    RUN make install
    ```
    becomes
    ```dockerfile
    RUN apt-get update && \\
        (cd /src && make) && \\
        make install
    ```

    ## Fix safety
    Safe: it is only offered when the merged RUN does exactly what the separate ones did. RUNs
    are left apart when their flags differ (`--mount`, `--network`, `--security`), when a
    `tmpfs` or writable bind mount would carry files from one body to the next, when either is
    in exec form or a heredoc, when the `SHELL` is not a POSIX shell or runs with `-e`, when any
    other instruction (or a suppression comment) sits between them, or when a body starts a
    background job or a daemon, touches `/etc/hosts`-like per-RUN mounts, or turns on `set -e`,
    an ERR trap or sources a script, also through `shopt -o errexit`, `eval` or `command set`
    (`set -e` is ignored on the left of `&&`, so such a body can only be the last one of a
    merge), or when a body reads what the previous command left behind (`$_`, `PIPESTATUS`,
    `BASH_REMATCH`). A RUN under a `# hadolint ignore=` or `# dockopt: ignore=`
    comment is left alone, so the suppression keeps covering the same command.
    """

    code = "DO201"
    name = "chain-run"
    title = "Consecutive RUN instructions make one layer each: merge them"
    aliases = ("DL3059",)
    order = 300

    def check(self, doc, ctx):
        if startup_code(doc):
            return
        style = _Style.of(doc)
        pragma_runs = set(parse_pragmas(doc).ignores)
        for group in _groups(doc, pragma_runs):
            text = _merged_text(doc, group, style)
            if text is None:
                continue
            first, last = group[0].instruction, group[-1].instruction
            lines = ", ".join(str(body.instruction.line) for body in group)
            yield self.fix(
                f"{len(group)} consecutive RUN instructions (lines {lines}) can be one layer",
                first,
                [Edit.replace(first.start, last.end, text)],
            )


# -- which RUNs merge ------------------------------------------------------------------------


def _groups(doc, pragma_runs: set[int]) -> list[list[Body]]:
    groups: list[list[Body]] = []
    shells = run_shells(doc)
    for stage in doc.stages:
        group: list[Body] = []
        for instruction in stage.instructions:
            body = read_body(doc, instruction) if mergeable_shell(shells[instruction.index]) else None
            if body is None or body.unmergeable or instruction.index in pragma_runs or _mounts_carry_files(instruction):
                groups.append(group)
                group = []
                continue
            if group and _joinable(doc, group[-1], body):
                group.append(body)
            else:
                groups.append(group)
                group = [body]
            if body.must_be_last:
                groups.append(group)
                group = []
        groups.append(group)
    return [group for group in groups if len(group) > 1]


def _joinable(doc, previous: Body, body: Body) -> bool:
    if sorted(previous.instruction.flags) != sorted(body.instruction.flags):
        return False
    for line in range(previous.instruction.end + 1, body.instruction.start):
        text = line_body(doc.lines[line])
        if _PRAGMA_COMMENT.match(text) or (text.strip() and doc.is_continued(line)):
            return False  # a suppression would lose its target; a comment ending in `\` is ambiguous
    return True


def _mounts_carry_files(instruction) -> bool:
    """A tmpfs or writable bind mount starts empty (or pristine) in every RUN: not so once merged."""
    for value in instruction.flags_named("mount"):
        options = dict(part.partition("=")[::2] for part in value.split(","))
        kind = options.get("type", "bind").lower()
        writable = any(options.get(key, "x").lower() in ("", "true") for key in ("rw", "readwrite"))
        if kind == "tmpfs" or (kind == "bind" and writable):
            return True
    return False


# -- the merged text -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    indent: str  # continuation indent, relative to the instruction's own
    line_start: bool  # `&& cmd` at the start of continuation lines, not `cmd && \` at the end

    @classmethod
    def of(cls, doc) -> _Style:
        starts = ends = 0
        after_operator: Counter[str] = Counter()  # indents of lines that start a command
        anywhere: Counter[str] = Counter()  # indents of every continuation line
        for instruction in doc.instructions:
            if instruction.cmd != "RUN":
                continue
            own = doc.indent(instruction.start)
            previous = ""
            for line in instruction.lines:
                stripped = line_body(doc.lines[line]).strip()
                if line > instruction.start and (not stripped or stripped.startswith("#")):
                    continue
                if line > instruction.start and doc.indent(line).startswith(own):
                    indent = doc.indent(line)[len(own) :]
                    anywhere[indent] += 1
                    if stripped.startswith(("&&", "||")) or previous.endswith(("&&", "||", ";")):
                        after_operator[indent] += 1
                starts += stripped.startswith("&&")
                previous = stripped[:-1].rstrip() if doc.is_continued(line) else ""
                ends += previous.endswith("&&")
        found = after_operator or anywhere
        indent = found.most_common(1)[0][0] if found else "    "
        return cls(indent=indent, line_start=starts > ends)


def _merged_text(doc, group: list[Body], style: _Style) -> str | None:
    escape = doc.escape
    indent = doc.indent(group[0].instruction.start) + style.indent
    out: list[str] = []
    for position, body in enumerate(group):
        instruction = body.instruction
        first, last = position == 0, position == len(group) - 1
        lines = {n: line_body(doc.lines[n]) for n in instruction.lines}
        logical = doc.logical(instruction)
        start_line, start_col = logical.position(logical.body)
        end_line, end_col = logical.position(logical.body + len(body.script) - 1)
        if end_line != instruction.end or doc.is_continued(end_line):
            return None
        prefix, suffix = _wrapping(body, last)
        lines[end_line] = lines[end_line][: end_col + 1] + suffix + lines[end_line][end_col + 1 :]
        lines[start_line] = lines[start_line][:start_col] + prefix + lines[start_line][start_col:]
        if not first:
            join = "&& " if style.line_start else ""
            for n in range(instruction.start, start_line):
                if lines[n].lstrip().startswith("#"):
                    out.append(lines[n])  # a comment between the keyword line and the body
            lines[start_line] = indent + join + lines[start_line][start_col:]
            lines = {n: text for n, text in lines.items() if n >= start_line}
        if not last:
            lines[instruction.end] = lines[instruction.end].rstrip() + (f" {escape}" if style.line_start else f" && {escape}")
        out.extend(lines[n] for n in sorted(lines))
        if not last:
            following = group[position + 1].instruction
            for n in range(instruction.end + 1, following.start):
                comment = line_body(doc.lines[n]).strip()
                if comment:
                    out.append(indent + comment)
    return "".join(line + "\n" for line in out)


def _wrapping(body: Body, last: bool) -> tuple[str, str]:
    """Text around a body so `&&` joins it whole and its shell changes stay inside it."""
    if body.leaks_state and not last:  # a space keeps `((` / `))` from reading as arithmetic
        return ("( " if body.script.startswith("(") else "("), (" )" if body.script.endswith(")") else ")")
    if body.needs_group:
        return "{ ", (" }" if body.script.endswith(";") else "; }")
    return "", ""
