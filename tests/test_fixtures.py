"""Every golden pair: the rewrite is exact, idempotent, and parses with BuildKit's parser."""

from __future__ import annotations

import dockerfile
import pytest

import dockopt
from tests.fixture_cases import all_cases

CASES = all_cases()
_RESULTS: dict[str, dockopt.FixResult] = {}


def fixed(case) -> dockopt.FixResult:
    """The case's rewrite, computed once for the pair, idempotence and message tests."""
    if case.id not in _RESULTS:
        _RESULTS[case.id] = dockopt.fix(case.before.read_bytes(), context=case.context, **case.options)
    return _RESULTS[case.id]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_pair(case, request):
    before = case.before.read_bytes()
    result = fixed(case)
    assert result.error is None, result.error
    companions = {companion_golden(case, change.path): change.after for change in result.files}
    if request.config.getoption("--update-fixtures"):
        if result.output != before:
            case.after.write_bytes(result.output)
        elif case.after.exists():
            case.after.unlink()
        for stale in case.before.parent.glob(f"{case.name}.after.*"):
            if stale != case.after and stale not in companions:
                stale.unlink()
        for golden, text in companions.items():
            golden.write_text(text, encoding="utf-8", newline="")
        return
    expected = case.after.read_bytes() if case.after.exists() else before
    assert result.output.decode() == expected.decode()
    assert result.output == expected
    for item in result.fixes:  # an unsafe fix says in one line what may change
        assert item.is_finding or item.safety.value != "unsafe" or item.reason, f"{item.ident}: unsafe with no reason"
    goldens = {path for path in case.before.parent.glob(f"{case.name}.after.*") if path != case.after}
    assert set(companions) == goldens, "the companion files changed are not the goldens"
    for golden, text in companions.items():
        assert text == golden.read_bytes().decode("utf-8")


def companion_golden(case, path: str):
    """`<case>.after.dockerignore` holds the `.dockerignore` the case writes."""
    from pathlib import Path

    return case.before.with_name(f"{case.name}.after.{Path(path).name.lstrip('.')}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_idempotent(case):
    once = fixed(case).output
    twice = dockopt.fix(once, context=case.context, **case.options)
    assert twice.output == once, "fixing twice must equal fixing once"
    dockerfile.parse_string(once.decode())


FOLDERS = sorted({case.before.parent for case in CASES})


def messages(case) -> str:
    """What a user reads for this case: position, code, mark and text of every result."""
    result = fixed(case)
    lines = [f"## {case.name}"]
    for item in result.fixes:
        mark = "[*]" if item.applied else ("[unsafe]" if not item.is_finding else "finding")
        lines.append(f"{item.line}:{item.column} {item.code} {mark} {item.text}")
        if item.together_with:
            lines.append(f"    together with {', '.join(item.together_with)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_fixture_messages_snapshot(folder, request):
    """Every rule's messages on its fixtures, findings included, in `<CODE>/messages.txt`."""
    text = "\n".join(messages(case) for case in CASES if case.before.parent == folder)
    snapshot = folder / "messages.txt"
    if request.config.getoption("--update-fixtures"):
        snapshot.write_text(text, encoding="utf-8")
        return
    assert snapshot.exists(), f"no {snapshot.name}: run pytest tests/test_fixtures.py --update-fixtures and read it"
    assert text == snapshot.read_text(encoding="utf-8")
