"""`dockopt check`, the lint-only command, as CI runs it: exit codes by severity, the output
formats CI reads, `--statistics`, `--output-file`, selection from the command line and config."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

SECRET = "FROM python:3.12-slim\nENV AWS_SECRET_ACCESS_KEY=abc123\nUSER nobody\n"
CLEAN = "FROM python:3.12-slim\nUSER nobody\nCMD [\"python\"]\n"
CHAIN = "FROM python:3.12-slim\nRUN echo a\nRUN echo b\nUSER nobody\n"
SECRET_LINE = (
    "Dockerfile:2:1: DO262 error: ENV AWS_SECRET_ACCESS_KEY looks like a secret: it is kept in the image config; "
    "use RUN --mount=type=secret\n"
)


@pytest.fixture
def project(tmp_path):
    def make(text: str, name: str = "Dockerfile"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return make


@pytest.mark.slow  # starts dockopt as a process
def test_a_hard_coded_secret_fails_check_as_an_error(tmp_path, project):
    project(SECRET)
    result = subprocess.run([sys.executable, "-m", "dockopt", "check", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == SECRET_LINE + "Found 1 problem (1 error).\n"
    assert result.stderr == ""
    assert (tmp_path / "Dockerfile").read_text() == SECRET  # check never writes


def test_a_clean_file_passes(cli, project):
    project(CLEAN)
    assert cli("check", "Dockerfile") == (0, "All checks passed.\n", "")


@pytest.mark.parametrize(
    "args, code",
    [
        pytest.param([], 1, id="the default fail level is info, so an info finding fails"),
        pytest.param(["--fail-level", "warning"], 0, id="an info finding passes from warning up"),
        pytest.param(["--fail-level", "style"], 1, id="style fails on everything"),
        pytest.param(["--fail-level", "none"], 0, id="none never fails on findings"),
        pytest.param(["--exit-zero"], 0, id="exit-zero reports and passes"),
    ],
)
def test_the_fail_level_decides_the_exit_code(cli, project, args, code):
    project(CHAIN)
    exit_code, out, _ = cli("check", *args, "Dockerfile")
    assert exit_code == code
    assert out.startswith("Dockerfile:2:1: DO201 info [*]: 2 consecutive RUN instructions (lines 2, 3) can be one layer\n")


def test_the_config_fail_level_applies_and_the_command_line_wins(cli, project, tmp_path):
    project(CHAIN)
    (tmp_path / ".dockopt.toml").write_text('fail-level = "error"\n')
    assert cli("check", "Dockerfile")[0] == 0
    assert cli("check", "--fail-level", "info", "Dockerfile")[0] == 1


def test_a_config_severity_override_makes_a_rule_fail(cli, project, tmp_path):
    project(CHAIN)
    (tmp_path / ".dockopt.toml").write_text('fail-level = "warning"\nseverity = { "chain-run" = "error" }\n')
    code, out, _ = cli("check", "Dockerfile")
    assert code == 1
    assert "DO201 error [*]:" in out


def test_a_file_that_cannot_be_read_exits_2_whatever_the_findings(cli, project):
    project("FROM debian\nFOO bar\n")
    code, out, err = cli("check", "--exit-zero", "Dockerfile")
    assert code == 2
    assert err == "dockopt: error: Dockerfile: line 2: unknown instruction: FOO\n"


def test_statistics_count_findings_per_rule(cli, project):
    project(SECRET)
    project(CHAIN, "b/Dockerfile")
    code, out, _ = cli("check", "--statistics", ".")
    assert code == 1
    assert out == "1  DO201  info     [*] chain-run\n1  DO262  error        secret-in-env-or-arg\n"
    rows = json.loads(cli("check", "--statistics", "--format", "json", ".")[1])
    assert rows[1] == {"code": "DO262", "name": "secret-in-env-or-arg", "severity": "error", "count": 1, "fixable": 0}


def test_output_file_takes_the_output_and_leaves_messages_on_stderr(cli, project, tmp_path):
    project(SECRET)
    code, out, err = cli("check", "--output-file", "lint.txt", "Dockerfile")
    assert (code, out, err) == (1, "", "")
    assert (tmp_path / "lint.txt").read_text() == SECRET_LINE + "Found 1 problem (1 error).\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "lint.txt"]


def test_output_file_in_a_missing_folder_fails_before_any_work(cli, project):
    project(SECRET)
    code, out, err = cli("check", "--output-file", "no/such/lint.txt", "Dockerfile")
    assert (code, out) == (2, "")
    assert err == "dockopt: error: no/such/lint.txt: --output-file: no such folder no/such\n"


def test_extend_select_and_extend_ignore_on_the_command_line(cli, project, tmp_path):
    project(SECRET + "RUN echo a\nRUN echo b\n")
    (tmp_path / ".dockopt.toml").write_text('select = ["DO262"]\n')
    assert "DO201" not in cli("check", "Dockerfile")[1]
    assert "DO201" in cli("check", "--extend-select", "chain-run", "Dockerfile")[1]
    code, out, _ = cli("check", "--extend-ignore", "DO262", "Dockerfile")
    assert (code, out) == (0, "All checks passed.\n")


def test_extend_select_and_extend_ignore_in_the_config(cli, project, tmp_path):
    project(SECRET + "RUN echo a\nRUN echo b\n")
    (tmp_path / ".dockopt.toml").write_text('select = ["DO262"]\nextend-select = ["DO201"]\nextend-ignore = ["DO262"]\n')
    out = cli("check", "Dockerfile")[1]
    assert "DO201" in out and "DO262" not in out


def test_config_path_replaces_the_nearest_config(cli, project, tmp_path):
    project(CHAIN, "app/Dockerfile")
    (tmp_path / "app" / ".dockopt.toml").write_text('ignore = ["DO201"]\n')
    (tmp_path / "ci.toml").write_text('[tool.dockopt]\nselect = ["DO201"]\nfail-level = "info"\n')
    assert cli("check", "app/Dockerfile")[0] == 0
    code, out, _ = cli("check", "--config", "ci.toml", "app/Dockerfile")
    assert code == 1 and "DO201" in out


def test_a_missing_config_path_is_a_usage_error(cli, project):
    project(CLEAN)
    assert cli("check", "--config", "nope.toml", "Dockerfile") == (2, "", "dockopt: error: nope.toml: --config: no such file\n")


# -- formats ---------------------------------------------------------------------------------------


def test_github_annotations_of_an_absolute_path_are_relative_to_the_workspace(cli, project, tmp_path):
    path = project(SECRET, "svc/Dockerfile")
    code, out, _ = cli("check", "--format", "github", str(path), env={"GITHUB_WORKSPACE": str(tmp_path)}, cwd="/")
    assert code == 1
    assert out == (
        "::error file=svc/Dockerfile,line=2,col=1,title=DO262 secret-in-env-or-arg::ENV AWS_SECRET_ACCESS_KEY looks like a secret: "
        "it is kept in the image config; use RUN --mount=type=secret\n"
    )


def test_github_annotations_outside_the_workspace_keep_the_whole_absolute_path(cli, project, tmp_path):
    path = project(SECRET)
    workspace = tmp_path / "elsewhere"
    workspace.mkdir()
    out = cli("check", "--format", "github", str(path), env={"GITHUB_WORKSPACE": str(workspace)})[1]
    assert out.startswith(f"::error file={path},line=2,col=1,")


def test_github_annotation_of_a_parse_error_has_its_line(cli, project):
    project("FROM debian\nRUN echo\nFOO bar\n")
    code, out, err = cli("check", "--format", "github", "Dockerfile")
    assert code == 2
    assert out == "::error file=Dockerfile,line=3,col=1,title=dockopt::line 3: unknown instruction: FOO\n"
    assert err == "dockopt: error: Dockerfile: line 3: unknown instruction: FOO\n"


def test_sarif_levels_follow_the_severity(cli, project):
    project(SECRET + "RUN echo a\nRUN echo b\n")
    sarif = json.loads(cli("check", "--format", "sarif", "Dockerfile")[1])
    levels = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
    assert levels == {"DO262": "error", "DO201": "note"}
    rules = {r["id"]: r["defaultConfiguration"]["level"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["DO262"] == "error" and rules["DO401"] == "warning" and rules["DO201"] == "note"


def test_gitlab_code_quality(cli, project, tmp_path):
    path = project(SECRET, "svc/Dockerfile")
    code, out, _ = cli("check", "--format", "gitlab", str(path), env={"CI_PROJECT_DIR": str(tmp_path)}, cwd="/")
    [issue] = json.loads(out)
    assert code == 1
    assert issue["check_name"] == "DO262"
    assert issue["severity"] == "critical"
    assert issue["location"] == {"path": "svc/Dockerfile", "lines": {"begin": 2}}
    assert issue["description"].startswith("DO262: ENV AWS_SECRET_ACCESS_KEY looks like a secret")
    assert len(issue["fingerprint"]) == 64


def test_gitlab_fingerprints_survive_lines_moving_above(cli, project):
    project(SECRET)
    before = json.loads(cli("check", "--format", "gitlab", "Dockerfile")[1])[0]["fingerprint"]
    project("# a comment\n" + SECRET)
    assert json.loads(cli("check", "--format", "gitlab", "Dockerfile")[1])[0]["fingerprint"] == before


def test_junit_has_a_failing_case_per_finding_and_a_passing_one_per_clean_file(cli, project):
    project(SECRET, "a/Dockerfile")
    project(CLEAN, "b/Dockerfile")
    project("FROM debian\nFOO bar\n", "c/Dockerfile")
    code, out, _ = cli("check", "--format", "junit", ".")
    assert code == 2
    root = ET.fromstring(out)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    suites = {suite.get("name"): suite for suite in root}
    [case] = suites["a/Dockerfile"]
    assert case.get("name") == "DO262 secret-in-env-or-arg (line 2)"
    assert case.find("failure").get("type") == "DO262"
    assert suites["b/Dockerfile"].get("failures") == "0"
    assert suites["c/Dockerfile"].find("testcase/error").get("message") == "line 2: unknown instruction: FOO"


def test_checkstyle(cli, project):
    project(SECRET)
    root = ET.fromstring(cli("check", "--format", "checkstyle", "Dockerfile")[1])
    [error] = root.find("file").findall("error")
    assert root.find("file").get("name") == "Dockerfile"
    assert (error.get("line"), error.get("column"), error.get("severity"), error.get("source")) == ("2", "1", "error", "dockopt.DO262")


@pytest.mark.parametrize("output_format", ["gitlab", "junit", "checkstyle"])
def test_the_new_formats_work_for_fix_too(cli, project, output_format):
    project(CHAIN)
    code, out, _ = cli("fix", "--format", output_format, "Dockerfile")
    assert code == 0
    assert "DO201" in out


def test_statistics_take_only_text_or_json(cli, project):
    project(CLEAN)
    assert cli("check", "--statistics", "--format", "sarif", "Dockerfile") == (2, "", "dockopt: error: --statistics prints text or json\n")
