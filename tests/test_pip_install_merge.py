"""DO241: no-op and fix tables (transforms/pip_install_merge.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO241"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO241"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO241"], unsafe_fixes=True)
    assert again.output == result.output
