"""Every real Dockerfile in ../shared/corpus/dockerfiles: no traceback, exact round trip,
output Docker accepts, idempotent fixes, and untouched lines byte-identical.

The work per file is done once and shared by the tests below (they only assert), so the whole
module stays fast. Files that are broken on purpose must be refused with a clean error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from unittest import mock

import dockerfile
import pytest

import dockopt
import dockopt.engine
from dockopt.document import Document, decode
from dockopt.text import split_lines
from dockopt.edits import apply_edits
from dockopt.errors import DockoptError
from dockopt.registry import all_transforms
from dockopt.transform import Safety
from tests.shared import CORPUS, MANIFEST, corpus_rows, corpus_skip_param, missing_reason

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop


def _corpus_files() -> list:
    rows = corpus_rows()
    if not rows:
        return corpus_skip_param(None)
    return [pytest.param(row["stored_path"], id=row["stored_path"]) for row in rows]


FILES = _corpus_files()


@dataclass
class Loaded:
    data: bytes
    text: str | None  # None when dockopt refused the file
    refused: DockoptError | None
    buildkit_parses: bool


_loaded: dict[str, Loaded] = {}
_fixed: dict[tuple[str, bool], dockopt.FixResult] = {}
_again: dict[tuple[bytes, bool], dockopt.FixResult] = {}
_outside_changes: dict[str, list[str]] = {}


def load(stored_path: str) -> Loaded:
    if stored_path not in _loaded:
        data = (CORPUS / stored_path).read_bytes()
        text, refused = None, None
        try:
            text = decode(data)
            Document(text)
        except DockoptError as exc:
            refused = exc
        _loaded[stored_path] = Loaded(data, text if refused is None else None, refused, _buildkit_parses(data))
    return _loaded[stored_path]


def fixed(stored_path: str, unsafe: bool) -> dockopt.FixResult:
    """dockopt.fix over the file; the unsafe run is the safe one when no unsafe fix was left out.

    Every time the engine applies a pass's edits, the lines outside them are compared.
    """
    key = (stored_path, unsafe)
    if key not in _fixed:
        if unsafe and not fixed(stored_path, False).unsafe_left_out:
            _fixed[key] = _fixed[(stored_path, False)]
        else:
            with mock.patch.object(dockopt.engine, "apply_edits", _checked_apply_edits(stored_path)):
                _fixed[key] = dockopt.fix(load(stored_path).data, unsafe_fixes=unsafe)
    return _fixed[key]


def fixed_again(output: bytes, unsafe: bool) -> dockopt.FixResult:
    key = (output, unsafe)
    if key not in _again:
        _again[key] = dockopt.fix(output, unsafe_fixes=unsafe)
    return _again[key]


def _checked_apply_edits(stored_path: str):
    def apply(lines, edits, newline):
        result = apply_edits(lines, edits, newline)
        kind = sys._getframe(1).f_locals.get("kind")  # the engine's transform class, for the message
        where = f"{getattr(kind, 'code', '?')} ({getattr(kind, 'name', '?')})"
        problem = _outside_problem(lines, result, edits)
        if problem:
            _outside_changes.setdefault(stored_path, []).append(f"{where}: {problem}")
        return result

    return apply


def _buildkit_parses(data: bytes) -> bool:
    try:
        dockerfile.parse_string(data.decode("utf-8"))
    except (UnicodeDecodeError, dockerfile.GoParseError):
        return False
    return True


def usable(stored_path) -> Loaded:
    loaded = load(stored_path)
    if loaded.refused is not None:
        pytest.skip(f"refused on purpose: {loaded.refused}")
    return loaded


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stored_path", FILES)
def test_parses_and_renders_the_exact_bytes_or_refuses_cleanly(stored_path):
    loaded = load(stored_path)
    if loaded.refused is not None:
        # Broken on purpose (a template, an unknown instruction...): the API raises the same
        # one-line error, never another exception.
        with pytest.raises(type(loaded.refused)):
            dockopt.fix(loaded.data)
        return
    assert Document(loaded.text).render().encode("utf-8") == loaded.data


@pytest.mark.parametrize("stored_path", FILES)
def test_selecting_nothing_round_trips_bytes_and_text(stored_path):
    data = (CORPUS / stored_path).read_bytes()
    assert dockopt.fix(data, select=[]).output is data
    text = data.decode("utf-8", errors="replace")
    assert dockopt.fix(text, select=[]).output is text


@pytest.mark.parametrize("unsafe", [pytest.param(False, id="safe"), pytest.param(True, id="unsafe")])
@pytest.mark.parametrize("stored_path", FILES)
def test_fixing_gives_valid_stable_output(stored_path, unsafe):
    loaded = usable(stored_path)
    result = fixed(stored_path, unsafe)
    assert result.error is None, result.error
    if not result.changed:
        assert result.output is loaded.data
        return
    output = result.output
    if loaded.buildkit_parses:
        assert _buildkit_parses(output), "the output does not parse with BuildKit's parser"
    again = fixed_again(output, unsafe)
    assert again.error is None, again.error
    assert again.output == output, "fixing twice must equal fixing once"
    _assert_file_conventions_kept(loaded.data, output)


@pytest.mark.parametrize("stored_path", FILES)
def test_the_mount_cache_policy_gives_valid_stable_output(stored_path):
    """`cache = "mount"` with unsafe fixes: every pass, the mount passes instead of the cleanups."""
    loaded = usable(stored_path)
    with mock.patch.object(dockopt.engine, "apply_edits", _checked_apply_edits(stored_path)):
        result = dockopt.fix(loaded.data, unsafe_fixes=True, cache="mount")
    assert result.error is None, result.error
    if not result.changed:
        return
    if loaded.buildkit_parses:
        assert _buildkit_parses(result.output), "the output does not parse with BuildKit's parser"
    again = dockopt.fix(result.output, unsafe_fixes=True, cache="mount")
    assert again.output == result.output, "fixing twice must equal fixing once"
    _assert_file_conventions_kept(loaded.data, result.output)


@pytest.mark.parametrize("stored_path", FILES)
def test_every_pass_leaves_lines_outside_its_edits_unchanged(stored_path):
    usable(stored_path)
    fixed(stored_path, False)
    fixed(stored_path, True)
    assert not _outside_changes.get(stored_path), "\n".join(_outside_changes[stored_path])


# -- helpers -------------------------------------------------------------------------------------


def _outside_problem(before: list[str], after: list[str], edits) -> str | None:
    """Lines between the edits must come out identical (the last line may gain a newline when
    text is appended after it)."""
    shift = 0
    position = 0
    pairs = []
    for edit in sorted(edits, key=lambda e: (e.start, e.stop)):
        pairs.extend((line, line + shift) for line in range(position, edit.start))
        shift += len(split_lines(edit.text)) - (edit.stop - edit.start)
        position = max(position, edit.stop)
    pairs.extend((line, line + shift) for line in range(position, len(before)))
    for old, new in pairs:
        if new >= len(after):
            return f"line {old + 1} is gone"
        if before[old] == after[new]:
            continue
        last = old == len(before) - 1 and not before[old].endswith("\n")
        if not (last and after[new].rstrip("\r\n") == before[old]):
            return f"line {old + 1} outside its edits changed: {before[old]!r} -> {after[new]!r}"
    return None


def _assert_file_conventions_kept(before: bytes, after: bytes) -> None:
    assert before.startswith(b"\xef\xbb\xbf") == after.startswith(b"\xef\xbb\xbf"), "the BOM changed"
    assert before.endswith(b"\n") == after.endswith(b"\n"), "the final newline changed"
    if b"\n" in before and before.count(b"\r\n") == before.count(b"\n"):
        assert after.count(b"\r\n") == after.count(b"\n"), "CRLF line endings were not kept"
    if b"\r\n" not in before:
        assert b"\r\n" not in after, "LF line endings were not kept"
    doc = Document(decode(before))
    head = "".join(doc.lines[: doc.directive_end]).encode("utf-8")
    assert after.lstrip(b"\xef\xbb\xbf").startswith(head), "the parser directives changed"


def test_the_corpus_has_broken_files_and_they_are_refused():
    """Guard: the corpus keeps its deliberately broken inputs, so the refusal path stays tested."""
    if not MANIFEST.is_file():
        pytest.skip(missing_reason(MANIFEST))
    refused = [f.values[0] for f in FILES if load(f.values[0]).refused is not None]
    assert refused, "expected some deliberately broken files in the corpus"


def test_safety_values_are_known():
    assert {t.safety for t in all_transforms()} <= {Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY}


def test_the_outside_check_catches_a_changed_line():
    from dockopt.edits import Edit

    before = ["FROM d\n", "RUN a\n", "RUN b"]
    assert _outside_problem(before, ["FROM d\n", "RUN x\n", "RUN b"], [Edit(1, 2, "RUN x\n")]) is None
    assert _outside_problem(before, ["FROM d\r\n", "RUN x\n", "RUN b"], [Edit(1, 2, "RUN x\n")])
    assert _outside_problem(before, ["FROM d\n", "RUN a\n", "RUN b\n", "USER x"], [Edit(3, 3, "USER x\n")]) is None
