"""hadolint agrees: on each fixture of the transforms that fix a hadolint rule, hadolint reports the
rule before the fix and no longer after it (the `.after` golden file).

Skipped when hadolint is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.fixture_cases import all_cases

HADOLINT = shutil.which("hadolint")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed")]

# dockopt code -> the hadolint rule its fixtures must clear
RULES = {
    "DO270": "DL3047",
    "DO271": "DL3046",
    "DO272": "DL3021",
    "DO273": "DL4006",
    "DO260": "DL3004",
    "DO261": "DL3003",
    "DO274": "DL3044",
}
# Where hadolint keeps reporting, and why dockopt is right not to add more.
KEPT = {
    # hadolint forgets a SHELL at every FROM; Docker keeps it in a stage built FROM the stage.
    "DO273/bash": "a stage built FROM a stage with the pipefail SHELL",
    # sudo -u app after USER app: which user runs the step is the author's call (reported).
    "DO260/sudo-in-run": "sudo after a non-root USER",
}
# Fixtures whose only DL finding is left on purpose (reported with the reason), so not checked.
LEFT = {"DO261/cd-in-run"}

CASES = [case for case in all_cases() if case.code in RULES and case.after.exists() and case.id not in LEFT]


def _count(path, rule: str) -> int:
    done = subprocess.run([HADOLINT, "--no-fail", "--format", "json", str(path)], capture_output=True, text=True, check=False)
    return sum(item["code"] == rule for item in json.loads(done.stdout or "[]"))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hadolint_no_longer_reports_the_rule(case):
    rule = RULES[case.code]
    before = _count(case.before, rule)
    assert before, f"hadolint does not report {rule} on the fixture: it proves nothing"
    after = _count(case.after, rule)
    if case.id in KEPT:
        assert after < before
    else:
        assert after == 0
