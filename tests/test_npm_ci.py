"""DO246: no-op and fix tables (transforms/npm_ci.py)."""

from __future__ import annotations

import pytest

import dockopt

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('COPY . .\nRUN npm install', id='no build context'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO246"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source



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
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO246"], unsafe_fixes=True, context=tmp_path)
    assert result.error is None
    assert result.output == (source if expected is None else FROM + expected + "\n")
