"""DO288: no-op and fix tables (transforms/checksum_line_format.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN echo "$SHA  a.tgz" | sha256sum -c -', id='two spaces already'),
    pytest.param('RUN echo "$SHA *a.tgz" | sha256sum -c -', id='the binary marker'),
    pytest.param('RUN echo "$SHA a.tgz" | sha256sum', id='not a check'),
    pytest.param('RUN echo "$SHA a b.tgz" | sha256sum -c -', id='a file name with a space'),
    pytest.param('RUN echo "$SHA a.tgz" > sums && sha256sum -c sums', id='the line is not piped in'),
]

FIX = [
    pytest.param(
        'RUN echo "$SHA256 node.tar.xz" | sha256sum -c -',
        'RUN echo "$SHA256  node.tar.xz" | sha256sum -c -',
        id='a variable digest',
    ),
    pytest.param(
        "RUN echo 'd41d8cd98f00b204e9800998ecf8427e empty' | md5sum --check",
        "RUN echo 'd41d8cd98f00b204e9800998ecf8427e  empty' | md5sum --check",
        id='a literal digest and md5sum',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO288", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO288", FROM + 'RUN echo "$SHA a" | sha512sum -c' + "\n",
                   'put two spaces between the digest and the file name, the format every sha256sum reads',
                   'safe')


def test_unsafe_on_busybox():
    result = dockopt.fix('FROM alpine:3.20\nRUN echo "$SHA a" | sha256sum -c\n', select=["DO288"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.safety.value == "unsafe"
    assert fix.text.endswith("(unsafe: on BusyBox a check that failed on the format now runs)")
