"""DO211: no-op and fix tables (transforms/apt_get_update_with_install.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN --network=host apt-get update\nRUN apt-get install -y curl', id='different RUN flags are not merged'),
    pytest.param('RUN apt-get update\nWORKDIR /x\nRUN apt-get install -y curl', id='an instruction between them stops the merge'),
    pytest.param('RUN apt-get update\nRUN apt-get install -y curl; true', id='a body with ; is not merged'),
    pytest.param('RUN apt-get update\nRUN apt-get update && apt-get install -y curl', id='an update followed by update is left to chain-run'),
    pytest.param('RUN apt-get update && echo hi\nRUN apt-get install -y curl', id='an update with other work is not lone'),
]

FIX = [
    pytest.param('RUN apt-get update\nRUN apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl', id='a lone update joins the next install'),
    pytest.param('RUN apt-get -qq update\nRUN apt-get install -y curl', 'RUN apt-get -qq update && apt-get install -y curl', id='its options come along'),
    pytest.param('RUN apt-get update\n# x\nRUN apt-get install -y curl', '# x\nRUN apt-get update && apt-get install -y curl', id='a comment between stays above'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO211"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO211"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO211"], unsafe_fixes=True)
    assert again.output == result.output
