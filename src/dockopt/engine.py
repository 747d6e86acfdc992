"""The fix engine: runs the passes to a fixed point and refuses output Docker would reject.

Each round runs every selected transform in pass order. For one pass: drop suppressed fixes,
keep back unsafe ones unless asked, reject a fix whose edits overlap one already accepted (it is
retried next round, on the new text), apply the accepted edits bottom-up, and re-parse with
BuildKit's parser before the next pass (only the instructions the edits reached: see
`Document(previous=)`). Rounds repeat until nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dockopt.context import BuildContext
from dockopt.document import BOM, Document, decode
from dockopt.edits import Edit, apply_edits
from dockopt.errors import DockerfileParseError, SelectorError
from dockopt.ledger import Ledger, edits_on_the_user_s_text
from dockopt.pragmas import Pragma, parse_pragmas, touched, unknown_selector
from dockopt.registry import matching, needs_of, selected, unknown_selectors
from dockopt.results import FileEdit, Fix, Safety
from dockopt.run_memory import forget_outside_a_run
from dockopt.text import line_body, split_lines
from dockopt.transform import Context, Transform

MAX_ROUNDS = 10


@dataclass
class FixResult:
    source: str | bytes
    output: str | bytes
    fixes: list[Fix] = field(default_factory=list)  # applied and left out, top to bottom
    error: str | None = None  # an internal error: the output is then the source, unchanged
    skipped: str | None = None  # why the file was left alone on purpose (`# dockopt: skip-file`)
    # (line, message) about the file's pragmas: unknown codes, ignores that suppress nothing
    warnings: list[tuple[int, str]] = field(default_factory=list)
    files: list[FileEdit] = field(default_factory=list)  # companion files the applied fixes change

    @property
    def changed(self) -> bool:
        return self.output != self.source or bool(self.files)

    @property
    def applied(self) -> list[Fix]:
        return [f for f in self.fixes if f.applied]

    @property
    def unsafe_left_out(self) -> list[Fix]:
        return [f for f in self.fixes if not f.applied and f.safety is Safety.UNSAFE]

    @property
    def findings(self) -> list[Fix]:
        return [f for f in self.fixes if f.is_finding]


def fix(
    source: str | bytes,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe_fixes: bool = False,
    context: str | Path | BuildContext | None = None,
    cache: str = "clean",
) -> FixResult:
    """Rewrite one Dockerfile. Raises `DockerfileParseError` / `InputError` for bad input, and
    `SelectorError` for a selector that names no transform.

    `select=[]` selects nothing and returns `source` unchanged, byte for byte. `cache` is the
    cache policy: "clean" deletes package-manager caches in the layer, "mount" puts them on
    BuildKit cache mounts (`dockopt.cache_mounts`). A call reads the files around the Dockerfile
    (its repository, the other Dockerfiles of its folder) as they are now; within a batch
    (`run_memory.one_run`), once for the whole batch.
    """
    forget_outside_a_run()
    if cache not in ("clean", "mount"):
        raise ValueError(f"unknown cache policy {cache!r}: give \"clean\" or \"mount\"")
    for selectors in (select, ignore):
        if isinstance(selectors, str):
            raise SelectorError(f"give selectors as a list, not a string: [{selectors!r}]")
    unknown = unknown_selectors(list(select or []) + list(ignore or []))
    if unknown:
        raise SelectorError(f"unknown rule selector '{unknown[0]}' (see `dockopt rules`)")
    if select is not None and not select:
        return FixResult(source, source)
    text = decode(source) if isinstance(source, bytes) else source
    if isinstance(context, (str, Path)):
        context = BuildContext(context)
    ctx = Context(
        build=context,
        path=str(context.dockerfile) if context and context.dockerfile else None,
        unsafe_fixes=unsafe_fixes,
        options={"cache": cache},
    )
    transforms = [cls() for cls in selected(select, ignore)]
    document = Document(text)
    used: set[tuple[str, str]] = set()
    output, fixes, error, skipped = _run(document, transforms, ctx, unsafe_fixes, used)
    if error:
        return FixResult(source, source, fixes, error=error)
    warnings = [] if skipped else pragma_warnings(document, output, transforms, ctx, used)
    if isinstance(source, bytes):
        result_output: str | bytes = output.encode("utf-8") if output != text else source
    else:
        result_output = output
    return FixResult(source, result_output, fixes, skipped=skipped, warnings=warnings, files=_companions(fixes))


def _companions(fixes: list[Fix]) -> list[FileEdit]:
    """Each companion file once: its text before the first applied fix and after the last."""
    first: dict[str, FileEdit] = {}
    last: dict[str, str] = {}
    for item in fixes:
        if item.applied:
            for change in item.files:
                first.setdefault(change.path, change)
                last[change.path] = change.after
    return [FileEdit(path, change.before, last[path]) for path, change in sorted(first.items()) if change.before != last[path]]


def _run(
    doc: Document, transforms: list[Transform], ctx: Context, unsafe_fixes: bool, used: set[tuple[str, str]] | None = None
) -> tuple[str, list[Fix], str | None, str | None]:
    """(output, fixes, internal error, why skipped)."""
    pragmas = parse_pragmas(doc)
    if pragmas.skip_file:
        return doc.render(), [], None, "skip-file pragma"
    original = doc.lines
    applied: list[Fix] = []
    left_out: list[Fix] = []
    ledger = Ledger.of(original)
    seen: dict[type, tuple[Document, list[Fix]]] = {}  # what each pass left out on the text it last read
    needed = needs_of(tuple(type(transform) for transform in transforms))
    for _ in range(MAX_ROUNDS):
        changed = False
        left_out = []
        for transform in transforms:
            kind = type(transform)
            if kind in seen and seen[kind][0] is doc:  # the same text as last round: the same answer
                left_out.extend(seen[kind][1])
                continue
            if kind.needs and doc.words_present(needed).isdisjoint(kind.needs):
                seen[kind] = (doc, [])  # none of the words it looks for: nothing to find
                continue
            first_left_out = len(left_out)
            try:
                fixes = list(transform.check(doc, ctx))
            except Exception as exc:  # a bug in one transform must never cost the user a traceback
                return doc.render(), applied, _internal(kind, f"{type(exc).__name__}: {exc}"), None
            accepted: list[Fix] = []
            edits: list[Edit] = []
            for item in fixes:
                if pragmas.suppressed(item, kind, doc, used):
                    continue
                if item.is_finding and kind.safety is Safety.UNSAFE and not unsafe_fixes:
                    continue  # why an unsafe fix was not made: news only to who asked for unsafe fixes
                if item.is_finding and ledger.cites_new_text(item):
                    continue  # about an instruction another fix added, not about the user's file
                if item.is_finding or item.safety is Safety.DISPLAY or (item.safety is Safety.UNSAFE and not unsafe_fixes):
                    placed = ledger.place(item, doc, applied)
                    if item.edits and item.safety is Safety.UNSAFE and doc.lines is original and kind.edits_when_left_out:
                        placed = placed.replace(fix_edits=edits_on_the_user_s_text(item, doc))
                    left_out.append(placed)
                    continue
                if any(e.start < doc.directive_end for e in item.edits):
                    continue  # nothing goes above or over the parser directives
                if any(e.overlaps(other) for e in item.edits for other in edits):
                    continue  # computed on text another fix is changing: retried next round
                accepted.append(item)
                edits.extend(item.edits)
            if any(item.files for item in accepted):
                # Companion files change at once (no line of the Dockerfile moves for them); later
                # passes and rounds read them as changed through `ctx.files`.
                for item in accepted:
                    ctx.files.update((change.path, change.after) for change in item.files)
                applied.extend([ledger.place(item, doc, applied).replace(applied=True) for item in accepted if not item.edits])
                accepted = [item for item in accepted if item.edits]
                edits = [edit for item in accepted for edit in item.edits]
            if not accepted:
                seen[kind] = (doc, left_out[first_left_out:])
                continue
            new_text = "".join(apply_edits(doc.lines, edits, doc.newline))
            if new_text == doc.text:
                continue
            try:
                new_doc = Document((BOM if doc.bom else "") + new_text, previous=doc, changes=_changes(edits))
            except DockerfileParseError as exc:
                return doc.render(), applied, _internal(kind, f"its output does not parse: {exc}"), None
            first = len(applied)
            applied.extend([ledger.place(item, doc, applied).replace(applied=True) for item in accepted])
            owned = [(edit, first + number) for number, item in enumerate(accepted) for edit in item.edits]
            ledger = ledger.after(doc, owned)
            doc = new_doc
            pragmas = parse_pragmas(doc)
            changed = True
        if not changed:
            applied = ledger.attach_edits(applied, original, doc.lines)
            return doc.render(), _distinct(sorted(applied + left_out, key=_position)), None, None
    last = applied[-1] if applied else None
    culprit = f"{last.code} ({last.name})" if last else "a transform"
    return doc.render(), applied, f"internal error: rewrites did not settle after {MAX_ROUNDS} rounds (last: {culprit})", None


def _changes(edits: list[Edit]) -> list[tuple[int, int, int]]:
    """Where the edits changed the lines: (start, stop, new line count), in order."""
    return sorted((edit.start, edit.stop, len(split_lines(edit.text))) for edit in edits)


def _position(item: Fix) -> tuple[int, int, str]:
    return item.line, item.column, item.code


def _distinct(results: list[Fix]) -> list[Fix]:
    """One result where a rule said the same thing at the same place twice: it fixed a line and
    the copy another fix made of it (the ENV a stage split repeats), and both copies stand for
    the same line of the user's file. A result with edits of its own is never merged away."""
    kept: dict[tuple[object, ...], int] = {}
    found: list[Fix] = []
    for item in results:
        key = (item.code, item.line, item.column, item.end_line, item.end_column, item.message, item.title,
               item.applied, item.safety)
        at = kept.get(key)
        if at is not None and item.fix_edits in (None, found[at].fix_edits) and item.files == found[at].files:
            continue
        kept.setdefault(key, len(found))
        found.append(item)
    if len(found) == len(results):
        return results
    return [item.replace(together_with=tuple(dict.fromkeys(name for name in item.together_with if name != item.ident)))
            if item.together_with else item for item in found]


def pragma_warnings(original: Document, output: str, transforms: list[Transform], ctx: Context, used: set[tuple[str, str]]) -> list[tuple[int, str]]:
    """Unknown codes in ignore pragmas, and `# dockopt: ignore=` codes that suppressed nothing.

    Only rules that ran can be judged unused. A rule may also keep away from a pragma'd line on
    its own (chain-run never merges a RUN under a pragma), so before calling an instruction's
    pragma unused, its rules run once more on the result with that comment blanked out.
    A `# hadolint ignore=` is never called unused: hadolint itself may need it.
    """
    pragmas = parse_pragmas(original)
    if not pragmas.entries:
        return []
    ran = {type(t).code for t in transforms}
    final: Document | None = None
    found: list[tuple[int, str]] = []
    for entry in pragmas.entries:
        for selector in entry.selectors:
            unknown = unknown_selector(entry, selector)
            if unknown:
                found.append((entry.line + 1, unknown))
                continue
            if entry.tool != "dockopt" or (entry.text, selector) in used:
                continue
            rules = matching(selector)
            if not all(rule.code in ran for rule in rules):
                continue
            if not entry.is_global:
                final = final or Document(output)
                if _needed_here(final, entry, selector, [t for t in transforms if type(t) in rules], ctx):
                    continue
            found.append((entry.line + 1, f"{entry.spelled(selector)} suppresses nothing here"))
    return found


def _needed_here(doc: Document, entry: Pragma, selector: str, transforms: list[Transform], ctx: Context) -> bool:
    """Would one of these rules touch the pragma's instruction if the pragma were not there?"""
    line = next((i for i, text in enumerate(doc.lines) if line_body(text).strip() == entry.text), None)
    if line is None:
        return True  # the comment moved with a rewrite: no way to tell, so no warning
    targets = [i for i, found in parse_pragmas(doc).ignores.items() if selector in found]
    lines = list(doc.lines)
    lines[line] = "#" + doc.lines[line][len(line_body(doc.lines[line])) :]
    try:
        bare = Document("".join(lines))
    except DockerfileParseError:
        return True
    pragmas = parse_pragmas(bare)
    for transform in transforms:
        try:
            fixes = list(transform.check(bare, ctx))
        except Exception:
            return True
        for item in fixes:
            hit = {instruction.index for instruction in touched(item, bare)}
            if hit & set(targets) and not pragmas.suppressed(item, type(transform), bare):
                return True
    return False


def _internal(kind: type[Transform], detail: str) -> str:
    return f"internal error in {kind.code} ({kind.name}): {detail}; the file was left unchanged"
