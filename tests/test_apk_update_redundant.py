"""DO231: no-op and fix tables (transforms/apk_update_redundant.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apk update && apk add curl', id='add without --no-cache reads the cache'),
    pytest.param('RUN apk update && apk add --no-cache curl && apk upgrade', id='other apk use'),
    pytest.param('RUN apk update', id='a lone update'),
    pytest.param('RUN apk add --no-cache curl && apk update', id='update last'),
]

FIX = [
    pytest.param('RUN apk update && apk add --no-cache curl', 'RUN apk add --no-cache curl', id='update first'),
    pytest.param('RUN set -x && apk update && apk add --no-cache curl', 'RUN set -x && apk add --no-cache curl', id='update in the middle'),
]


test_leaves_alone, test_fixes = table_tests("DO231", NOOP, FIX, prefix=FROM, suffix="\n")
