"""DO201 chain-run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.manifests import InstallRun, classify_run
from dockopt.pragmas import parse_pragmas, under_tool_directive
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.repository import ignored_rules
from dockopt.run_merge import Body, and_breaks, mergeable_shell, read_body, startup_code



class ChainRun(Transform):
    """Merge consecutive RUN instructions into one when that changes nothing but the layer count.

    ## What it does
    Joins consecutive shell-form `RUN` instructions of one stage with `&&`, splicing the text:
    the first RUN keeps its keyword and flags, each later RUN's keyword and flags become the
    `&&`. A body that changes the shell (`cd`, `export`, `set`, `umask`, `source`, variable
    assignments, functions, `trap`, `exit`...) is wrapped in a subshell `( ... )` when another
    body follows it, and a body with `;`, `||` or a newline at top level is wrapped in `{ ...; }`,
    so each body's exit status still decides whether the build fails. The file's escape
    character and continuation indent are kept, and the merged RUN puts every `&&` where the
    merged bodies put theirs (line end or line start), or where the file does.

    What it leaves apart, because a careful reviewer would:
    - RUNs with a comment or a blank line between them. A comment there names the next step
      (`# install dependencies`), marks a documentation region (`# [START deps]`), or is a
      commented-out instruction (`# RUN make test`); a blank line ends a paragraph. The author
      split the steps on purpose, and a comment belongs above its own RUN, not buried in a
      continuation. Comments inside a RUN's own lines move with it.
    - A body of several lines that would need `( ... )` or `{ ...; }` around all its lines
      (it changes the shell, or it has `;` at top level): it may only come last, unwrapped, or
      not at all.
    - A RUN of more than two commands: its author made it a step of its own (hadolint's
      DL3059 leaves it alone for the same reason).
    - A RUN that creates users or groups (`useradd`, `adduser`): an account is a step of its
      own, not part of the next install.
    - Bodies that break lines with `&&` in different places (one at line ends, the other at
      line starts, or one that mixes both): the merge would mix the two styles.
    - A RUN that only changes its own shell (`RUN export X=1`, `RUN cd /app`): it does
      nothing, and merged as `(export X=1) && ...` the mistake would stay for good.
      run-without-effect (DO251) reports it.
    - Every RUN of a file that silences DL3059 or DO201 anywhere (`# hadolint ignore=DL3059`),
      or whose repository does: another Dockerfile with such a comment, or a `.hadolint.yaml`
      that ignores DL3059. The repository is the nearest folder up with `.git` (else the
      Dockerfile's folder), walked with fixed limits and without test-fixture folders.

    Where it keeps two consecutive RUNs apart that hadolint's DL3059 would flag (neither runs
    more than two commands), it reports the reason on the later RUN, so the warning left is
    explained.

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
    `BASH_REMATCH`). A RUN under a `# hadolint ignore=` or `# dockopt: ignore=` comment, or
    under another tool's directive (`# dockerfmt-ignore`, `# checkov:skip=...`,
    `# trivy:ignore:...`), is left alone, so the directive keeps covering the same command.
    """

    code = "DO201"
    name = "chain-run"
    title = "Consecutive RUN instructions make one layer each: merge them"
    severity = Severity.INFO
    aliases = ("DL3059",)
    order = 300
    needs = ('run',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if startup_code(doc):
            return
        pragmas = parse_pragmas(doc)
        if any(self.matches(selector) for selectors in pragmas.ignores.values() for selector in selectors):
            return  # the file keeps some RUNs apart on purpose: its other RUNs are its own choice too
        if ctx.build is not None:
            silenced = ignored_rules(ctx.build.dockerfile or ctx.build.root, besides=ctx.build.dockerfile)
            if any(self.matches(rule) for rule in silenced):
                return  # so does another Dockerfile (or the hadolint config) of the repository
        file_style = None  # read only when there is something to merge
        pragma_runs = set(pragmas.ignores) | under_tool_directive(doc)
        joined: set[int] = set()  # RUNs merged into the RUN before them
        for group in _groups(doc, pragma_runs):
            file_style = file_style or _Style.of(doc)
            style = _group_style(doc, group, file_style)
            text = _merged_text(doc, group, style)
            if text is None:
                continue
            joined.update(body.instruction.index for body in group[1:])
            first, last = group[0].instruction, group[-1].instruction
            lines = ", ".join(str(body.instruction.line) for body in group)
            yield self.fix(
                f"{len(group)} consecutive RUN instructions (lines {lines}) can be one layer",
                first,
                [Edit.replace(first.start, last.end, text)],
            )
        # Where hadolint's DL3059 sees two consecutive RUNs that stay apart, say why.
        for previous, instruction in _consecutive_runs(doc):
            if instruction.index in joined:
                continue
            why = _why_apart(doc, previous, instruction, pragma_runs)
            if why:
                yield self.fix(f"kept apart from the RUN on line {previous.start + 1}: {why}", instruction)


# -- which RUNs merge ------------------------------------------------------------------------


def _consecutive_runs(doc: Document) -> Iterator[tuple[Instruction, Instruction]]:
    """Pairs of RUNs with no other instruction between them in a stage (comments do not count)."""
    for stage in doc.stages:
        for previous, instruction in zip(stage.instructions, stage.instructions[1:]):
            if previous.cmd == "RUN" and instruction.cmd == "RUN":
                yield previous, instruction


def _why_apart(doc: Document, previous: Instruction, instruction: Instruction, pragma_runs: set[int]) -> str | None:
    """Why two consecutive RUNs were not merged; None where hadolint's DL3059 agrees they are
    separate steps (either runs more than two commands) or nothing needs saying."""
    if instruction.index in pragma_runs or previous.index in pragma_runs:
        return None  # under a suppression or another tool's directive: the user chose
    shell = doc.image.scope(instruction).shell
    if not mergeable_shell(shell):
        return "the SHELL is not a POSIX shell, or runs with `-e`"
    before, body = read_body(doc, previous), read_body(doc, instruction)
    if before is None or body is None:
        return "one of them is in exec form or has a heredoc, which `&&` cannot join"
    if _steps(before) > 2 or _steps(body) > 2:
        return None  # a step of its own, as hadolint's DL3059 also judges
    if sorted(previous.flags) != sorted(instruction.flags):
        return "their flags (`--mount`, `--network`, ...) differ"
    for item in (before, body):
        if item.unmergeable:
            return f"the RUN on line {item.instruction.start + 1} cannot join a merge: {item.unmergeable}"
        if _mounts_carry_files(item.instruction):
            return "a tmpfs or writable bind mount starts empty in each RUN"
    if before.must_be_last:
        return f"nothing may follow the RUN on line {previous.start + 1}: {before.must_be_last}"
    if not _joinable(doc, before, body):
        return "a comment or blank line between them marks a step of its own"
    if _wrapped_lines(before, last=False) or _wrapped_lines(body, last=True):
        return "a body of several lines would have to be wrapped in `( ... )` or `{ ...; }`"
    if any(_makes_accounts(item) for item in (before, body)):
        return "creating an account is a step of its own"
    if any(_installs_manifests(doc, doc.image.workdirs, item) for item in (before, body)):
        return "an install from dependency manifests is a cached step of its own"
    if not _same_style(doc, [before], body):
        return "they break lines at `&&` in different places or indent differently"
    return "the merged text could not keep each line as written"



def _groups(doc: Document, pragma_runs: set[int]) -> list[list[Body]]:
    groups: list[list[Body]] = []
    cwds = doc.image.workdirs
    for stage in doc.stages:
        group: list[Body] = []
        for instruction in stage.instructions:
            body = read_body(doc, instruction) if mergeable_shell(doc.image.scope(instruction).shell) else None
            if (
                body is None
                or body.unmergeable
                or instruction.index in pragma_runs
                or _mounts_carry_files(instruction)
                or _wrapped_lines(body, last=True)
            ):
                groups.append(group)
                group = []
                continue
            if group and _joinable(doc, group[-1], body) and _same_style(doc, group, body) and not _own_step(doc, cwds, group[-1], body):
                group.append(body)
            else:
                groups.append(group)
                group = [body]
            if body.must_be_last or _wrapped_lines(body, last=False):
                groups.append(group)
                group = []
        groups.append(group)
    return [group for group in groups if len(group) > 1]


def _joinable(doc: Document, previous: Body, body: Body) -> bool:
    if sorted(previous.instruction.flags) != sorted(body.instruction.flags):
        return False
    # A blank or comment line between two RUNs is the author's own boundary: a comment names the
    # next step (or is a region tag, a commented-out instruction, a suppression), a blank line
    # ends a paragraph. The steps stay apart, each under its own comment.
    return body.instruction.start == previous.instruction.end + 1


def _own_step(doc: Document, cwds: Mapping[int, str], previous: Body, body: Body) -> bool:
    """A RUN of more than two commands is a step its author chose to keep on its own (the
    reasoning of hadolint's DL3059, which users know), and so is an install from dependency
    manifests (`pip install -r`, `npm ci`, `go mod download`): its layer is the one the build
    cache keeps while the source changes, and dependency-manifests-first (DO301) moves it
    before the source copy. So is the creation of the user the image runs as: an account is a
    step of its own, not part of the next install. Either merges with neither neighbour."""
    return (
        _steps(previous) > 2
        or _steps(body) > 2
        or _installs_manifests(doc, cwds, previous)
        or _installs_manifests(doc, cwds, body)
        or _makes_accounts(previous)
        or _makes_accounts(body)
    )


_ACCOUNT_TOOLS = frozenset({"useradd", "groupadd", "adduser", "addgroup"})


def _makes_accounts(body: Body) -> bool:
    return any(command.name in _ACCOUNT_TOOLS for command in body.view.commands)


def _installs_manifests(doc: Document, cwds: Mapping[int, str], body: Body) -> bool:
    found = classify_run(doc, body.instruction, cwds.get(body.instruction.index, "/"))
    return isinstance(found, InstallRun) and found.uses_manifests


def _steps(body: Body) -> int:
    """Commands the body runs, not counting those inside `$( ... )`, which compute a word."""
    count = 0
    for command in body.view.commands:
        parent = command.node.parent
        while parent is not None and parent.type not in ("command_substitution", "process_substitution"):
            parent = parent.parent
        count += parent is None
    return count


def _wrapped_lines(body: Body, last: bool) -> bool:
    """Would the merge wrap a body of several lines in `( ... )` or `{ ...; }`? Nobody writes that."""
    return body.instruction.start != body.instruction.end and any(_wrapping(body, last))


def _placement(body: Body) -> str | None:
    """Where the body breaks lines at `&&`: "start", "end", "mixed", or None (it does not)."""
    start, end = and_breaks(body.view)
    if start and end:
        return "mixed"
    return "start" if start else ("end" if end else None)


def _same_style(doc: Document, group: list[Body], body: Body) -> bool:
    """Would `body` keep the group's one `&&` placement (line start or line end) and its one
    continuation indent? A merge that mixes them reads as two files glued together."""
    members = (*group, body)
    placements = {_placement(item) for item in members} - {None}
    indents = {_continuation_indent(doc, item) for item in members} - {None}
    return len(placements) <= 1 and "mixed" not in placements and len(indents) <= 1


def _continuation_indent(doc: Document, body: Body) -> str | None:
    """How far the body's continuation lines are indented past its keyword (None: one line)."""
    own = doc.indent(body.instruction.start)
    found = None
    for line in body.instruction.lines[1:]:
        text = line_body(doc.lines[line])
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = doc.indent(line)
        relative = indent[len(own) :] if indent.startswith(own) else ""
        if found is None or len(relative) < len(found):
            found = relative
    return found


def _group_style(doc: Document, group: list[Body], file_style: _Style) -> _Style:
    """The group's own `&&` placement and indent win over the file's, so the merged RUN uses one."""
    placements = {_placement(body) for body in group} - {None}
    found = (_continuation_indent(doc, body) for body in group)
    indents = {item for item in found if item is not None}
    indent = next(iter(indents)) if indents else file_style.indent
    line_start = placements == {"start"} if placements else file_style.line_start
    return _Style(indent=indent, line_start=line_start)


def _mounts_carry_files(instruction: Instruction) -> bool:
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
    def of(cls, doc: Document) -> _Style:
        starts = ends = 0
        after_operator: Counter[str] = Counter()  # indents of lines that start a command
        anywhere: Counter[str] = Counter()  # indents of every continuation line
        for instruction in doc.instructions:
            if instruction.cmd != "RUN" or instruction.heredocs:
                continue  # a heredoc's lines are its script's, not continuation lines
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


def _merged_text(doc: Document, group: list[Body], style: _Style) -> str | None:
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
    return "".join(line + "\n" for line in out)


def _wrapping(body: Body, last: bool) -> tuple[str, str]:
    """Text around a body so `&&` joins it whole and its shell changes stay inside it."""
    if body.leaks_state and not last:  # a space keeps `((` / `))` from reading as arithmetic
        return ("( " if body.script.startswith("(") else "("), (" )" if body.script.endswith(")") else ")")
    if body.needs_group:
        return "{ ", (" }" if body.script.endswith(";") else "; }")
    return "", ""
