"""`dockopt verify` and `dockopt fix --write --verify`, as a user runs them, on a real engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dockopt.cli import main
from dockopt.edits import Edit
from dockopt.transform import Transform
from tests.docker.buildlab import BUILDLAB, DOCKER

pytestmark = pytest.mark.docker
DEMO = BUILDLAB / "demo"


def dockopt(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dockopt", *args],
        capture_output=True, text=True, cwd=cwd, timeout=1800, stdin=subprocess.DEVNULL,
        env=dict(os.environ, DOCKER=DOCKER),
    )


def test_verify_on_the_demo_shows_a_smaller_image_and_a_faster_warm_rebuild():
    done = dockopt("verify", str(DEMO / "Dockerfile"), "--port", "8000", "--unsafe-fixes", "--format", "json")
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    original, rewritten = verdict["original"], verdict["rewritten"]
    assert verdict["agrees"] and rewritten["build_ok"] and rewritten["smoke_ok"]
    assert rewritten["size_bytes"] < original["size_bytes"] * 0.5
    assert rewritten["warm_seconds"] < original["warm_seconds"]
    assert len(rewritten["warm_steps_run"]) < len(original["warm_steps_run"])
    assert rewritten["user"] != "root"
    leftovers = subprocess.run([DOCKER, "images", "-q", "--filter", "reference=dockopt-verify-*"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "verify must remove the images it made"


def test_verify_prints_the_side_by_side_table():
    done = dockopt("verify", str(DEMO / "Dockerfile"), "--smoke", "python -c 'import flask'", "--select", "DO2")
    assert done.returncode == 0, done.stderr
    for row in ("build", "image size", "layers", "cold build", "warm rebuild (1 source edit)", "final user", "smoke test", "verdict: OK"):
        assert row in done.stdout


def test_verify_refuses_a_rewrite_that_does_not_build(tmp_path):
    broken = tmp_path / "Dockerfile.rewritten"
    broken.write_text((DEMO / "Dockerfile").read_text() + "RUN false\n")
    done = dockopt("verify", str(DEMO / "Dockerfile"), "--rewritten", str(broken), "--smoke", "true")
    assert done.returncode == 1
    assert "REFUSED" in done.stdout and "rewritten build failed" in done.stdout


class BreaksTheBuild(Transform):
    """A transform whose rewrite cannot build: what --verify exists to catch.

    ## What it does
    ## Why
    ## Example
    ## Fix safety
    """

    code = "DO999"
    name = "breaks-the-build"
    title = "Test double"

    def check(self, doc, ctx):
        last = doc.instructions[-1]
        if last.original == "RUN false":
            return
        yield self.fix("append RUN false", last, [Edit.insert(last.end + 1, "RUN false\n")])


def _app(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM debian:bookworm\nRUN echo one > /one\nRUN echo two > /two\n")
    (folder / "Dockerfile").chmod(0o640)
    return folder


def test_fix_write_verify_leaves_the_file_untouched_when_the_rewrite_fails(tmp_path, monkeypatch, capsys):
    import dockopt.engine

    folder = _app(tmp_path)
    before = (folder / "Dockerfile").read_bytes()
    monkeypatch.setattr(dockopt.engine, "selected", lambda select, ignore: [BreaksTheBuild])
    monkeypatch.setenv("DOCKER", DOCKER)
    with pytest.raises(SystemExit) as exit_info:
        main(["fix", "--write", "--verify", "--smoke", "true", str(folder / "Dockerfile")])
    assert exit_info.value.code == 2
    assert (folder / "Dockerfile").read_bytes() == before
    assert "verify refused the rewrite" in capsys.readouterr().err


def test_fix_write_verify_writes_a_rewrite_that_builds_and_agrees(tmp_path, monkeypatch, capsys):
    folder = _app(tmp_path)
    monkeypatch.setenv("DOCKER", DOCKER)
    with pytest.raises(SystemExit) as exit_info:
        main(["fix", "--write", "--verify", "--select", "DO201", "--smoke", "cat /one /two", str(folder / "Dockerfile")])
    assert exit_info.value.code == 0, capsys.readouterr().err
    text = (folder / "Dockerfile").read_text()
    assert text.count("RUN") == 1
    assert oct((folder / "Dockerfile").stat().st_mode & 0o777) == "0o640"


def test_verify_without_an_engine_is_one_clear_error(tmp_path):
    fake = tmp_path / "docker"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "dockopt", "verify", str(DEMO / "Dockerfile")],
        capture_output=True, text=True, env=dict(os.environ, DOCKER=str(fake)), timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no Docker engine" in done.stderr


def test_fix_write_verify_builds_with_the_dockerignore_it_proposes_and_writes_it(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM debian:bookworm\nWORKDIR /app\nCOPY . .\n")
    (folder / "app.sh").write_text("echo hi\n")
    (folder / ".env").write_text("TOKEN=x\n")
    monkeypatch.setenv("DOCKER", DOCKER)
    # The smoke test needs .env in the image: the proposed ignore file drops it, so the rewrite
    # built as it would be written fails its smoke test, and nothing is written.
    with pytest.raises(SystemExit) as exit_info:
        main(["fix", "--write", "--verify", "--select", "DO330", "--unsafe-fixes", "--smoke", "test -f /app/.env", str(folder / "Dockerfile")])
    assert exit_info.value.code == 2, capsys.readouterr().err
    assert not (folder / ".dockerignore").exists()
    # Without that need, the rewrite agrees and the ignore file is written with it.
    with pytest.raises(SystemExit) as exit_info:
        main(["fix", "--write", "--verify", "--select", "DO330", "--unsafe-fixes", "--smoke", "test ! -f /app/.env", str(folder / "Dockerfile")])
    assert exit_info.value.code == 0, capsys.readouterr().err
    assert "**/.env" in (folder / ".dockerignore").read_text()
