"""DO246: no-op and fix tables (transforms/npm_ci.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_fixes, assert_leaves_alone

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('COPY . .\nRUN npm install', id='no build context'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    assert_leaves_alone("DO246", FROM + body + "\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("COPY package*.json ./\nRUN npm install", "COPY package*.json ./\nRUN npm ci", id="lock-file-copied"),
        pytest.param("COPY . .\nRUN npm i --omit=dev", "COPY . .\nRUN npm ci --omit=dev", id="whole-context-copied"),
        pytest.param("COPY package.json ./\nRUN npm install", None, id="lock-file-not-copied"),
        pytest.param("COPY . .\nRUN npm install express", None, id="package-names-are-not-ci"),
        pytest.param("COPY . .\nRUN npm install -g serve", None, id="global-install-is-not-ci"),
    ],
)
def test_with_lock_file_in_context(tmp_path, body, expected):
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "package-lock.json").write_text("{}")
    if expected is None:
        assert_leaves_alone("DO246", FROM + body + "\n", context=tmp_path)
    else:
        assert_fixes("DO246", FROM + body + "\n", FROM + expected + "\n", context=tmp_path)
