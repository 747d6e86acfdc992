"""DO110 expose-proto-casing: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

import dockopt


def run(source: str):
    return dockopt.fix(source, select=["DO110"], unsafe_fixes=True)


NO_OP = [
    pytest.param("FROM debian\nEXPOSE 80/tcp 53/udp 8080\n", id="lower-case-protocols"),
    pytest.param("FROM debian\nRUN echo 80/TCP\nEXPOSE 80\n", id="a-protocol-outside-expose"),
]

FIXES = [
    pytest.param("FROM debian\nEXPOSE 80/TCP\n", "FROM debian\nEXPOSE 80/tcp\n", id="one-port"),
    pytest.param("FROM debian\nexpose 80/TCP 53/Udp 9000\n", "FROM debian\nexpose 80/tcp 53/udp 9000\n", id="several"),
    pytest.param("FROM debian\nEXPOSE $PORT/UDP\n", "FROM debian\nEXPOSE $PORT/udp\n", id="a-variable-port"),
    pytest.param("FROM debian\nEXPOSE 80/TCP \\\n  # note\n  443/TCP\n", "FROM debian\nEXPOSE 80/tcp \\\n  # note\n  443/tcp\n",
                 id="continuation-lines-and-comments"),
]


@pytest.mark.parametrize("source", NO_OP)
def test_leaves_alone(source):
    result = run(source)
    assert result.output == source
    assert not result.fixes


@pytest.mark.parametrize("source, expected", FIXES)
def test_rewrites(source, expected):
    assert run(source).output == expected
