"""DO261: no-op and fix tables (transforms/cd_instead_of_workdir.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

NOOP = [
    pytest.param('FROM debian\nRUN cd /app && make\nRUN make install\n', id='a later RUN in the working folder'),
    pytest.param('FROM debian\nRUN cd /app && make\nCOPY a.txt .\n', id='a later relative COPY'),
    pytest.param('FROM debian\nRUN cd /app && make\nWORKDIR src\n', id='a later relative WORKDIR'),
    pytest.param('FROM debian AS a\nRUN cd /app && make\nFROM a\nRUN make install\n', id='a RUN of a stage built FROM it'),
    pytest.param('FROM debian\nRUN cd /app; make\n', id='not an && chain'),
    pytest.param('FROM debian\nRUN cd $HOME && make\n', id='a variable'),
    pytest.param('FROM debian\nRUN cd - && make\n', id='cd -'),
    pytest.param('FROM debian\nRUN make && cd /app && make\n', id='cd not first'),
    pytest.param('FROM debian\nRUN cd /app\n', id='cd alone'),
    pytest.param('FROM debian\nRUN (cd /app && make)\n', id='in a subshell'),
]

FIX = [
    pytest.param('FROM debian\nRUN cd /app && make\n', 'FROM debian\nWORKDIR /app\nRUN make\n', id='the last RUN'),
    pytest.param('FROM debian\nWORKDIR /srv\nRUN cd app && make\nCOPY a /b\n',
                 'FROM debian\nWORKDIR /srv\nWORKDIR /srv/app\nRUN make\nCOPY a /b\n', id='relative, made absolute'),
    pytest.param('FROM debian\nRUN cd /app && make\nRUN cd /x && make\n', 'FROM debian\nWORKDIR /app\nRUN make\nWORKDIR /x\nRUN make\n',
                 id='a later RUN with its own absolute cd'),
    pytest.param('FROM debian\nRUN cd /app && make\nWORKDIR /\nRUN ls\n', 'FROM debian\nWORKDIR /app\nRUN make\nWORKDIR /\nRUN ls\n',
                 id='an absolute WORKDIR resets it'),
    pytest.param('FROM debian\nRUN cd /app \\\n  && make \\\n  && make install\n',
                 'FROM debian\nWORKDIR /app\nRUN make \\\n  && make install\n', id='continuation lines'),
    pytest.param('from debian\nrun cd /app && make\n', 'from debian\nworkdir /app\nrun make\n', id='lower-case keywords'),
]


test_leaves_alone, test_fixes = table_tests("DO261", NOOP, FIX)


def test_finding_says_why_it_is_left():
    result = dockopt.fix("FROM debian\nRUN cd /app && make\nRUN make install\n", select=["DO261"], unsafe_fixes=True)
    (fix,) = result.fixes
    assert fix.text == "`cd /app` lasts only until the end of this RUN: use WORKDIR (not rewritten: the RUN on line 3 would run in another folder)"


def test_message_and_safety():
    assert_message("DO261", "FROM debian\nRUN cd /app && make\n",
                   ("write `WORKDIR /app` above the RUN instead of its `cd` "
                    "(unsafe: WORKDIR creates /app if it is missing; the image now starts in /app)"),
                   "unsafe")
