"""DO290: no-op and fix tables (transforms/quote_known_variable.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\nENV APP_HOME=/srv/app\n'

NOOP = [
    pytest.param('RUN mkdir -p "$APP_HOME"', id='already quoted'),
    pytest.param('ENV LIST="a b"\nRUN echo $LIST', id='the value has a space'),
    pytest.param('ENV PAT=*.txt\nRUN ls $PAT', id='the value globs'),
    pytest.param('ENV EMPTY=""\nRUN ls $EMPTY', id='an empty value disappears unquoted'),
    pytest.param('ARG FROM_ARG=/opt\nRUN ls $FROM_ARG', id='an ARG can be overridden'),
    pytest.param('RUN ls $HOME', id='set by the base image'),
    pytest.param('ENV P=$PATH:/x\nRUN echo $P', id='a value that expands'),
    pytest.param('RUN APP_HOME=/x && ls $APP_HOME', id='assigned in the RUN'),
    pytest.param('RUN IFS=/; ls $APP_HOME', id='IFS changes'),
    pytest.param('RUN --mount=type=secret,id=h,env=APP_HOME ls $APP_HOME', id='a secret mount sets it'),
    pytest.param('RUN [ -d $APP_HOME ]', id='a test command'),
    pytest.param('SHELL ["pwsh", "-c"]\nRUN ls $APP_HOME', id='not a POSIX shell'),
    pytest.param('RUN ${APP_HOME:-/x}/bin/run', id='an expansion with an operator, as the command'),
    pytest.param('RUN mkdir -p $APP_HOME/logs', id='inside a longer word, where quoting half of it reads worse'),
]

FIX = [
    pytest.param(
        'RUN mkdir -p $APP_HOME',
        'RUN mkdir -p "$APP_HOME"',
        id='a whole argument',
    ),
    pytest.param(
        'RUN cd ${APP_HOME} && ls',
        'RUN cd "${APP_HOME}" && ls',
        id='braces',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO290", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO290", FROM + 'RUN ls $APP_HOME' + "\n",
                   'quote $APP_HOME: its value is one plain word, so quoting keeps it one argument for good (SC2086)',
                   'safe')
