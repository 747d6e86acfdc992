"""DO283: no-op and fix tables (transforms/gpg_batch.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN gpg --batch --recv-keys 0xABCD', id='already --batch'),
    pytest.param('RUN gpg --no-batch --verify a.asc a', id='--no-batch on purpose'),
    pytest.param('RUN gpg --import /key.asc', id='import can prompt'),
    pytest.param('RUN gpg --decrypt secret.gpg > secret', id='decrypt can prompt'),
    pytest.param('RUN gpg $GPG_OPTS --verify a.asc a', id='an unquoted variable could be an option'),
    pytest.param('RUN gpg a.asc', id='no command: gpg guesses what to do'),
]

FIX = [
    pytest.param(
        'RUN gpg --keyserver hkps://keys.openpgp.org --recv-keys "$KEY"',
        'RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$KEY"',
        id='receiving keys',
    ),
    pytest.param(
        'RUN gpg --verify a.asc a && gpg2 --fingerprint $KEY',
        'RUN gpg --batch --verify a.asc a && gpg2 --batch --fingerprint $KEY',
        id='verify, and gpg2 with a key after the command',
    ),
    pytest.param(
        'RUN gpg --dearmor < key.asc > /usr/share/keyrings/k.gpg',
        'RUN gpg --batch --dearmor < key.asc > /usr/share/keyrings/k.gpg',
        id='dearmor',
    ),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO283"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO283"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO283"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN gpg --verify a.asc a' + "\n", select=["DO283"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'add `--batch`: gpg runs unattended in a build'
    assert fix.safety.value == 'safe'
