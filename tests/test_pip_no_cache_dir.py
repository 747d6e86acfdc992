"""DO240: no-op and fix tables (transforms/pip_no_cache_dir.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN pip install --no-cache-dir flask', id='already there'),
    pytest.param('RUN pip install --cache-dir=/c flask', id='a cache dir on purpose'),
    pytest.param('RUN PIP_NO_CACHE_DIR=1 pip install flask', id='env in the RUN'),
    pytest.param('ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask', id='env before'),
    pytest.param('RUN --mount=type=cache,target=/root/.cache/pip pip install flask', id='pip cache mount'),
    pytest.param('RUN pip download flask', id='pip download'),
]

FIX = [
    pytest.param('RUN pip install flask', 'RUN pip install --no-cache-dir flask', id='pip'),
    pytest.param('RUN pip3.11 install flask', 'RUN pip3.11 install --no-cache-dir flask', id='pip3.11'),
    pytest.param('RUN python3 -m pip install -U pip', 'RUN python3 -m pip install --no-cache-dir -U pip', id='python -m pip'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO240"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO240"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO240"], unsafe_fixes=True)
    assert again.output == result.output
