"""Shared test switches and the in-process `cli` fixture."""

from __future__ import annotations

import io
import sys

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="rewrite fixtures/*/*.after.Dockerfile from the current output instead of comparing",
    )


@pytest.fixture
def cli(tmp_path, monkeypatch, capsysbinary):
    """`dockopt ARGS...` in-process, in tmp_path: (exit code, stdout text, stderr text)."""
    from dockopt.cli import main
    from dockopt.config import config_for

    def invoke(*args: str, stdin: bytes = b"", env: dict | None = None, cwd=None):
        config_for.cache_clear()
        monkeypatch.chdir(cwd or tmp_path)
        for name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsysbinary.readouterr()
        return exited.value.code, out.decode(), err.decode()

    return invoke
