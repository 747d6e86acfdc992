"""The GitHub Action's script, run the way action.yml runs it: `python -m dockopt.github_action`
in the workspace, with the INPUT_* variables the action sets and the GITHUB_* files a runner
provides, in a tmp workspace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

ROOT = Path(__file__).resolve().parent.parent
SECRET = "FROM python:3.12-slim\nENV AWS_SECRET_ACCESS_KEY=abc123\nUSER nobody\n"
CHAIN = "FROM python:3.12-slim\nRUN echo a\nRUN echo b\nUSER nobody\n"


@pytest.fixture
def runner(tmp_path):
    """A workspace and the runner's files; `run(**inputs)` returns (exit code, log, outputs)."""
    workspace = tmp_path / "workspace"
    temp = tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()

    def run(**inputs: str):
        output, summary = tmp_path / "github_output", tmp_path / "step_summary"
        output.write_text("")
        summary.write_text("")
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("INPUT_", "GITHUB_"))}
        environment.update(
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
            GITHUB_ACTIONS="true",
            RUNNER_TEMP=str(temp),
            NO_COLOR="1",
            **{f"INPUT_{key.upper()}": value for key, value in inputs.items()},
        )
        result = subprocess.run(
            [sys.executable, "-m", "dockopt.github_action"], cwd=workspace, env=environment, capture_output=True, text=True, timeout=120
        )
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return result.returncode, result.stdout + result.stderr, outputs, summary.read_text()

    run.workspace = workspace
    return run


def test_check_annotates_the_pull_request_and_fails_on_a_secret(runner):
    (runner.workspace / "api").mkdir()
    (runner.workspace / "api" / "Dockerfile").write_text(SECRET)
    code, log, outputs, summary = runner(mode="check", paths=".")
    assert code == 1
    assert "::error file=api/Dockerfile,line=2,col=1,title=DO262 secret-in-env-or-arg::ENV AWS_SECRET_ACCESS_KEY" in log
    assert outputs == {"exit-code": "1"}


def test_check_passes_a_clean_workspace(runner):
    (runner.workspace / "Dockerfile").write_text("FROM python:3.12-slim\nUSER nobody\n")
    code, log, outputs, _ = runner(mode="check", paths="")
    assert (code, outputs) == (0, {"exit-code": "0"})


def test_check_with_sarif_writes_the_file_the_upload_step_takes(runner, tmp_path):
    (runner.workspace / "Dockerfile").write_text(SECRET)
    code, log, outputs, _ = runner(mode="check", sarif="true", args="--fail-level error")
    assert code == 1
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    assert outputs["sarif"] == str(tmp_path / "runner-temp" / "dockopt.sarif")
    [result] = sarif["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("DO262", "error")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_args_are_passed_on(runner):
    (runner.workspace / "Dockerfile").write_text(CHAIN)
    assert runner(mode="check", args="--fail-level warning")[0] == 0
    assert runner(mode="check", args="--ignore 'DO201'")[0] == 0
    assert runner(mode="check")[0] == 1


def test_fix_writes_the_fixes_and_leaves_the_report_as_the_job_summary(runner):
    (runner.workspace / "a").mkdir()
    (runner.workspace / "a" / "Dockerfile").write_text(CHAIN)
    (runner.workspace / "b").mkdir()
    (runner.workspace / "b" / "Dockerfile").write_text("FROM python:3.12-slim\nUSER nobody\n")
    code, log, outputs, summary = runner(mode="fix", paths="a b")
    assert code == 0
    assert (runner.workspace / "a" / "Dockerfile").read_text() == "FROM python:3.12-slim\nRUN echo a && \\\n    echo b\nUSER nobody\n"
    assert outputs["changed"] == "true"
    assert summary.startswith("# dockopt: Dockerfile rewrites for review\n\n2 Dockerfile(s) scanned: 1 changed, 0 failed; 1 change(s) applied.\n")
    assert "## `a/Dockerfile`" in summary and "| 2 | DO201 `chain-run` | safe |" in summary and "```diff" in summary
    assert Path(outputs["report"]).read_text() == summary


def test_fix_on_clean_files_says_nothing_changed(runner):
    (runner.workspace / "Dockerfile").write_text("FROM python:3.12-slim\nUSER nobody\n")
    code, _, outputs, summary = runner(mode="fix")
    assert (code, outputs["changed"]) == (0, "false")
    assert "1 Dockerfile(s) scanned: 0 changed" in summary


def test_an_unknown_mode_is_an_error(runner):
    code, log, _, _ = runner(mode="lint")
    assert code == 2
    assert "the action's mode is check or fix, not 'lint'" in log


def test_action_yml_runs_the_script_with_the_inputs_it_reads():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    assert steps["dockopt"]["run"] == "python -m dockopt.github_action"
    assert steps["dockopt"]["env"] == {f"INPUT_{name.upper()}": f"${{{{ inputs.{name} }}}}" for name in ("mode", "paths", "args", "sarif")}
    assert set(action["inputs"]) >= {"mode", "paths", "args", "sarif", "version"}
    upload = next(step for step in action["runs"]["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ steps.dockopt.outputs.sarif }}"
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.dockopt.outputs.{name} }}}}"
