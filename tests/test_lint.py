"""The code checks itself: ruff and mypy, configured in pyproject.toml, find nothing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # mypy takes seconds even with its cache (.mypy_cache) warm


def _run(tool: str, *args: str) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    # From the repo root, so each tool reads its [tool.*] table and the paths it names there.
    done = subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"`{tool} {' '.join(args)}` found problems:\n{done.stdout}{done.stderr}"


def test_ruff_is_clean() -> None:
    _run("ruff", "check", "--no-fix")


def test_mypy_is_clean() -> None:
    _run("mypy")
