"""DO283: no-op and fix tables (transforms/gpg_batch.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

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


test_leaves_alone, test_fixes = table_tests("DO283", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO283", FROM + 'RUN gpg --verify a.asc a' + "\n",
                   'add `--batch`: gpg runs unattended in a build',
                   'safe')
