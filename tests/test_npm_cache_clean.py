"""DO245: no-op and fix tables (transforms/npm_cache_clean.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN npm ci && npm cache clean --force', id='already cleaned'),
    pytest.param('RUN --mount=type=cache,target=/root/.npm npm ci', id='a cache mount'),
    pytest.param('RUN npm ci --cache /tmp/c', id='a cache folder on purpose'),
    pytest.param('RUN npm run build', id='npm run'),
]

FIX = [
    pytest.param('RUN npm ci', 'RUN npm ci && npm cache clean --force', id='npm ci'),
    pytest.param('RUN npm i -g serve', 'RUN npm i -g serve && npm cache clean --force', id='npm i -g'),
    pytest.param('RUN yarn', 'RUN yarn && yarn cache clean', id='bare yarn'),
]


test_leaves_alone, test_fixes = table_tests("DO245", NOOP, FIX, prefix=FROM, suffix="\n")


def test_a_builder_stage_keeps_its_cache():
    # As hadolint's DL3060: a cache left in a stage the image is not built on never reaches it.
    from tests.rule_tables import assert_fixes

    source = "FROM node:20 AS build\nRUN npm ci && npm run build\nFROM node:20-slim\nCOPY --from=build /app/dist /app\nRUN npm install -g serve\n"
    assert_fixes("DO245", source, source.replace("npm install -g serve", "npm install -g serve && npm cache clean --force"))
