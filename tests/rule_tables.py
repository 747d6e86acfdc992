"""The tests every rule module repeats, written once: what a rule leaves alone, what it fixes and
that fixing twice equals fixing once, what it only reports, and the message of its fix.

A module declares its tables and gets the standard tests:

    test_leaves_alone, test_fixes = table_tests("DO280", NOOP, FIX, prefix=FROM, suffix="\\n")

A NOOP row is a file, `pytest.param(body, id=...)`; a FIX row the file and what the rule makes of
it, `pytest.param(body, expected, id=...)`; `prefix` and `suffix` go around both, so a row holds
only the lines that matter. Rows that carry more (context files, the expected safety) go through a
test of the module's own that calls `assert_leaves_alone` / `assert_fixes`, which check the same.

Every fix is checked for what holds of any fix: no internal error, output BuildKit's parser reads,
and a second run that changes nothing. A row that fails this is a bug in the rule: mark the row
`pytest.param(..., marks=pytest.mark.xfail(reason=..., strict=True))`, never loosen the check.

`code` is a selector or a list of them; options go to `dockopt.fix` (`context=`, `cache=`,
`unsafe_fixes=`). Unsafe fixes are on unless a module passes `unsafe_fixes=False`, as it does to
show that its fixes are safe.
"""

from __future__ import annotations

from collections.abc import Sequence

import dockerfile
import pytest

import dockopt
from dockopt.results import Fix


def run(code: str | Sequence[str], source: str, **options) -> dockopt.FixResult:
    """`dockopt.fix` with only `code` selected (and unsafe fixes on, unless `unsafe_fixes=False`)."""
    options.setdefault("unsafe_fixes", True)
    return dockopt.fix(source, select=[code] if isinstance(code, str) else list(code), **options)


def assert_leaves_alone(code: str | Sequence[str], source: str, *, quiet: bool = False, **options) -> dockopt.FixResult:
    """`code` changes nothing in `source`; with `quiet`, it does not even report a finding."""
    result = run(code, source, **options)
    assert result.error is None, result.error
    assert result.output == source
    if quiet:
        assert result.fixes == []
    return result


def assert_stable(code: str | Sequence[str], source: str, **options) -> dockopt.FixResult:
    """`code` runs on `source` without an internal error, to an output that BuildKit's parser reads
    and that a second run leaves as it is."""
    result = run(code, source, **options)
    assert result.error is None, result.error
    dockerfile.parse_string(result.output)
    again = run(code, result.output, **options)
    assert again.error is None, again.error
    assert again.output == result.output, "fixing twice must equal fixing once"
    return result


def assert_fixes(code: str | Sequence[str], source: str, expected: str, **options) -> dockopt.FixResult:
    """`code` turns `source` into `expected`, and that output is stable (`assert_stable`)."""
    result = assert_stable(code, source, **options)
    assert result.output == expected
    return result


def assert_finds(code: str, source: str, lines: list[int], **options) -> dockopt.FixResult:
    """`code` changes nothing in `source` and reports findings on exactly `lines` (1-based)."""
    result = run(code, source, **options)
    assert result.error is None, result.error
    assert result.output == source
    assert [f.line for f in result.findings] == lines
    return result


def assert_says_why(code: str, source: str, line: int | None, fragment: str, **options) -> Fix:
    """`code` leaves `source` alone and says why: one finding (on `line`, if given) naming `fragment`."""
    result = run(code, source, **options)
    assert result.error is None, result.error
    assert not result.changed
    (finding,) = result.fixes
    assert finding.code == code and finding.is_finding
    if line is not None:
        assert finding.line == line
    assert fragment in finding.message
    return finding


def assert_message(code: str, source: str, text: str, safety: str, **options) -> Fix:
    """`code` makes one fix in `source`, and says `text` with that `safety` ("safe", "unsafe")."""
    (fix,) = run(code, source, **options).applied
    assert fix.text == text
    assert fix.safety.value == safety
    return fix


def table_tests(code: str | Sequence[str], noop: list, fixes: list, *, prefix: str = "", suffix: str = "",
                quiet: bool = False, **options):
    """`test_leaves_alone` over `noop` and `test_fixes` over `fixes`, to assign in a test module."""

    @pytest.mark.parametrize("body", noop)
    def test_leaves_alone(body):
        assert_leaves_alone(code, prefix + body + suffix, quiet=quiet, **options)

    @pytest.mark.parametrize(("body", "expected"), fixes)
    def test_fixes(body, expected):
        assert_fixes(code, prefix + body + suffix, prefix + expected + suffix, **options)

    return test_leaves_alone, test_fixes


def finding_tests(code: str, quiet: list, found: list, **options):
    """For a rule that only reports: `test_quiet` over `quiet` (files it finds nothing in) and
    `test_found` over `found` (a file and the lines of its findings), to assign in a test module."""

    @pytest.mark.parametrize("source", quiet)
    def test_quiet(source):
        assert_finds(code, source, [], **options)

    @pytest.mark.parametrize(("source", "lines"), found)
    def test_found(source, lines):
        assert_finds(code, source, lines, **options)

    return test_quiet, test_found
