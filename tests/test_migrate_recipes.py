"""The fan-out recipes of docs/migrate.md, run as documented, with local stand-ins for the tools.

The commands are read from the docs file itself (the blocks marked `<!-- recipe: NAME -->`) and run
with bash, so the documentation and the test cannot drift apart. `multi-gitter` and `turbolift` on
PATH are the stand-ins of tests/fanout_standins.py, which follow the real tools' conventions
(working directory, environment, how they commit, where the pull-request title and body come from)
against a folder of bare repositories instead of GitHub.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepos import APP_FILES, NEEDS_FIXES, OPTIMAL, TWO_RUNS, environment, git, make_repo

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

DOCS = Path(__file__).resolve().parent.parent / "docs" / "migrate.md"
STANDINS = Path(__file__).resolve().parent / "fanout_standins.py"
ORG = "my-org"
REPOSITORIES = {
    "api": {"Dockerfile": NEEDS_FIXES, **APP_FILES},
    "shop": {"services/web/Dockerfile": TWO_RUNS, "services/worker/Dockerfile": TWO_RUNS},
    "done": {"Dockerfile": OPTIMAL},
}


def recipe(name: str) -> str:
    text = DOCS.read_text()
    match = re.search(rf"<!-- recipe: {re.escape(name)} -->\n```\w+\n(.*?)```", text, re.S)
    assert match, f"no recipe {name} in {DOCS}"
    return match.group(1)


@pytest.fixture
def forge(tmp_path: Path) -> Path:
    """Bare repositories `my-org/<name>.git`, as a forge would hold them."""
    forge = tmp_path / "forge"
    for name, files in REPOSITORIES.items():
        source = make_repo(tmp_path / "sources" / name, files, owner=None)
        git(tmp_path, "clone", "-q", "--bare", str(source), str(forge / ORG / f"{name}.git"))
    return forge


@pytest.fixture
def shell(tmp_path: Path, forge: Path):
    """Run a recipe with bash: the stand-ins and `dockopt` on PATH, a committer identity as in CI."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool, command in {
        "multi-gitter": f'"{sys.executable}" "{STANDINS}" multi-gitter',
        "turbolift": f'"{sys.executable}" "{STANDINS}" turbolift',
        "dockopt": f'"{sys.executable}" -m dockopt',
    }.items():
        shim = bin_dir / tool
        shim.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
        shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = environment(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        FAKE_FORGE=str(forge),
        GIT_AUTHOR_NAME="Fan Out", GIT_AUTHOR_EMAIL="fanout@example.com",
        GIT_COMMITTER_NAME="Fan Out", GIT_COMMITTER_EMAIL="fanout@example.com",
    )

    def run(script: str, cwd: Path, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
        done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env={**env, **extra}, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 or not check, f"{done.stdout}\n{done.stderr}"
        return done

    return run


def pulls(forge: Path) -> dict[str, dict]:
    lines = (forge / "pulls.jsonl").read_text().splitlines()
    return {item["repository"]: item for item in map(json.loads, lines)}


def pushed_files(forge: Path, name: str, branch: str) -> list[str]:
    return git(forge / ORG / f"{name}.git", "diff", "--name-only", "main", branch).split()


def test_multi_gitter_recipe(tmp_path: Path, forge: Path, shell):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    step = workspace / "dockopt-step.sh"
    step.write_text(recipe("multi-gitter-step"))
    step.chmod(0o755)

    done = shell(recipe("multi-gitter-run"), workspace)

    assert "my-org/done: no changes" in done.stdout
    opened = pulls(forge)
    assert sorted(opened) == ["my-org/api", "my-org/shop"]
    assert {item["title"] for item in opened.values()} == {"Optimize Dockerfiles (dockopt)"}
    assert pushed_files(forge, "api", "dockopt/optimize-dockerfiles") == ["Dockerfile"]
    assert pushed_files(forge, "shop", "dockopt/optimize-dockerfiles") == ["services/web/Dockerfile", "services/worker/Dockerfile"]
    report = (workspace / "dockopt-reports" / ORG / "api.md").read_text()
    assert report.startswith("# Optimize Dockerfiles: 4 fixes in 1 file (dockopt)\n")
    assert not (workspace / "dockopt-reports" / ORG / "done.md").exists()


def test_turbolift_recipe(tmp_path: Path, forge: Path, shell):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shell(recipe("turbolift-init"), workspace)
    campaign = workspace / "dockopt-optimize-dockerfiles"
    (campaign / "repos.txt").write_text("# the organisation's services\n" + "".join(f"{ORG}/{name}\n" for name in REPOSITORIES))

    done = shell(recipe("turbolift-run"), campaign)

    assert "my-org/done: no changes - skipping commit" in done.stdout
    opened = pulls(forge)
    assert sorted(opened) == ["my-org/api", "my-org/shop"]
    api = opened["my-org/api"]
    body = (campaign / "work" / ORG / "api" / ".git" / "dockopt" / "PR_BODY.md").read_text()
    assert api["title"] == "Optimize Dockerfiles: 4 fixes in 1 file (dockopt)"
    assert api["body"] == body.split("\n", 1)[1].strip("\n")
    assert "| DO301 `dependency-manifests-first` | safe |" in api["body"]
    assert opened["my-org/shop"]["title"] == "Optimize Dockerfiles: 2 fixes in 2 files (dockopt)"
    assert pushed_files(forge, "api", "dockopt-optimize-dockerfiles") == ["Dockerfile"]
    log = git(forge / ORG / "shop.git", "log", "-1", "--format=%s", "dockopt-optimize-dockerfiles")
    assert log == "Optimize Dockerfiles (dockopt)\n"


def test_github_workflow_recipe_installs_from_pypi_and_runs_fix_verify(tmp_path: Path, shell):
    workflow = recipe("github-workflow")
    runs = [line.split("run:", 1)[1].strip() for line in workflow.splitlines() if line.strip().startswith(("- run:", "run:"))]
    assert runs[0] == "pip install dockopt"
    assert runs[1] == "dockopt fix . --write --verify --report dockopt-report.md"
    repo = make_repo(tmp_path / "service", {"Dockerfile": TWO_RUNS})

    # No engine here: the rewrite cannot be verified, so it is not written and the step fails.
    done = shell(runs[1], repo, check=False, DOCKER="/nonexistent")

    assert done.returncode == 2
    assert "no Docker engine" in done.stderr
    assert (repo / "Dockerfile").read_text() == TWO_RUNS
    assert (repo / "dockopt-report.md").read_text().startswith("# dockopt: Dockerfile rewrites for review")
    shell(runs[2], repo)
    assert (repo / "dockopt.patch").read_text() == ""
