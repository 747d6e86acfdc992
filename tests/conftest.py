"""Shared test switches and the in-process `cli` fixture."""

from __future__ import annotations

import io
import os
import sys

import pytest

# Tests never read or fill the user's result cache: a stored result would hide a change a test
# makes (a patched transform keeps the code's fingerprint). tests/test_result_cache.py turns it on.
os.environ["DOCKOPT_NO_RESULT_CACHE"] = "1"


# Modules whose every test is marked slow or docker: not even imported when the run leaves those
# markers out, so the inner loop (`-m "not docker and not slow"`) pays nothing for them.
_SLOW_MODULES = frozenset(
    "test_pre_commit test_composition test_results test_corpus test_migrate test_migrate_recipes test_server "
    "test_github_action test_bad_input test_papercuts test_cli".split()
)


def pytest_ignore_collect(collection_path, config):
    expression = config.getoption("markexpr") or ""
    if "not docker" in expression and "docker" in collection_path.parts:
        return True
    if "not slow" in expression and collection_path.stem in _SLOW_MODULES:
        return True
    return None


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
