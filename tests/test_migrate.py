"""`dockopt migrate` on real git repositories, run through the CLI as a platform team would run it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepos import (
    APP_FILES,
    BROKEN,
    NEEDS_FIXES,
    OPTIMAL,
    TWO_RUNS,
    commit_all,
    environment,
    git,
    make_repo,
    refs,
    tip,
    write,
)

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

BRANCH = "dockopt/optimize-dockerfiles"


def dockopt(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dockopt", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=environment(**env)
    )


def changed_files(repo: Path, ref: str = BRANCH) -> list[str]:
    return git(repo, "diff", "--name-only", f"{ref}^", ref).split()


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """A folder of repositories: every case `migrate` meets, each in its own repository."""
    org = tmp_path / "org"
    make_repo(org / "api", {"Dockerfile": NEEDS_FIXES, **APP_FILES})
    shop = make_repo(
        org / "shop",
        {"services/web/Dockerfile": TWO_RUNS, "services/worker/Containerfile": TWO_RUNS, "README.md": "shop\n"},
    )
    (shop / "Dockerfile").symlink_to("services/web/Dockerfile")  # tracked link: its target is fixed
    commit_all(shop, "a link at the top")
    write(shop, {"scratch/Dockerfile": TWO_RUNS})  # untracked: never touched, never committed
    make_repo(shop / "tools" / "nested", {"Dockerfile": TWO_RUNS})  # a repository inside a repository
    dirty = make_repo(org / "dirty", {"Dockerfile": TWO_RUNS})
    write(dirty, {"Dockerfile": TWO_RUNS + "# work in progress\n"})
    make_repo(org / "legacy", {"Dockerfile": TWO_RUNS})
    make_repo(org / "done", {"Dockerfile": OPTIMAL})
    make_repo(org / "broken", {"bad/Dockerfile": BROKEN, "good/Dockerfile": TWO_RUNS})
    write(org, {".dockopt.toml": 'exclude = ["legacy/"]\n', "not-a-repo/Dockerfile": TWO_RUNS})
    return org


def test_migrating_a_folder_of_repositories_twice(org: Path, tmp_path: Path):
    before = {repo.name: (refs(repo), git(repo, "status", "--porcelain")) for repo in org.iterdir() if (repo / ".git").exists()}

    first = dockopt("migrate", "org", "--summary", "summary.json", cwd=tmp_path)

    # A broken Dockerfile is one failure: the run goes on, and says so in its exit code.
    assert first.returncode == 2, first.stderr
    assert first.stderr == "dockopt: error: org/broken/bad/Dockerfile: line 2: unknown instruction: NOT-AN-INSTRUCTION\n"
    summary = json.loads((tmp_path / "summary.json").read_text())
    status = {row["repository"]: (row["status"], row["reason"]) for row in summary["repositories"]}
    assert status == {
        "org/api": ("changed", None),
        "org/broken": ("changed", None),
        "org/dirty": ("skipped", "uncommitted changes in 1 tracked file"),
        "org/done": ("skipped", "nothing to change"),
        "org/legacy": ("skipped", "excluded by org/.dockopt.toml"),
        "org/shop": ("changed", None),
    }
    assert summary["totals"] == {
        "repositories": 6, "changed": 3, "up_to_date": 0, "skipped": 3, "failed": 0,
        "dockerfiles_rewritten": 4, "dockerfiles_failed": 1, "fixes": 7,
        "fixes_by_code": {"DO201": 3, "DO211": 1, "DO214": 1, "DO240": 1, "DO301": 1},
    }

    # One commit on top of main, holding only the Dockerfiles dockopt rewrote.
    for name, files in {"api": ["Dockerfile"], "shop": ["services/web/Dockerfile", "services/worker/Containerfile"], "broken": ["good/Dockerfile"]}.items():
        repo = org / name
        assert git(repo, "rev-parse", f"{BRANCH}^") == git(repo, "rev-parse", "main")
        assert changed_files(repo) == files
    for name in ("dirty", "done", "legacy"):
        assert tip(org / name, BRANCH) is None
    assert tip(org / "shop" / "tools" / "nested", BRANCH) is None

    # The message lists the fixes by code; the author is the repository's own.
    message = git(org / "api", "log", "-1", "--format=%an <%ae>%n%B", BRANCH)
    assert message == (
        "Repo Owner <owner@example.com>\n"
        "Optimize Dockerfiles: 4 fixes in 1 file (dockopt)\n\n"
        "Fixes by code:\n"
        "- DO211 apt-get-update-with-install (1)\n- DO214 apt-get-lists-cleanup (1)\n"
        "- DO240 pip-no-cache-dir (1)\n- DO301 dependency-manifests-first (1)\n\n"
        "Files:\n- Dockerfile: DO211, DO214, DO240, DO301\n\n"
        "Generated-by: dockopt migrate\n\n"
    )
    assert "- services/worker/Containerfile: DO201\n" in git(org / "shop", "log", "-1", "--format=%B", BRANCH)
    fixed = git(org / "api", "show", f"{BRANCH}:Dockerfile")
    assert "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*" in fixed

    # Work trees, indexes and checked-out branches are as they were: the branch was made by plumbing.
    for repo in org.iterdir():
        if (repo / ".git").exists():
            assert git(repo, "status", "--porcelain") == before[repo.name][1]
            assert git(repo, "symbolic-ref", "--short", "HEAD") == "main\n"
    assert (org / "api" / "Dockerfile").read_text() == NEEDS_FIXES

    # The pull-request body: title line, then the report (effect, changes, what was left out, diff).
    body = (org / "api" / ".git" / "dockopt" / "PR_BODY.md").read_text()
    assert body.startswith("# Optimize Dockerfiles: 4 fixes in 1 file (dockopt)\n\n1 Dockerfile(s) scanned: 1 changed")
    assert "Estimate (not measured; run with `--verify` to measure)" in body
    assert "| 4 | DO211 `apt-get-update-with-install` | safe |" in body
    assert "- line 1: DO501 `slim-base` (unsafe fix left out)" in body
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in body
    broken_body = (org / "broken" / ".git" / "dockopt" / "PR_BODY.md").read_text()
    assert "## `bad/Dockerfile`\n\n**Error:** line 2: unknown instruction: NOT-AN-INSTRUCTION" in broken_body
    for name in ("dirty", "done", "legacy"):
        assert not (org / name / ".git" / "dockopt").exists()

    # The table on stdout, one row per repository.
    assert first.stdout.splitlines()[0].split() == ["repository", "files", "changed", "failed", "fixes", "result", "notes"]
    assert "org/broken      2        1       1      1  committed" in first.stdout
    assert "org/legacy      -        -       -      -  skipped    excluded by org/.dockopt.toml" in first.stdout
    assert "Branch dockopt/optimize-dockerfiles: local only, nothing was pushed." in first.stdout

    # Again, unchanged: nothing moves (no commit, no ref update, no new reflog entry, same bodies).
    after_first = {repo.name: refs(repo) for repo in org.iterdir() if (repo / ".git").exists()}
    reflog = git(org / "api", "reflog", "show", BRANCH)
    body_time = (org / "api" / ".git" / "dockopt" / "PR_BODY.md").stat().st_mtime_ns
    second = dockopt("migrate", "org", "--format", "json", cwd=tmp_path)
    assert second.returncode == 2
    assert {repo.name: refs(repo) for repo in org.iterdir() if (repo / ".git").exists()} == after_first
    assert git(org / "api", "reflog", "show", BRANCH) == reflog
    assert (org / "api" / ".git" / "dockopt" / "PR_BODY.md").stat().st_mtime_ns == body_time
    again = {row["repository"]: row["status"] for row in json.loads(second.stdout)["repositories"]}
    assert again == {
        "org/api": "up-to-date", "org/broken": "up-to-date", "org/dirty": "skipped",
        "org/done": "skipped", "org/legacy": "skipped", "org/shop": "up-to-date",
    }


def test_when_the_default_branch_moved_the_branch_is_recreated_on_it(tmp_path: Path):
    repo = make_repo(tmp_path / "api", {"Dockerfile": NEEDS_FIXES, **APP_FILES})
    assert dockopt("migrate", "api", cwd=tmp_path).returncode == 0
    old = tip(repo, BRANCH)
    write(repo, {"app.py": "print('moved on')\n", "Dockerfile": NEEDS_FIXES.replace("curl", "curl git")})
    main = commit_all(repo, "meanwhile on main")

    done = dockopt("migrate", "api", "--summary", "summary.json", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert f"committed  source edits keep the install cached (est.); replaces {old[:7]}" in done.stdout
    row = json.loads((tmp_path / "summary.json").read_text())["repositories"][0]
    assert (row["status"], row["replaced"], row["base_commit"]) == ("changed", old, main)
    assert git(repo, "rev-list", "--count", f"main..{BRANCH}") == "1\n"  # one commit, on the new main
    assert "install -y curl git" in git(repo, "show", f"{BRANCH}:Dockerfile")
    assert git(repo, "show", f"{BRANCH}:app.py") == "print('moved on')\n"


def test_a_branch_holding_a_commit_dockopt_did_not_make_is_left_alone(tmp_path: Path):
    repo = make_repo(tmp_path / "api", {"Dockerfile": NEEDS_FIXES, **APP_FILES})
    assert dockopt("migrate", "api", cwd=tmp_path).returncode == 0
    git(repo, "checkout", "-q", BRANCH)
    write(repo, {"NOTES.md": "a reviewer's fix\n"})
    theirs = commit_all(repo, "review fix")
    git(repo, "checkout", "-q", "main")
    write(repo, {"app.py": "print(2)\n"})
    commit_all(repo, "main moved")

    done = dockopt("migrate", "api", cwd=tmp_path)

    assert done.returncode == 0
    assert f"skipped  branch {BRANCH} has commits dockopt did not make: delete it or pick another --branch" in done.stdout
    assert tip(repo, BRANCH) == theirs


def test_a_checkout_off_the_default_branch_is_skipped(tmp_path: Path):
    origin = make_repo(tmp_path / "origin", {"Dockerfile": TWO_RUNS})
    git(tmp_path, "clone", "-q", str(origin), "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "-q", "-b", "feature")

    done = dockopt("migrate", "clone", cwd=tmp_path)

    assert done.returncode == 0
    assert "skipped  on branch feature, not the default branch main" in done.stdout
    git(clone, "checkout", "-q", "main")
    assert dockopt("migrate", "clone", cwd=tmp_path).returncode == 0
    assert changed_files(clone) == ["Dockerfile"]
    assert git(clone, "log", "-1", "--format=%an <%ae>", BRANCH) == "dockopt <dockopt@localhost>\n"  # no identity configured


def test_author_option_and_branch_option(tmp_path: Path):
    repo = make_repo(tmp_path / "svc", {"Dockerfile": TWO_RUNS})
    done = dockopt("migrate", "svc", "--branch", "chore/dockerfiles", "--author", "Platform Bot <bot@example.com>", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert git(repo, "log", "-1", "--format=%an <%ae> / %cn <%ce>", "chore/dockerfiles") == (
        "Platform Bot <bot@example.com> / Platform Bot <bot@example.com>\n"
    )
    assert tip(repo, BRANCH) is None


def test_no_commit_writes_the_work_tree_and_the_body_where_asked(tmp_path: Path):
    repo = make_repo(tmp_path / "svc", {"Dockerfile": TWO_RUNS, "web/Dockerfile": OPTIMAL})
    git(repo, "checkout", "-q", "-b", "fanout-branch")  # a fan-out tool's branch: fine without commits

    done = dockopt("migrate", ".", "--no-commit", "--pr-body-file", str(tmp_path / "body.md"), cwd=repo)

    assert done.returncode == 0, done.stderr
    assert git(repo, "status", "--porcelain") == " M Dockerfile\n"
    assert (repo / "Dockerfile").read_text() == "FROM debian:bookworm\nRUN echo one > /one && \\\n    echo two > /two\n"
    assert git(repo, "rev-list", "--count", "HEAD") == "1\n" and tip(repo, BRANCH) is None
    assert (tmp_path / "body.md").read_text().startswith("# Optimize Dockerfiles: 1 fix in 1 file (dockopt)\n")
    assert "into the work tree." in (tmp_path / "body.md").read_text()
    assert "written" in done.stdout and "Branch" not in done.stdout


def test_pr_body_file_is_for_one_repository(org: Path, tmp_path: Path):
    done = dockopt("migrate", "org", "--pr-body-file", "body.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("dockopt: error: --pr-body-file is for one repository")
    assert not (tmp_path / "body.md").exists() and tip(org / "api", BRANCH) is None


def test_markdown_summary_and_exit_0_when_nothing_failed(tmp_path: Path):
    make_repo(tmp_path / "a", {"Dockerfile": TWO_RUNS})
    make_repo(tmp_path / "b", {"Dockerfile": OPTIMAL})

    done = dockopt("migrate", "a", "b", "--format", "markdown", "--summary", "summary.txt", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:4] == [
        "| repository | files | changed | failed | fixes | result | notes |",
        "|---|---:|---:|---:|---:|---|---|",
        "| `a` | 1 | 1 | 0 | 1 | committed |  |",
        "| `b` | 1 | 0 | 0 | 0 | skipped | nothing to change |",
    ]
    text = (tmp_path / "summary.txt").read_text()
    assert text.startswith("repository  files  changed  failed  fixes  result     notes\n")
    assert "2 repositories: 1 changed, 0 up to date, 1 skipped, 0 failed; 1 Dockerfile(s) rewritten with 1 fix(es) (DO201 ×1)." in text


def test_verify_without_an_engine_commits_nothing_and_fails(tmp_path: Path):
    repo = make_repo(tmp_path / "svc", {"Dockerfile": TWO_RUNS})
    done = dockopt("migrate", "svc", "--verify", cwd=tmp_path, DOCKER=str(tmp_path / "no-docker"))
    assert done.returncode == 2
    assert "dockopt: error: svc/Dockerfile: no Docker engine" in done.stderr
    assert "failed  nothing committed: 1 Dockerfile failed" in done.stdout
    assert tip(repo, BRANCH) is None


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--branch", "bad..name", "x"], "'bad..name' is not a valid branch name", id="a branch name git refuses is refused"),
        pytest.param(["--author", "Bot", "x"], "--author: 'Bot' is not 'Name <email>'", id="an author without an email is refused"),
        pytest.param(["--select", "DO999", "x"], "unknown rule selector 'DO999' (see `dockopt rules`)", id="an unknown selector is refused"),
        pytest.param(["--verify-jobs", "0", "x"], "--verify-jobs must be at least 1", id="no verify workers is refused"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, args, message):
    done = dockopt("migrate", *args, cwd=tmp_path)
    assert (done.returncode, done.stderr, done.stdout) == (2, f"dockopt: error: {message}\n", "")


def test_folders_without_repositories_are_errors_but_the_others_still_run(tmp_path: Path):
    make_repo(tmp_path / "a", {"Dockerfile": TWO_RUNS})
    (tmp_path / "empty").mkdir()
    done = dockopt("migrate", "empty", "missing", "a", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "dockopt: error: empty: no git repository here or up to 4 levels below",
        "dockopt: error: missing: no such folder",
    ]
    assert tip(tmp_path / "a", BRANCH) is not None


@pytest.mark.parametrize(
    "table, reason",
    [
        pytest.param("[verify]\nsmoke = 1\n", "'verify.smoke' must be a string", id="a smoke test that is not a command is refused"),
        pytest.param("[verify]\nport = '80'\n", "'verify.port' must be a number", id="a port that is not a number is refused"),
        pytest.param("[verify]\nsmoke = 'true'\nport = 80\n", "give 'verify.smoke' or 'verify.port', not both", id="two smoke tests are refused"),
        pytest.param("[verify]\nimage = 'x'\n", "unknown key 'image' in the verify table", id="an unknown verify key is refused"),
    ],
)
def test_a_bad_verify_table_fails_its_repository(tmp_path: Path, table, reason):
    make_repo(tmp_path / "svc", {"Dockerfile": TWO_RUNS, ".dockopt.toml": table})
    done = dockopt("migrate", "svc", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"dockopt: error: svc: {tmp_path / 'svc' / '.dockopt.toml'}: {reason}\n"


def test_the_verify_table_is_read(tmp_path: Path):
    from dockopt.config import config_for, verify_settings

    write(tmp_path, {"pyproject.toml": "[tool.dockopt.verify]\nport = 8000\npath = '/health'\nbuild-args = ['A=1,2']\ntimeout = 60\n"})
    config_for.cache_clear()
    assert verify_settings(str(tmp_path)) == {"port": 8000, "path": "/health", "build-args": ["A=1,2"], "timeout": 60}


FAKE_DOCKER = r"""#!/bin/sh
# A docker CLI that answers like one: builds fail when the Dockerfile contains $FAKE_DOCKER_REFUSE.
case "$1" in
  info) echo 20.10.0 ;;
  buildx) echo "github.com/docker/buildx v0.10.0" ;;
  build)
    while [ $# -gt 0 ]; do [ "$1" = -f ] && file="$2"; shift; done
    if grep -q "$FAKE_DOCKER_REFUSE" "$file"; then echo "#5 ERROR: process did not complete successfully" >&2; exit 1; fi
    echo "#1 [1/2] FROM docker.io/library/debian:bookworm" ;;
  image) echo "80000000|root|2" ;;
  *) exit 0 ;;
esac
"""


def test_verify_keeps_only_the_rewrites_that_build(tmp_path: Path):
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    smoke = "[verify]\nsmoke = 'test -f /one'\n"
    good = make_repo(tmp_path / "good", {"Dockerfile": TWO_RUNS, ".dockopt.toml": smoke})
    mixed = make_repo(tmp_path / "mixed", {"a/Dockerfile": TWO_RUNS, "b/Dockerfile": "FROM debian:bookworm\nRUN echo alpha\nRUN echo beta\n"})

    done = dockopt(
        "migrate", "good", "mixed", "--verify", "--verify-jobs", "2", "--summary", "summary.json",
        cwd=tmp_path, DOCKER=str(docker), FAKE_DOCKER_REFUSE="alpha &&",
    )

    assert done.returncode == 2
    assert "dockopt: error: mixed/b/Dockerfile: verify refused the rewrite (it does not build or fails its smoke test); left out" in done.stderr
    assert changed_files(good) == ["Dockerfile"]
    assert changed_files(mixed) == ["a/Dockerfile"]
    rows = {row["repository"]: row for row in json.loads((tmp_path / "summary.json").read_text())["repositories"]}
    assert rows["good"]["effect"] == {"measured": True, "size_before_mb": 80.0, "size_after_mb": 80.0, "rebuild_before_s": None, "rebuild_after_s": None}
    body = (mixed / ".git" / "dockopt" / "PR_BODY.md").read_text()
    assert "## `b/Dockerfile`\n\n**Error:** verify refused the rewrite" in body
    assert "Measured with `dockopt verify`: image 80.0 MB → 80.0 MB; builds and passes the smoke test." in body


def test_fix_verify_takes_the_smoke_test_from_the_config(tmp_path: Path):
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    write(tmp_path / "svc", {"Dockerfile": TWO_RUNS, ".dockopt.toml": "[verify]\nsmoke = 'test -f /one'\n"})
    write(tmp_path / "plain", {"Dockerfile": TWO_RUNS})

    with_table = dockopt("fix", "--write", "--verify", "svc/Dockerfile", cwd=tmp_path, DOCKER=str(docker), FAKE_DOCKER_REFUSE="never")
    without = dockopt("fix", "--write", "--verify", "plain/Dockerfile", cwd=tmp_path, DOCKER=str(docker), FAKE_DOCKER_REFUSE="never")

    assert with_table.returncode == without.returncode == 0
    assert re.search(r"\nsmoke test +PASS \(exit 0\) +PASS \(exit 0\)\n", with_table.stderr)
    assert re.search(r"\nsmoke test +- +-\n", without.stderr)


def test_the_dockerignore_a_fix_proposes_is_committed_with_the_dockerfiles(tmp_path: Path):
    # Two Dockerfiles of one context add to one new .dockerignore: the commit holds both additions,
    # merged as `fix --write` merges them; the work tree stays as it was.
    worker = NEEDS_FIXES.replace("app.py", "worker.py")
    repo = make_repo(tmp_path / "svc", {"Dockerfile": NEEDS_FIXES, "worker.Dockerfile": worker, **APP_FILES})

    done = dockopt("migrate", "svc", "--select", "DO330", "--unsafe-fixes", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert sorted(changed_files(repo)) == [".dockerignore"]
    assert git(repo, "show", f"{BRANCH}:.dockerignore") == (
        "# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\nworker.Dockerfile\n"
    )
    assert not (repo / ".dockerignore").exists() and git(repo, "status", "--porcelain") == ""


def test_no_commit_writes_the_dockerignore_too(tmp_path: Path):
    repo = make_repo(tmp_path / "svc", {"Dockerfile": NEEDS_FIXES, **APP_FILES})
    done = dockopt("migrate", ".", "--no-commit", "--select", "DO330", "--unsafe-fixes", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert git(repo, "status", "--porcelain") == "?? .dockerignore\n"
    assert "**/.env\n" in (repo / ".dockerignore").read_text()
