"""Every golden pair: the rewrite is exact, idempotent, and parses with BuildKit's parser."""

from __future__ import annotations

import dockerfile
import pytest

import dockopt
from tests.fixture_cases import all_cases

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_pair(case, request):
    before = case.before.read_bytes()
    result = dockopt.fix(before, context=case.context, **case.options)
    assert result.error is None, result.error
    if request.config.getoption("--update-fixtures"):
        if result.changed:
            case.after.write_bytes(result.output)
        elif case.after.exists():
            case.after.unlink()
        return
    expected = case.after.read_bytes() if case.after.exists() else before
    assert result.output.decode() == expected.decode()
    assert result.output == expected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_idempotent(case):
    once = dockopt.fix(case.before.read_bytes(), context=case.context, **case.options).output
    twice = dockopt.fix(once, context=case.context, **case.options)
    assert twice.output == once, "fixing twice must equal fixing once"
    dockerfile.parse_string(once.decode())
