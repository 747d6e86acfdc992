"""DO287: no-op and fix tables (transforms/configure_build_triplet.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN ./configure --build=x86_64-linux-gnu', id='already --build'),
    pytest.param('RUN ./configure --build="$ARCH"', id='a --build from a variable'),
    pytest.param('FROM alpine:3.20\nRUN ./configure', id='not a Debian base: no dpkg-architecture'),
    pytest.param('RUN cmake . && make', id='not a configure script'),
]

FIX = [
    pytest.param(
        'RUN ./configure --prefix=/usr && make',
        'RUN ./configure --build="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)" --prefix=/usr && make',
        id='./configure',
    ),
    pytest.param(
        'RUN cd /src && ../gcc/configure',
        'RUN cd /src && ../gcc/configure --build="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"',
        id='a configure in another folder',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO287", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO287", FROM + 'RUN ./configure' + "\n",
                   "pass `--build` with Debian's name of the build system, so configure does not guess it from the kernel (unsafe: needs dpkg-dev, and a configure script that is not autoconf's may reject it)",
                   'unsafe')
