"""DO111 dead-cmd-entrypoint-healthcheck: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import table_tests


NO_OP = [
    pytest.param('FROM debian AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n', id="one-per-stage"),
    pytest.param('FROM debian\nCMD ["a"]\nENTRYPOINT ["b"]\nHEALTHCHECK NONE\n', id="one-of-each"),
    pytest.param('FROM debian\nONBUILD CMD ["a"]\nONBUILD CMD ["b"]\n', id="onbuild-triggers-run-in-another-build"),
]

FIXES = [
    pytest.param('FROM debian\nCMD ["a"]\nRUN x\nCMD ["b"]\n', 'FROM debian\nRUN x\nCMD ["b"]\n', id="an-earlier-cmd"),
    pytest.param('FROM debian\nENTRYPOINT ["a"]\nCMD ["c"]\nENTRYPOINT ["b"]\n', 'FROM debian\nCMD ["c"]\nENTRYPOINT ["b"]\n',
                 id="an-earlier-entrypoint-the-cmd-of-the-stage-survives-either-way"),
    pytest.param("FROM debian\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\n", "FROM debian\nHEALTHCHECK NONE\n", id="healthcheck"),
    pytest.param('FROM debian\nCMD a \\\n  # why\n  b\nCMD ["c"]\n', 'FROM debian\n  # why\nCMD ["c"]\n',
                 id="a-comment-inside-the-dead-one-stays"),
    pytest.param('FROM debian\nRUN x\n\nCMD ["a"]\n\nCMD ["b"]\n', 'FROM debian\nRUN x\n\nCMD ["b"]\n',
                 id="no-double-blank-line-is-left"),
    pytest.param('FROM debian\n# start\nCMD ["a"]\nCMD ["b"]\n', 'FROM debian\n# start\nCMD ["b"]\n',
                 id="a-comment-above-stays-it-may-describe-the-live-one"),
]


test_leaves_alone, test_fixes = table_tests("DO111", NO_OP, FIXES, quiet=True)


def test_hadolint_codes_select_it():
    assert dockopt.fix('FROM debian\nCMD ["a"]\nCMD ["b"]\n', select=["DL4003"]).output == 'FROM debian\nCMD ["b"]\n'
