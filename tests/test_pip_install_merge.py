"""DO241: no-op and fix tables (transforms/pip_install_merge.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN pip install a\nRUN pip install -U b', id='different options'),
    pytest.param('RUN pip install -U pip\nRUN pip install -U b', id='pip itself first'),
    pytest.param('RUN pip install a\n\nRUN pip install b', id='a blank line between'),
    pytest.param('RUN pip install $A\nRUN pip install b', id='an expansion'),
    pytest.param('RUN pip install a && echo\nRUN pip install b', id='a chain'),
]

FIX = [
    pytest.param('RUN pip install a\nRUN pip install b==1', 'RUN pip install a b==1', id='two RUNs'),
    pytest.param('RUN pip install -r a.txt\nRUN pip install -r b.txt', 'RUN pip install -r a.txt -r b.txt', id='requirement files too'),
]


test_leaves_alone, test_fixes = table_tests("DO241", NOOP, FIX, prefix=FROM, suffix="\n")
