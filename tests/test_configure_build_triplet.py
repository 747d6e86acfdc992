"""DO287: no-op and fix tables (transforms/configure_build_triplet.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO287"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO287"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO287"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN ./configure' + "\n", select=["DO287"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == "pass `--build` with Debian's name of the build system, so configure does not guess it from the kernel (unsafe: needs dpkg-dev, and a configure script that is not autoconf's may reject it)"
    assert fix.safety.value == 'unsafe'
