"""DO330 for real: BuildKit honours the `.dockerignore` dockopt writes, and only as intended.

One cheap build per case: `FROM scratch`, `COPY . /app`, exported with `-o type=local` (no image,
no base image). bench/dockerignore.py measures the effect (context size, rebuild after a commit).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docker.buildlab import DOCKER

pytestmark = pytest.mark.docker


def copied(context: Path, dockerfile: str, out: Path) -> set[str]:
    """The paths `COPY . /app` put in the image, relative to /app."""
    done = subprocess.run(
        [DOCKER, "build", "-q", "-f", dockerfile, "-o", f"type=local,dest={out}", "."],
        cwd=context, env={**os.environ, "DOCKER_BUILDKIT": "1"}, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    app = out / "app"
    return {path.relative_to(app).as_posix() for path in app.rglob("*")}


def test_what_dockopt_excludes_is_gone_and_the_rest_stays(tmp_path):
    context = tmp_path / "ctx"
    for relative, text in {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".env": "SECRET=1\n",
        ".env.example": "SECRET=\n",
        "app/__pycache__/main.cpython-311.pyc": "x",
        "app/main.py": "print(1)\n",
        "keys/server.key": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
        "prod.Dockerfile": "FROM scratch\nCOPY . /app\n",
        "prod.Dockerfile.dockerignore": "*.md\n",
        "README.md": "# app\n",
    }.items():
        path = context / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    before = copied(context, "prod.Dockerfile", tmp_path / "before")
    assert {".git/HEAD", ".env", "keys/server.key", "app/__pycache__"} <= before
    fixed = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "--unsafe-fixes", "--select", "DO330", "--write", "prod.Dockerfile"],
        cwd=context, capture_output=True, text=True, timeout=120,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert not (context / ".dockerignore").exists()  # BuildKit reads prod.Dockerfile.dockerignore
    after = copied(context, "prod.Dockerfile", tmp_path / "after")
    assert after == {".env.example", "app", "app/main.py", "keys", "prod.Dockerfile.dockerignore"}
