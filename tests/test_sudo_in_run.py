"""DO260: no-op and fix tables (transforms/sudo_in_run.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

NOOP = [
    pytest.param('FROM debian\nUSER app\nRUN sudo make install\n', id='after a non-root USER'),
    pytest.param('FROM example.com/base\nRUN sudo make install\n', id='an unknown base may run as anyone'),
    pytest.param('FROM debian\nRUN sudo -u app make\n', id='-u another user'),
    pytest.param('FROM debian\nRUN sudo -i make\n', id='a login shell'),
    pytest.param('FROM debian\nRUN sudo\n', id='sudo alone'),
    pytest.param('FROM debian\nRUN sudo \\\n  make\n', id='the command on the next line'),
    pytest.param('FROM debian\nRUN echo sudo\n', id='sudo as an argument'),
    pytest.param('FROM debian\nUSER $U\nRUN sudo make\n', id='a USER from a variable'),
    pytest.param('FROM gcr.io/distroless/base-debian12:nonroot\nRUN sudo make\n', id='a base that runs as nonroot'),
]

FIX = [
    pytest.param('FROM debian\nRUN sudo apt-get update\n', 'FROM debian\nRUN apt-get update\n', id='no USER on Debian'),
    pytest.param('FROM node:20\nRUN sudo -E -H npm i -g x\n', 'FROM node:20\nRUN npm i -g x\n', id='plain options'),
    pytest.param('FROM example.com/base\nUSER root\nRUN sudo -u root make\n', 'FROM example.com/base\nUSER root\nRUN make\n',
                 id='after USER root, -u root'),
    pytest.param('FROM debian\nRUN a && sudo -- b | sudo tee /x\n', 'FROM debian\nRUN a && b | tee /x\n', id='each prefix'),
    pytest.param('FROM debian\nRUN sudo LANG=C make\n', 'FROM debian\nRUN LANG=C make\n', id='an assignment stays a prefix'),
    pytest.param('FROM debian\nUSER app\nUSER 0\nRUN sudo make\n', 'FROM debian\nUSER app\nUSER 0\nRUN make\n', id='USER 0'),
]


test_leaves_alone, test_fixes = table_tests("DO260", NOOP, FIX)


def test_unknown_base_says_why():
    result = dockopt.fix("FROM example.com/base\nRUN sudo make\n", select=["DO260"], unsafe_fixes=True)
    (fix,) = result.fixes
    assert fix.text.startswith("sudo in RUN; left alone: dockopt does not know which user example.com/base runs as")


def test_a_run_above_every_from_is_reported_not_a_crash():
    result = dockopt.fix("RUN sudo make\nFROM example.com/base\n", select=["DO260"], unsafe_fixes=True)
    assert result.error is None
    (fix,) = result.fixes
    assert fix.text.startswith("sudo in RUN; left alone: dockopt does not know which user the base image runs as")


def test_message_and_safety():
    assert_message("DO260", "FROM debian\nRUN sudo make\n",
                   ("drop `sudo`: this RUN already runs as root "
                    "(unsafe: the command now sees the ENV and PATH that sudo reset, and runs where sudo is missing)"),
                   "unsafe")
