"""Results keep the user's coordinates: every line they name is a line of the user's file, and each
result's own edits (in that file) applied alone give a file Docker accepts, while all of them
together give the `--write` output."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

import dockopt
from dockopt.errors import DockoptError
from dockopt.results import apply_text_edits
from tests.fixture_cases import all_cases
from tests.shared import CORPUS, corpus_rows, corpus_skip_param

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop


def _inputs() -> list:
    found = [pytest.param(case.before, case.context, id=f"fixture/{case.id}") for case in all_cases()]
    rows = corpus_rows()
    for row in rows:
        found.append(pytest.param(CORPUS / row["stored_path"], None, id=f"corpus/{row['stored_path']}"))
    if not rows:
        found.extend(corpus_skip_param(None, None))
    return found


@pytest.mark.parametrize("path, context", _inputs())
def test_an_unsafe_fix_left_out_carries_the_edits_its_rule_alone_makes(path: Path, context: Path | None):
    try:
        source = path.read_bytes().decode("utf-8")
        result = dockopt.fix(source, context=context)
    except (DockoptError, UnicodeDecodeError):
        pytest.skip("refused with a clear error (tested elsewhere)")
    alone_runs: dict[str, dict[str, object]] = {}
    for item in result.fixes:
        if item.applied or not item.fix_edits:
            continue
        alone = apply_text_edits(source, list(item.fix_edits))
        dockerfile.parse_string(alone)  # the fix alone gives a file Docker accepts
        if item.code not in alone_runs:
            rule = dockopt.fix(source, select=[item.code], unsafe_fixes=True, context=context)
            alone_runs[item.code] = {found.ident: found for found in rule.applied}
        same = alone_runs[item.code].get(item.ident)
        assert same is not None, f"{item.ident} carries edits, but its rule alone makes no fix there"
        if not same.together_with:
            assert apply_text_edits(source, list(same.fix_edits or ())) == alone, f"{item.ident}: not the change its rule makes alone"


@pytest.mark.parametrize("path, context", _inputs())
def test_each_result_is_in_the_user_s_file_and_carries_its_own_edits(path: Path, context: Path | None):
    try:
        source = path.read_bytes().decode("utf-8")
        result = dockopt.fix(source, unsafe_fixes=True, context=context)
    except (DockoptError, UnicodeDecodeError):
        pytest.skip("refused with a clear error (tested elsewhere)")
    assert result.error is None
    count = len(source.splitlines()) or 1
    for item in result.fixes:
        assert 1 <= item.line <= item.end_line <= count, f"{item.ident} names a line outside the user's file"
    carried = [edit for item in result.applied if item.fix_edits for edit in item.fix_edits]
    assert apply_text_edits(source, carried) == result.output, "all the results' edits together must give --write"
    alone_runs: dict[str, dict[str, object]] = {}
    for item in result.applied:
        if item.fix_edits and not item.together_with:
            alone = apply_text_edits(source, list(item.fix_edits))
            dockerfile.parse_string(alone)  # one fix alone gives a file Docker accepts
        assert (item.fix_edits is not None) or item.together_with, f"{item.ident} has no edits and no partner"
        if item.together_with:
            continue  # said so in the result: it only goes with another rule's fix
        if item.code not in alone_runs:
            rule = dockopt.fix(source, select=[item.code], unsafe_fixes=True, context=context)
            alone_runs[item.code] = {found.ident: found for found in rule.applied}
        same = alone_runs[item.code].get(item.ident)
        if same is not None and not same.together_with:  # else it exists only after another fix
            # The same change as the rule alone makes; where another fix removed a step, it may be
            # placed elsewhere (a USER goes before CMD once the RUN after CMD moved up).
            assert [edit.content for edit in same.fix_edits] == [edit.content for edit in item.fix_edits], (
                f"{item.ident}'s edits are not the change its rule makes alone"
            )
