"""The pre-commit hooks, run by the real `pre-commit` against a tagged revision of this repository.

The repository is copied as it stands (tracked and new files, so the test sees the code under
test), committed and tagged `v1.2.3` in a temporary git repository; a user's repository then pins
`rev: v1.2.3`. pre-commit builds the hook's environment with pip (from the package index, as for
a user); its caches live in the test's tmp dir. It checks what a user of the hooks relies on: the
config's `exclude` skips a vendored Dockerfile that pre-commit names (`--force-exclude`), and a
Dockerfile that would change fails the hook with its diff and no per-file table.

(pre-commit fetches the pinned revision alone, without its tag, so the version inside its hook
environment is setuptools-scm's `0.1.1.devN+g<commit>`; a normal install of a tagged checkout
gets the tag's version, as the last test shows with setuptools-scm and the project's config.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = "FROM python:3.12-slim\nRUN pip install flask\nRUN echo hi\n"
GOOD = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask && \\\n    echo hi\n"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout of dockopt"
)]


def git(*args: str, cwd: Path) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=environment).stdout


def tagged_copy(target: Path, tag: str) -> Path:
    """This repository's files as they are now, committed and tagged in a fresh repository."""
    files = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "dockopt under test", cwd=target)
    git("tag", tag, cwd=target)
    return target


def test_pre_commit_skips_an_excluded_vendored_file_and_fails_a_bad_one(tmp_path):
    hooks = tagged_copy(tmp_path / "dockopt", "v1.2.3")
    user = tmp_path / "project"
    (user / "third_party" / "vendored").mkdir(parents=True)
    (user / "services" / "api").mkdir(parents=True)
    (user / "Dockerfile").write_text(BAD)
    (user / "services" / "api" / "Dockerfile").write_text(BAD)
    (user / "third_party" / "vendored" / "Dockerfile").write_text(BAD)
    (user / ".dockopt.toml").write_text('[tool.dockopt]\nexclude = ["third_party/"]\n')
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: v1.2.3\n    hooks:\n      - id: dockopt-check\n"
    )
    git("init", "-q", cwd=user)
    git("add", "-A", cwd=user)
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
        "NO_COLOR": "1",
    }

    def pre_commit() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
            cwd=user, capture_output=True, text=True, env=environment, timeout=900,
        )

    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in failed.stdout
    assert "--- a/services/api/Dockerfile\n" in failed.stdout
    assert "third_party" not in failed.stdout
    assert "Scanned 2 files: 2 would change, 0 unchanged, 0 failed, 0 skipped." in failed.stdout
    assert "scanned  changed" not in failed.stdout  # no one-row-per-file table

    (user / "Dockerfile").write_text(GOOD)
    (user / "services" / "api" / "Dockerfile").write_text(GOOD)
    git("add", "-A", cwd=user)
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr  # the vendored file still would change


def scm_version(tree: Path) -> str:
    """The version an install of `tree` gets: setuptools-scm with the project's own config."""
    result = subprocess.run([sys.executable, "-m", "setuptools_scm"], cwd=tree, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_version_is_the_git_tag_and_a_tree_without_git_falls_back(tmp_path):
    tagged = tagged_copy(tmp_path / "tagged", "v1.2.3")
    assert scm_version(tagged) == "1.2.3"
    shutil.rmtree(tagged / ".git")
    assert scm_version(tagged) == "0.1.0"
