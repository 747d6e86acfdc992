"""DO271: no-op and fix tables (transforms/useradd_no_log_init.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN useradd -l -u 1000000 app', id='already -l'),
    pytest.param('RUN useradd --no-log-init -u 1000000 app', id='already --no-log-init'),
    pytest.param('RUN useradd -rlu 1000000 app', id='-l in a cluster'),
    pytest.param('RUN useradd -u 1000 app', id='a low UID'),
    pytest.param('RUN useradd -u 99999 app', id='the highest low UID'),
    pytest.param('RUN useradd -m app', id='no UID'),
    pytest.param('RUN useradd -c "-u 1000000" app', id='-u inside a comment value'),
    pytest.param('RUN adduser -u 1000000 app', id='adduser is another program'),
]

FIX = [
    pytest.param('RUN useradd -u 1000000 app', 'RUN useradd -l -u 1000000 app', id='a high UID'),
    pytest.param('RUN useradd -ru 1000000 app', 'RUN useradd -l -ru 1000000 app', id='-u ending a cluster'),
    pytest.param('RUN useradd -u1000000 app', 'RUN useradd -l -u1000000 app', id='-u joined to its value'),
    pytest.param('RUN useradd --uid=1000000 app', 'RUN useradd -l --uid=1000000 app', id='--uid='),
    pytest.param('RUN useradd --uid $UID app', 'RUN useradd -l --uid $UID app', id='a UID from a variable'),
    pytest.param(
        'RUN groupadd -g 1000000 g && sudo useradd -u 1000000 -g g app',
        'RUN groupadd -g 1000000 g && sudo useradd -l -u 1000000 -g g app',
        id='through sudo in a chain',
    ),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO271"])
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO271"])
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO271"])
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN useradd -u 1000000 app' + "\n", select=["DO271"])
    (fix,) = result.applied
    assert fix.text == 'add `-l`: the image keeps no login-log records sized by the UID'
    assert fix.safety.value == 'safe'
