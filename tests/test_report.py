"""The reviewer report: readable without running anything, estimates labelled as such."""

from __future__ import annotations

import json

import pytest

import dockopt
from dockopt.report import (
    FileReport,
    estimated_base_size,
    expected_effect,
    rationale,
    render_json,
    render_markdown,
)


@pytest.mark.parametrize(
    ("image", "size"),
    [
        pytest.param("python:3.11", 1020, id="a-plain-python-tag-is-the-full-image"),
        pytest.param("python:3.11-slim-bookworm", 130, id="a-slim-tag-is-the-slim-image"),
        pytest.param("docker.io/library/node:20-alpine", 160, id="registry-prefixes-are-ignored"),
        pytest.param("gcr.io/distroless/static-debian12", 2, id="distroless-flavours-are-known"),
        pytest.param("python:${PY}", None, id="an-unresolved-variable-has-no-estimate"),
        pytest.param("example.com/private/app:1", None, id="an-unknown-image-has-no-estimate"),
    ],
)
def test_estimated_base_size(image, size):
    assert estimated_base_size(image) == size


def _report(**extra) -> FileReport:
    result = dockopt.fix("FROM example.com/base\nMAINTAINER Jo\nRUN sudo true\n", select=["DO101", "DO260"], unsafe_fixes=True)
    return FileReport(
        path="svc/Dockerfile",
        status="changed",
        diff="--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n@@ -2 +2 @@\n-MAINTAINER Jo\n+LABEL maintainer=\"Jo\"\n",
        fixes=[f.as_dict() for f in result.fixes],
        **extra,
    )


def test_markdown_lists_each_change_with_rationale_and_safety():
    text = render_markdown([_report(), FileReport(path="ok/Dockerfile", status="unchanged")])
    assert "## `svc/Dockerfile`" in text
    assert "| 2 | DO101 `maintainer-to-label` | unsafe |" in text
    assert rationale("DO101").split()[0] in text
    assert "line 3: DO260 `sudo-in-run` (finding)" in text
    assert "```diff" in text
    assert "ok/Dockerfile" not in text  # nothing to review there
    assert "2 Dockerfile(s) scanned: 1 changed, 0 failed" in text


def test_estimates_say_they_are_estimates():
    effect = expected_effect(_report(base_before="python:3.11", base_after="python:3.11-slim"))
    assert effect.startswith("Estimate (not measured")
    assert "python:3.11 (~1020 MB) → python:3.11-slim (~130 MB)" in effect


def test_measured_effects_come_from_verify():
    verify = {
        "original": {"size_bytes": 816_500_000, "warm_seconds": 6.3, "user": "root"},
        "rewritten": {"size_bytes": 180_200_000, "warm_seconds": 0.4, "user": "app"},
        "agrees": True,
    }
    effect = expected_effect(_report(verify=verify))
    assert effect.startswith("Measured with `dockopt verify`")
    assert "816.5 MB → 180.2 MB" in effect and "runs as app instead of root" in effect


def test_json_report_carries_rationales():
    payload = json.loads(render_json([_report()]))
    assert payload["files"][0]["rationales"]["DO101"] == rationale("DO101")


@pytest.mark.slow  # starts dockopt as a process
def test_cli_report_and_per_folder_summary(tmp_path):
    """`dockopt fix a/ b/ --report r.md`: a report a reviewer can read, and one row per folder."""
    import subprocess
    import sys

    for repo in ("repo-a", "repo-b"):
        folder = tmp_path / repo / "svc"
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text("FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n")
    report = tmp_path / "report.md"
    done = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "repo-a/", "repo-b/", "--report", str(report)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    text = report.read_text()
    assert "## `repo-a/svc/Dockerfile`" in text and "## `repo-b/svc/Dockerfile`" in text
    assert "| 2 | DO211 `apt-get-update-with-install` | safe |" in text
    assert "```diff" in text and "Estimate (not measured" in text
    rows = [line.split() for line in done.stderr.splitlines() if line.startswith("repo-") and ":" not in line]
    assert rows == [["repo-a/", "1", "1", "0", "0", "0", "2"], ["repo-b/", "1", "1", "0", "0", "0", "2"]]
    payload = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "dockopt", "fix", "repo-a/", "--report", str(payload)], cwd=tmp_path, check=True, capture_output=True)
    assert json.loads(payload.read_text())["files"][0]["status"] == "changed"
