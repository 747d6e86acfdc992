"""Tricky Dockerfiles built for real: every safe rewrite builds an equivalent image, and a build
that fails before the rewrite still fails after it (a merge must never hide a failing step).

fixtures/tricky/<case>/Dockerfile is an adversarial file (shell state across RUNs, exit codes,
SHELL options, mounts, escape characters, CRLF, exec form, ONBUILD, stages, comments in
continuations, quoted operators...); its folder is the build context. All transforms run, safe
fixes only, as `dockopt fix` does by default.

Every case gets the cheap checks (idempotence, BuildKit parse). The builds are limited to
`BUILT`, the cases that caught a bug or guard a rule most likely to break, so the module stays
under ten minutes on a warm cache; the others were built once by hand with the same equiv.py.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dockerfile
import pytest

import dockopt
from tests.docker import buildlab

pytestmark = pytest.mark.docker

TRICKY = buildlab.REPO / "fixtures" / "tricky"
CASES = sorted(folder.name for folder in TRICKY.iterdir() if (folder / "Dockerfile").is_file())

BUILT = [
    # shell state that must stay inside its own RUN
    "cd-leak", "export-leak", "umask-leak", "trap-exit", "functions", "eval-and-expansion",
    # exit status: failing builds keep failing, passing ones keep passing
    "set-e-last-fails", "set-e-in-middle", "set-e-after-apt-update", "shell-e-group-append", "exit-codes-semicolon", "negation-fails", "status-var",
    "shopt-errexit", "bash-underscore", "pipefail-shell-fails", "shell-nounset",
    # the file's own syntax
    "escape-backtick", "crlf", "comments-in-continuation", "backslash-then-comment",
    "quoted-operators", "redirect-list", "lowercase-keywords",
    # flags, stages and other instructions between RUNs
    "mount-cache", "mount-secret", "stages", "onbuild",
    # other transforms' safe fixes
    "cleanup-after-comment", "apt-update-install", "pip-env-cache", "manifests-pip-env",
]


def _safe_fix(folder: Path) -> tuple[bytes, bytes]:
    source = (folder / "Dockerfile").read_bytes()
    result = dockopt.fix(source, context=folder)
    assert result.error is None, result.error
    output = result.output if isinstance(result.output, bytes) else result.output.encode()
    return source, output


def _builds(dockerfile_path: Path, context: Path) -> bool:
    proc = subprocess.run(
        [buildlab.DOCKER, "build", "--network", "host", "-q", "-f", str(dockerfile_path), str(context)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=buildlab.SCRIPT_TIMEOUT,
        env=dict(os.environ, DOCKER_BUILDKIT="1"),
    )
    if proc.returncode == 0:
        subprocess.run([buildlab.DOCKER, "rmi", "-f", proc.stdout.strip()], capture_output=True, stdin=subprocess.DEVNULL)
    return proc.returncode == 0


def test_every_build_case_exists():
    assert set(BUILT) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_the_rewrite_is_stable_and_parses(case):
    _, output = _safe_fix(TRICKY / case)
    again = dockopt.fix(output, context=TRICKY / case)
    assert (again.output if isinstance(again.output, bytes) else again.output.encode()) == output
    dockerfile.parse_string(output.decode())


@pytest.mark.parametrize("case", BUILT)
def test_the_safe_rewrite_builds_the_same_image(case, tmp_path):
    folder = TRICKY / case
    source, output = _safe_fix(folder)
    if output == source:
        pytest.skip("dockopt leaves this file alone")
    rewritten = tmp_path / "Dockerfile.rewritten"
    rewritten.write_bytes(output)
    result = buildlab.equiv(folder / "Dockerfile", rewritten, folder)
    if result.original_failed:
        assert not _builds(rewritten, folder), f"{case}: the original fails to build but the rewrite builds"
        return
    assert result.equivalent, f"safe rewrite of {case} is not equivalent: {result.explain()}"
