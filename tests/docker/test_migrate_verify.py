"""`dockopt migrate --verify` on a real engine: one small build on the debian:bookworm stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.docker.buildlab import DOCKER
from tests.gitrepos import TWO_RUNS, environment, git, make_repo

pytestmark = pytest.mark.docker


def test_migrate_verify_commits_a_rewrite_that_builds_and_passes_its_smoke_test(tmp_path):
    repo = make_repo(tmp_path / "svc", {"Dockerfile": TWO_RUNS, ".dockopt.toml": "[verify]\nsmoke = 'test -f /one && test -f /two'\ntimeout = 600\n"})

    done = subprocess.run(
        [sys.executable, "-m", "dockopt", "migrate", "svc", "--verify", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200, env=environment(DOCKER=os.environ.get("DOCKER", DOCKER)),
    )

    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)["repositories"][0]
    assert row["status"] == "changed" and row["effect"]["measured"] and row["effect"]["size_after_mb"] > 0
    assert git(repo, "diff", "--name-only", "main", "dockopt/optimize-dockerfiles") == "Dockerfile\n"
    body = (repo / ".git" / "dockopt" / "PR_BODY.md").read_text()
    assert "Measured with `dockopt verify`" in body and "builds and passes the smoke test" in body
    leftovers = subprocess.run([DOCKER, "images", "-q", "--filter", "reference=dockopt-verify-*"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "verify must remove the images it made"
