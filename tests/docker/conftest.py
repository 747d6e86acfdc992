"""Real-Docker tests: make sure an engine and the stand-in base images answer before any build.

When they do not, `../shared/buildlab/setup.sh` is run once per session (it installs docker.io,
starts dockerd and builds the stand-ins; about two minutes on a fresh machine, seconds when all is
in place). If the engine still does not answer, every Docker test FAILS with the end of setup's
output: CI runs these tests, so a missing engine must never pass as a skip. Developers leave them
out with `-m "not docker"`.
"""

from __future__ import annotations

import os
import subprocess
import tempfile

import pytest

from tests.docker.buildlab import BUILDLAB, DOCKER
from tests.shared import missing_reason

STANDINS = ("debian:bookworm", "debian:bookworm-slim", "python:3.11", "python:3.11-slim")
SETUP_TIMEOUT = 1800  # a fresh machine: apt installs, debootstrap, two image builds


def engine_problem() -> str | None:
    """Why builds cannot run yet, or None when the daemon answers and the stand-ins exist."""
    try:
        info = subprocess.run(
            [DOCKER, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`{DOCKER} info` failed: {error}"
    if info.returncode != 0:
        return f"`{DOCKER} info` exited {info.returncode}: {info.stderr.strip()[-300:]}"
    labels = subprocess.run(
        [DOCKER, "image", "inspect", "--format", '{{index .Config.Labels "org.dockopt.standin"}}', *STANDINS],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    if labels.returncode != 0 or labels.stdout.split() != ["true"] * len(STANDINS):
        return f"stand-in base images missing ({', '.join(STANDINS)}): {labels.stderr.strip()[-300:]}"
    return None


def run_setup() -> tuple[int | str, str]:
    """Run setup.sh with its output in a file (dockerd outlives it; a pipe could keep us waiting)."""
    with tempfile.TemporaryFile(mode="w+") as output:
        try:
            proc = subprocess.run(
                ["bash", str(BUILDLAB / "setup.sh")],
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                timeout=SETUP_TIMEOUT, env=dict(os.environ, DOCKER=DOCKER),
            )
            status: int | str = proc.returncode
        except subprocess.TimeoutExpired:
            status = f"killed after {SETUP_TIMEOUT} s"
        output.seek(0)
        return status, output.read()


@pytest.fixture(scope="session", autouse=True)
def docker_engine() -> str:
    """The docker client to use, once the engine and the stand-ins are known to work."""
    if not (BUILDLAB / "setup.sh").is_file():
        # Every Docker test runs buildlab's scripts or builds ../shared's files: without them,
        # a working engine does not help (they failed on a missing script).
        pytest.skip(missing_reason(BUILDLAB))
    problem = engine_problem()
    if problem is None:
        return DOCKER
    status, output = run_setup()
    problem = engine_problem()
    if problem is not None:
        tail = "\n".join(output.rstrip().splitlines()[-40:])
        pytest.fail(
            f"no working Docker engine after `bash {BUILDLAB / 'setup.sh'}` (exit {status}): {problem}\n"
            f"--- end of setup.sh output ---\n{tail}",
            pytrace=False,
        )
    return DOCKER
