"""DO211: no-op and fix tables (transforms/apt_get_update_with_install.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

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


test_leaves_alone, test_fixes = table_tests("DO211", NOOP, FIX, prefix=FROM, suffix="\n")
