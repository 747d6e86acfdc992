"""Small things that make dockopt fit the tools around it: pragma warnings, stdin as a file,
`--force-exclude`, the compact output of pre-commit runs, and the papercuts of issue 13."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dockopt

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

CHAIN = "FROM python:3.12-slim\nRUN echo a\nRUN echo b\nUSER nobody\n"
MERGED = "FROM python:3.12-slim\nRUN echo a && \\\n    echo b\nUSER nobody\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- pragma warnings ----------------------------------------------------------------------------------


def test_unknown_and_unused_pragma_codes_are_warned_about_one_line_each(cli, tmp_path):
    write(tmp_path, "Dockerfile", (
        "FROM python:3.12-slim\n"
        "# dockopt: ignore=DO9999,secret-in-env-or-arg\n"
        "RUN echo a\n"
        "# hadolint ignore=DL3008,DL1234,shellcheck\n"
        "RUN echo b\n"
        "USER nobody\n"
    ))
    code, out, err = cli("check", "Dockerfile")
    assert err == (
        "dockopt: warning: Dockerfile:2: `# dockopt: ignore=DO9999`: unknown rule 'DO9999' (see `dockopt rules`)\n"
        "dockopt: warning: Dockerfile:2: `# dockopt: ignore=secret-in-env-or-arg` suppresses nothing here\n"
        "dockopt: warning: Dockerfile:4: `# hadolint ignore=shellcheck`: 'shellcheck' is neither a hadolint code nor a dockopt rule\n"
    )
    assert (code, out) == (0, "All checks passed.\n")  # warnings never fail a run


def test_a_pragma_that_keeps_runs_apart_is_in_use(cli, tmp_path):
    write(tmp_path, "Dockerfile", "FROM python:3.12-slim\n# dockopt: ignore=DO201 # cached on purpose\nRUN echo a\nRUN echo b\nUSER nobody\n")
    assert cli("check", "Dockerfile") == (0, "All checks passed.\n", "")


def test_a_pragma_is_not_called_unused_for_a_rule_that_did_not_run(cli, tmp_path):
    write(tmp_path, "Dockerfile", "FROM python:3.12-slim\n# dockopt: ignore=DO262\nRUN echo a\nUSER nobody\n")
    assert cli("check", "--select", "DO2", "Dockerfile")[2] == "dockopt: warning: Dockerfile:2: `# dockopt: ignore=DO262` suppresses nothing here\n"
    assert cli("check", "--select", "DO201", "Dockerfile")[2] == ""


def test_the_api_lists_pragma_warnings():
    result = dockopt.fix("FROM debian:12\n# dockopt: global ignore=DO404\nRUN echo a\n")
    assert result.warnings == [(2, "`# dockopt: global ignore=DO404`: unknown rule 'DO404' (see `dockopt rules`)")]


# -- stdin as a file ------------------------------------------------------------------------------


def test_stdin_filename_gives_the_config_and_the_name(cli, tmp_path):
    write(tmp_path, "svc/.dockopt.toml", 'ignore = ["DO201"]\n')
    code, out, err = cli("check", "--stdin-filename", "svc/Dockerfile", stdin=CHAIN.encode())
    assert (code, out, err) == (0, "All checks passed.\n", "")
    code, out, _ = cli("check", "--stdin-filename", "other/Dockerfile", stdin=CHAIN.encode())
    assert out.startswith("other/Dockerfile:2:1: DO201 info [*]")


def test_stdin_filename_with_write_returns_the_fixed_text(cli, tmp_path):
    code, out, err = cli("fix", "--write", "--stdin-filename", "Dockerfile", "-", stdin=CHAIN.encode())
    assert (code, out) == (0, MERGED)
    assert not (tmp_path / "Dockerfile").exists()


def test_stdin_filename_goes_with_stdin_only(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN)
    assert cli("check", "--stdin-filename", "x/Dockerfile", "Dockerfile")[:2] == (2, "")


# -- --force-exclude and pre-commit's output --------------------------------------------------------


def test_force_exclude_skips_excluded_files_named_on_the_command_line(cli, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.dockopt]\nexclude = ["vendor/", "third_party/**"]\n')
    write(tmp_path, "third_party/x/Dockerfile", CHAIN)
    write(tmp_path, "Dockerfile", CHAIN)
    code, out, err = cli("fix", "--check", "third_party/x/Dockerfile", "Dockerfile")
    assert code == 1 and "would fix third_party/x/Dockerfile" in err  # named, so processed
    code, out, err = cli("fix", "--check", "--force-exclude", "third_party/x/Dockerfile", "Dockerfile")
    assert code == 1 and "third_party" not in err
    assert cli("fix", "--check", "--force-exclude", "third_party/x/Dockerfile") == (0, "", "")


def test_force_exclude_on_stdin_gives_the_text_back_unchanged(cli, tmp_path):
    write(tmp_path, ".dockopt.toml", 'exclude = ["legacy/"]\n')
    code, out, _ = cli("fix", "--write", "--force-exclude", "--stdin-filename", "legacy/Dockerfile", stdin=CHAIN.encode())
    assert (code, out) == (0, CHAIN)


def test_files_named_one_by_one_get_a_one_line_summary_not_a_table(cli, tmp_path):
    for name in ("a/Dockerfile", "b/Dockerfile", "c/Dockerfile"):
        write(tmp_path, name, CHAIN)
    code, _, err = cli("fix", "--check", "a/Dockerfile", "b/Dockerfile", "c/Dockerfile")
    assert "scanned  changed" not in err
    assert "Scanned 3 files: 3 would change, 0 unchanged, 0 failed, 0 skipped.\n" in err
    code, _, err = cli("fix", "--check", "a", "b")
    assert "path  scanned  changed" in err  # several folders: a migration, one row each


# -- config papercuts -------------------------------------------------------------------------------


def test_the_readme_pyproject_snippet_works_in_dockopt_toml(cli, tmp_path):
    write(tmp_path, ".dockopt.toml", '[tool.dockopt]\nselect = ["DO2", "DO3"]\nignore = ["DO213"]\nunsafe-fixes = false\n'
                                     'per-file-ignores = { "legacy/**" = ["DO201"] }\nexclude = ["third_party/**"]\n')
    write(tmp_path, "Dockerfile", CHAIN)
    code, out, err = cli("fix", "Dockerfile")
    assert code == 0 and "+RUN echo a && \\\n" in out


def test_dockopt_toml_mixing_top_level_keys_and_a_tool_table_is_an_error(cli, tmp_path):
    write(tmp_path, ".dockopt.toml", 'select = ["DO2"]\n[tool.dockopt]\nignore = ["DO213"]\n')
    write(tmp_path, "Dockerfile", CHAIN)
    assert cli("fix", "Dockerfile")[2].endswith("unknown key 'tool' in " + str(tmp_path / ".dockopt.toml") + "\n")


# -- command-line papercuts ---------------------------------------------------------------------------


def test_a_report_in_a_missing_folder_fails_before_the_batch(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN)
    code, out, err = cli("fix", "--write", "--report", "bad/dir/report.md", "Dockerfile")
    assert (code, out, err) == (2, "", "dockopt: error: bad/dir/report.md: --report: no such folder bad/dir\n")
    assert (tmp_path / "Dockerfile").read_text() == CHAIN  # nothing was done


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_below_one_is_a_usage_error(cli, tmp_path, jobs):
    write(tmp_path, "Dockerfile", CHAIN)
    assert cli("fix", "-j", jobs, "Dockerfile") == (2, "", f"dockopt: error: --jobs must be 1 or more (not {jobs})\n")


def test_a_broken_pipe_is_not_exit_1(tmp_path):
    for index in range(30):
        write(tmp_path, f"d{index}/Dockerfile", CHAIN)
    shell = f"{sys.executable} -m dockopt fix -j 1 . | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "141"  # a program SIGPIPE stopped, as `yes | head` reports
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_the_api_refuses_a_mistyped_selector():
    with pytest.raises(dockopt.SelectorError, match=r"unknown rule selector 'DO9999' \(see `dockopt rules`\)"):
        dockopt.fix(CHAIN, select=["DO9999"])
    with pytest.raises(ValueError, match="unknown rule selector 'chain-runs'"):
        dockopt.fix(CHAIN, ignore=["chain-runs"])
    with pytest.raises(ValueError, match="as a list"):
        dockopt.fix(CHAIN, select="DO201")


@pytest.mark.parametrize(
    "env, coloured",
    [
        pytest.param({}, False, id="no terminal: no colour"),
        pytest.param({"FORCE_COLOR": "1"}, True, id="FORCE_COLOR colours a pipe"),
        pytest.param({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, id="NO_COLOR wins over FORCE_COLOR"),
        pytest.param({"FORCE_COLOR": ""}, False, id="an empty FORCE_COLOR is not set"),
    ],
)
def test_force_color(tmp_path, env, coloured):
    write(tmp_path, "Dockerfile", CHAIN)
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    result = subprocess.run([sys.executable, "-m", "dockopt", "fix", "Dockerfile"], cwd=tmp_path, capture_output=True,
                            text=True, env={**environment, **env}, timeout=60)
    assert ("\x1b[" in result.stdout) is coloured
    assert ("\x1b[" in result.stderr) is coloured


def test_no_color_flag_wins_over_force_color(tmp_path):
    write(tmp_path, "Dockerfile", CHAIN)
    result = subprocess.run([sys.executable, "-m", "dockopt", "fix", "--no-color", "Dockerfile"], cwd=tmp_path,
                            capture_output=True, text=True, env={**os.environ, "FORCE_COLOR": "1"}, timeout=60)
    assert "\x1b[" not in result.stdout + result.stderr
