"""DO211: no-op and fix tables (transforms/apt_get_update_with_install.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN --network=host apt-get update\nRUN apt-get install -y curl', id='different RUN flags are not merged'),
    pytest.param('RUN apt-get update\nUSER nobody\nRUN apt-get install -y curl', id='a USER between them stops the merge'),
    pytest.param('RUN apt-get update\nCOPY sources.list /etc/apt/\nRUN apt-get install -y curl', id='a COPY between them stops the merge'),
    pytest.param('RUN apt-get update\nENV http_proxy=http://proxy:3128\nRUN apt-get install -y curl', id='a proxy setting between them stops the merge'),
    pytest.param('RUN apt-get update\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get install -y curl', id='an apt variable between them stops the merge'),
    pytest.param('RUN apt-get update\nFROM debian:bookworm\nRUN apt-get install -y curl', id='never across stages'),
    pytest.param('RUN apt-get update\nRUN apt-get install -y curl; true', id='a body with ; is not merged'),
    pytest.param('RUN apt-get update\nRUN apt-get update && apt-get install -y curl', id='an update followed by update is left to chain-run'),
    pytest.param('RUN apt-get update && echo hi\nRUN apt-get install -y curl', id='an update with other work is not lone'),
]

FIX = [
    pytest.param('RUN apt-get update\nRUN apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl', id='a lone update joins the next install'),
    pytest.param('RUN apt-get -qq update\nRUN apt-get install -y curl', 'RUN apt-get -qq update && apt-get install -y curl', id='its options come along'),
    pytest.param('RUN apt-get update\n# x\nRUN apt-get install -y curl', '# x\nRUN apt-get update && apt-get install -y curl', id='a comment between stays above'),
    pytest.param('RUN apt-get update\nWORKDIR /x\nRUN apt-get install -y curl', 'WORKDIR /x\nRUN apt-get update && apt-get install -y curl', id='it moves past a WORKDIR'),
    pytest.param('RUN apt-get update\nLABEL a=b\nEXPOSE 80\nENV APP=1\nRUN apt-get install -y curl', 'LABEL a=b\nEXPOSE 80\nENV APP=1\nRUN apt-get update && apt-get install -y curl', id='it moves past LABEL, EXPOSE and an unrelated ENV'),
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
