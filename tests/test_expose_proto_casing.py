"""DO110 expose-proto-casing: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests


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


test_leaves_alone, test_fixes = table_tests("DO110", NO_OP, FIXES, quiet=True)
