"""DO286: no-op and fix tables (transforms/mktemp_dir_cleanup.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys A && gpgconf --kill all && rm -rf "$GNUPGHOME"', id='already removed'),
    pytest.param('RUN D="$(mktemp -d)" && echo "$D" > /etc/tmpdir', id='the name is written down'),
    pytest.param('RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys A', id="gpg's agent is not stopped"),
    pytest.param('RUN F=$(mktemp) && date > $F', id='a file, not a folder'),
    pytest.param('RUN D="$(mktemp -d)"; cd "$D"', id='not a && chain'),
    pytest.param('RUN if [ -n "$X" ]; then D="$(mktemp -d)"; fi && ls', id='set only on one branch'),
]

FIX = [
    pytest.param(
        'RUN TMP=$(mktemp -d) && touch "$TMP/x"',
        'RUN TMP=$(mktemp -d) && touch "$TMP/x" && rm -rf "$TMP"',
        id='a folder in a variable',
    ),
    pytest.param(
        'RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys A && gpgconf --kill all',
        'RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys A && gpgconf --kill all && rm -rf "$GNUPGHOME"',
        id='a gpg home once its agent is stopped',
    ),
    pytest.param(
        'RUN D="$(mktemp --directory)" && cp a "$D"',
        'RUN D="$(mktemp --directory)" && cp a "$D" && rm -rf "$D"',
        id='the long option',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO286", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO286", FROM + 'RUN TMP=$(mktemp -d) && ls "$TMP"' + "\n",
                   'remove the temporary folder $TMP at the end of the RUN (unsafe: what was written there leaves the image)',
                   'unsafe')
