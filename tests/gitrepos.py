"""Real git repositories for the `dockopt migrate` tests: made in a temp folder, one commit each.

Every git command here runs without the developer's system and global config (a global
`commit.gpgsign = true` must not break the suite) and with fixed dates, so the commits are the
same on every run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DATE = "2024-01-02T03:04:05+00:00"
ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_DATE": DATE,
    "GIT_COMMITTER_DATE": DATE,
    "GIT_TERMINAL_PROMPT": "0",
}


def environment(**extra: str) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {**clean, **ENV, **extra}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=environment(), timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)} in {repo}: {done.stderr}"
    return done.stdout


def make_repo(path: Path, files: dict[str, str], *, owner: str | None = "Repo Owner <owner@example.com>") -> Path:
    """A repository on `main` holding `files`, committed once."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    if owner:
        name, email = owner[:-1].split(" <")
        git(path, "config", "user.name", name)
        git(path, "config", "user.email", email)
    write(path, files)
    git(path, "add", "-A")
    git(path, "-c", "user.name=Setup", "-c", "user.email=setup@example.com", "commit", "-q", "-m", "initial")
    return path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Setup", "-c", "user.email=setup@example.com", "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def tip(repo: Path, ref: str) -> str | None:
    done = subprocess.run(["git", "rev-parse", "-q", "--verify", ref], cwd=repo, capture_output=True, text=True, env=environment())
    return done.stdout.strip() or None


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


# Dockerfiles: one dockopt rewrites with safe fixes, and one it leaves alone.
NEEDS_FIXES = (
    "FROM python:3.11\n"
    "WORKDIR /app\n"
    "COPY . .\n"
    "RUN apt-get update\n"
    "RUN apt-get install -y curl\n"
    "RUN pip install -r requirements.txt\n"
    'CMD ["python", "app.py"]\n'
)
APP_FILES = {"requirements.txt": "flask\n", "app.py": "print('hello')\n"}
TWO_RUNS = "FROM debian:bookworm\nRUN echo one > /one\nRUN echo two > /two\n"
OPTIMAL = "FROM debian:bookworm\nRUN echo one > /one\n"
BROKEN = "FROM debian:bookworm\nNOT-AN-INSTRUCTION here\n"
