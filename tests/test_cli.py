"""`dockopt` as a user runs it: real files in a temp folder, exit codes, exact output, writes.

Most tests run the installed command in a subprocess; quick ones call `dockopt.cli.main` in-process.
They select DO101 (MAINTAINER -> LABEL) with --unsafe-fixes so they keep passing as transforms land.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dockopt.cli import main
from dockopt.config import config_for

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

ROOT = Path(__file__).resolve().parent.parent
REPOS = ROOT / "fixtures" / "repos"
DO101 = ["--select", "DO101", "--unsafe-fixes"]
BEFORE = "FROM debian:12\nMAINTAINER Jo Doe <jo@example.com>\nRUN echo hi\n"
AFTER = 'FROM debian:12\nLABEL maintainer="Jo Doe <jo@example.com>"\nRUN echo hi\n'
DIFF = (
    "--- a/Dockerfile\n"
    "+++ b/Dockerfile\n"
    "@@ -1,3 +1,3 @@\n"
    " FROM debian:12\n"
    "-MAINTAINER Jo Doe <jo@example.com>\n"
    '+LABEL maintainer="Jo Doe <jo@example.com>"\n'
    " RUN echo hi\n"
)


def dockopt(*args: str, cwd: Path, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command as installed; text output with exact bytes (no newline translation)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "dockopt", *args], cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=120
    )


@pytest.fixture
def run(tmp_path, monkeypatch, capsysbinary):
    """Run `main()` in-process (fast); returns (exit code, stdout bytes, stderr text)."""

    def invoke(*args: str, stdin: bytes = b""):
        config_for.cache_clear()
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsysbinary.readouterr()
        return exited.value.code, out, err.decode()

    return invoke


@pytest.fixture
def dockerfile(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(BEFORE)
    return path


# -- the diff, --write, --check -------------------------------------------------------------------


def test_default_prints_the_diff_and_the_change_list_and_leaves_the_file(dockerfile, tmp_path):
    result = dockopt("fix", *DO101, "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode() == DIFF
    assert result.stderr.decode() == f"Dockerfile:2: DO101 [*] {_message()}\n1 fix marked [*]: apply with --write.\n"
    assert dockerfile.read_text() == BEFORE


def _message() -> str:
    from dockopt import fix

    [item] = fix(BEFORE, select=["DO101"], unsafe_fixes=True).fixes
    return item.text


def test_the_diff_of_a_crlf_file_applies_with_git_apply(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    original = b"FROM debian:12\r\nMAINTAINER Jo\r\n# keep\r\nRUN echo hi"
    (repo / "Dockerfile").write_bytes(original)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    diff = dockopt("fix", *DO101, "Dockerfile", cwd=repo).stdout
    assert b"+LABEL maintainer=\"Jo\"\r\n" in diff
    (tmp_path / "fix.patch").write_bytes(diff)
    subprocess.run(["git", "apply", "--check", str(tmp_path / "fix.patch")], cwd=repo, check=True)
    subprocess.run(["git", "apply", str(tmp_path / "fix.patch")], cwd=repo, check=True)
    expected = dockopt("fix", *DO101, "--write", "-", cwd=repo, stdin=original).stdout
    assert (repo / "Dockerfile").read_bytes() == expected == b'FROM debian:12\r\nLABEL maintainer="Jo"\r\n# keep\r\nRUN echo hi'


def test_write_rewrites_the_file_keeps_its_mode_and_leaves_no_temp_file(dockerfile, tmp_path):
    dockerfile.chmod(0o640)
    result = dockopt("fix", *DO101, "--write", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == b""
    assert dockerfile.read_text() == AFTER
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_write_goes_through_a_symlink_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "Dockerfile"
    target.parent.mkdir()
    target.write_text(BEFORE)
    (tmp_path / "Dockerfile").symlink_to(target)
    assert dockopt("fix", *DO101, "--write", "Dockerfile", cwd=tmp_path).returncode == 0
    assert (tmp_path / "Dockerfile").is_symlink()
    assert target.read_text() == AFTER


def test_write_leaves_an_unchanged_file_untouched(tmp_path, run):
    path = tmp_path / "Dockerfile"
    path.write_text(AFTER)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    code, out, err = run("fix", *DO101, "--write", "Dockerfile")
    assert (code, out, err) == (0, b"", "")
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_check_exits_1_and_names_the_file_without_writing(dockerfile, run):
    code, out, err = run("fix", *DO101, "--check", "Dockerfile")
    assert code == 1
    assert out == b""
    assert err.startswith("would fix Dockerfile\nDockerfile:2: DO101 [*] ")
    assert dockerfile.read_text() == BEFORE


def test_check_with_diff_also_prints_the_diff(dockerfile, run):
    code, out, _ = run("fix", *DO101, "--check", "--diff", "Dockerfile")
    assert (code, out.decode()) == (1, DIFF)


def test_check_exits_0_when_nothing_would_change(tmp_path, run):
    (tmp_path / "Dockerfile").write_text(AFTER)
    assert run("fix", *DO101, "--check", "Dockerfile") == (0, b"", "")


def test_write_and_check_together_are_refused(dockerfile, run):
    assert run("fix", "--write", "--check", "Dockerfile") == (2, b"", "dockopt: error: --write and --check cannot be used together\n")


def test_quiet_keeps_the_diff_and_drops_the_change_list(dockerfile, run):
    code, out, err = run("fix", *DO101, "--quiet", "Dockerfile")
    assert (code, out.decode(), err) == (0, DIFF, "")


# -- stdin ----------------------------------------------------------------------------------------


def test_stdin_prints_a_diff(run):
    code, out, _ = run("fix", *DO101, "-", stdin=BEFORE.encode())
    assert code == 0
    assert out.decode().startswith("--- a/-\n+++ b/-\n@@ -1,3 +1,3 @@\n")


def test_stdin_with_write_prints_the_fixed_text(run):
    code, out, _ = run("fix", *DO101, "--write", "-", stdin=BEFORE.encode())
    assert (code, out.decode()) == (0, AFTER)


def test_stdin_with_write_echoes_a_clean_file(run):
    assert run("fix", *DO101, "--write", "-", stdin=AFTER.encode())[:2] == (0, AFTER.encode())


def test_stdin_with_write_echoes_a_skipped_file(run):
    text = "# dockopt: skip-file\n" + BEFORE
    assert run("fix", *DO101, "--write", "-", stdin=text.encode())[:2] == (0, text.encode())


def test_stdin_that_is_binary_is_an_error(run):
    assert run("fix", "-", stdin=b"FROM x\x00") == (2, b"", "dockopt: error: -: binary file (contains NUL bytes)\n")


# -- selection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selector",
    [
        pytest.param("DO101", id="by-code"),
        pytest.param("do1", id="by-code-prefix-in-lower-case"),
        pytest.param("maintainer-to-label", id="by-name"),
        pytest.param("DL4000", id="by-hadolint-alias"),
        pytest.param("DL4000,DO101", id="in-a-comma-list"),
    ],
)
def test_select_accepts_codes_prefixes_names_and_aliases(dockerfile, run, selector):
    code, out, _ = run("fix", "--select", selector, "--ignore", "DO102,DO103", "--unsafe-fixes", "Dockerfile")
    assert code == 0
    assert "+LABEL maintainer" in out.decode()


def test_ignore_wins_over_select(dockerfile, run):
    assert run("fix", *DO101, "--ignore", "maintainer-to-label", "Dockerfile") == (0, b"", "")


def test_an_unknown_selector_is_an_error(dockerfile, run):
    code, out, err = run("fix", "--select", "DO101,nonsense", "Dockerfile")
    assert (code, out) == (2, b"")
    assert err == "dockopt: error: unknown rule selector 'nonsense' (see `dockopt rules`)\n"


def test_unsafe_fixes_left_out_are_counted_in_a_hint(dockerfile, run, monkeypatch):
    from dockopt.transform import Safety
    from dockopt.transforms.maintainer_to_label import MaintainerToLabel

    monkeypatch.setattr(MaintainerToLabel, "safety", Safety.UNSAFE)
    code, out, err = run("fix", "--select", "DO101", "Dockerfile")
    assert (code, out) == (0, b"")
    assert err.splitlines()[0].startswith("Dockerfile:2: DO101 [unsafe] ")
    assert err.splitlines()[-1] == "1 unsafe fix left out (use --unsafe-fixes)."


def test_context_must_be_a_folder(dockerfile, run):
    assert run("fix", "--context", "nowhere", "Dockerfile")[0] == 2


# -- formats --------------------------------------------------------------------------------------


def test_json_has_per_file_results_and_a_summary(dockerfile, run):
    code, out, _ = run("fix", *DO101, "--format", "json", "Dockerfile", "missing")
    data = json.loads(out)
    assert code == 2
    by_path = {item["path"]: item for item in data["files"]}
    assert by_path["missing"]["status"] == "error"
    assert by_path["missing"]["error"] == "no such file or directory"
    entry = by_path["Dockerfile"]
    assert (entry["status"], entry["changed"], entry["written"]) == ("changed", True, False)
    [item] = entry["fixes"]
    assert item["code"] == "DO101" and item["applied"] and (item["line"], item["column"]) == (2, 1)
    [edit] = item["fix"]["edits"]
    assert edit["location"] == {"row": 2, "column": 1} and edit["content"].startswith('LABEL maintainer="Jo Doe')
    assert item["fix"]["applicability"] == "unsafe" and item["fix"]["reason"] == "the image's labels change"
    assert data["summary"]["fixes_by_code"] == {"DO101": 1}
    assert data["summary"]["failed"] == 1


def test_sarif_is_2_1_0_with_rules_and_fixes(dockerfile, run):
    code, out, _ = run("fix", *DO101, "--format", "sarif", "Dockerfile")
    sarif = json.loads(out)
    assert code == 0
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    [run_] = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert {"DO101"} <= {rule["id"] for rule in rules}
    assert all({"id", "name", "shortDescription", "help"} <= set(rule) for rule in rules)
    [result] = run_["results"]
    assert result["ruleId"] == "DO101"
    assert rules[result["ruleIndex"]]["id"] == "DO101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    [change] = result["fixes"][0]["artifactChanges"]
    [replacement] = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 35}
    assert replacement["insertedContent"]["text"] == 'LABEL maintainer="Jo Doe <jo@example.com>"'
    assert run_["invocations"][0]["executionSuccessful"] is True


@pytest.mark.parametrize("output_format", ["json", "sarif"])
@pytest.mark.parametrize("paths", [["missing"], ["clean"]], ids=["only-a-missing-path", "a-clean-file"])
def test_machine_output_is_valid_json_even_with_nothing_to_report(tmp_path, run, output_format, paths):
    (tmp_path / "clean").write_text(AFTER)
    code, out, _ = run("fix", *DO101, "--format", output_format, *paths)
    assert code == (2 if paths == ["missing"] else 0)
    assert json.loads(out)


def test_sarif_replacements_rebuild_what_write_produces(monorepo, tmp_path):
    from tests.test_output import apply_hunks

    sarif = json.loads(dockopt("fix", *DO101, "--format", "sarif", "monorepo", cwd=tmp_path).stdout)
    replacements: dict[str, list[dict]] = {}
    for result in sarif["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                replacements.setdefault(change["artifactLocation"]["uri"], []).extend(
                    {"region": r["deletedRegion"], "text": r["insertedContent"]["text"]} for r in change["replacements"]
                )
    before = {uri: (tmp_path / uri).read_bytes().decode() for uri in replacements}
    assert dockopt("fix", *DO101, "--write", "monorepo", cwd=tmp_path).returncode == 0
    assert len(replacements) == 2
    for uri, found in replacements.items():
        assert apply_hunks(before[uri], found) == (tmp_path / uri).read_bytes().decode()


def test_github_format_prints_workflow_annotations(dockerfile, run):
    code, out, _ = run("fix", *DO101, "--format", "github", "Dockerfile")
    assert code == 0
    assert out.decode() == f"::warning file=Dockerfile,line=2,col=1,title=DO101 maintainer-to-label::{_message()}\n"


def test_output_is_not_coloured_when_not_a_terminal(dockerfile, tmp_path):
    assert b"\x1b[" not in dockopt("fix", *DO101, "Dockerfile", cwd=tmp_path).stdout


def _on_a_terminal(tmp_path: Path, *args: str, env: dict | None = None) -> bytes:
    """stdout of the command when it is a terminal (a pseudo-terminal)."""
    import pty

    leader, follower = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    child = subprocess.Popen(
        [sys.executable, "-m", "dockopt", *args], cwd=tmp_path, stdout=follower, stderr=subprocess.DEVNULL, env={**environment, **(env or {})}
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks)


def test_the_diff_is_coloured_on_a_terminal(dockerfile, tmp_path):
    assert b"\x1b[31m-MAINTAINER" in _on_a_terminal(tmp_path, "fix", *DO101, "Dockerfile")


@pytest.mark.parametrize(("option", "env"), [("--no-color", None), ("--quiet", {"NO_COLOR": "1"})], ids=["no-color-option", "NO_COLOR-set"])
def test_no_colour_when_asked_even_on_a_terminal(dockerfile, tmp_path, option, env):
    out = _on_a_terminal(tmp_path, "fix", *DO101, option, "Dockerfile", env=env)
    assert b"-MAINTAINER" in out and b"\x1b[" not in out


# -- batch ----------------------------------------------------------------------------------------


@pytest.fixture
def monorepo(tmp_path):
    shutil.copytree(REPOS / "monorepo", tmp_path / "monorepo")
    return tmp_path / "monorepo"


def test_batch_walks_the_tree_and_ends_with_a_summary(monorepo, tmp_path):
    result = dockopt("fix", *DO101, "--check", "monorepo", cwd=tmp_path)
    err = result.stderr.decode().splitlines()
    assert result.returncode == 1
    assert "would fix monorepo/services/api/Dockerfile" in err
    assert "would fix monorepo/services/worker/Containerfile" in err
    assert err[-3:] == [
        "Scanned 4 files: 2 would change, 1 unchanged, 0 failed, 1 skipped.",
        "Fixes: DO101 \u00d72",
        "2 fixes marked [*]: apply with --write.",
    ]


def test_batch_write_fixes_what_git_tracks_and_nothing_else(monorepo, tmp_path):
    ignored = {
        path: path.read_bytes()
        for path in [
            monorepo / "generated" / "Dockerfile",
            monorepo / "node_modules" / "pkg" / "Dockerfile",
            monorepo / "vendor" / "lib" / "Dockerfile",
            monorepo / "services" / "web" / "dev.local.Dockerfile",
            monorepo / "docker" / "Dockerfile.template",
        ]
    }
    result = dockopt("fix", *DO101, "--write", "monorepo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "LABEL maintainer=" in (monorepo / "services" / "api" / "Dockerfile").read_text()
    assert (monorepo / "services" / "worker" / "Containerfile").read_bytes() == (
        b'from alpine:3.20\r\nlabel maintainer="Worker Team"\r\nrun echo ready\r\n'
    )
    for path, data in ignored.items():
        assert path.read_bytes() == data, path


def test_a_bad_file_in_a_batch_fails_alone(tmp_path):
    shutil.copytree(REPOS / "with-broken", tmp_path / "repo")
    broken = (tmp_path / "repo" / "broken" / "Dockerfile").read_bytes()
    result = dockopt("fix", *DO101, "--write", "repo", cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("dockopt: error:")]
    assert errors == ["dockopt: error: repo/broken/Dockerfile: line 2: unknown instruction: NOT-AN-INSTRUCTION"]
    assert "LABEL maintainer" in (tmp_path / "repo" / "app" / "Dockerfile").read_text()
    assert (tmp_path / "repo" / "broken" / "Dockerfile").read_bytes() == broken


def test_many_files_run_in_worker_processes_in_a_stable_order(tmp_path):
    from dockopt.batch import IN_PROCESS_BYTES

    padding = "# padding so the batch is big enough for worker processes\n" * (IN_PROCESS_BYTES // 24 // 50)
    for index in range(24):
        folder = tmp_path / "many" / f"svc{index:02d}"
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text((BEFORE if index % 2 else AFTER) + padding)
    (tmp_path / "many" / "svc05" / "Dockerfile").write_text("FROM x\nBOGUS\n")
    result = dockopt("fix", *DO101, "--write", "--jobs", "2", "many", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert lines[-2:] == ["Scanned 24 files: 11 fixed, 12 unchanged, 1 failed, 0 skipped.", "Fixes: DO101 \u00d711"]
    fixed = [line.split(":")[0] for line in lines if "[*]" in line]
    assert fixed == sorted(fixed)
    assert (tmp_path / "many" / "svc23" / "Dockerfile").read_text() == AFTER + padding


def test_a_config_file_applies_to_the_files_below_it(monorepo, tmp_path):
    (monorepo / ".dockopt.toml").write_text('select = ["DO101"]\nunsafe-fixes = true\nexclude = ["services/worker/"]\n')
    (monorepo / "services" / "api" / "pyproject.toml").write_text('[tool.dockopt]\nselect = ["DO102"]\n')
    result = dockopt("fix", "--check", "monorepo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # api/ uses its own pyproject (DO102: nothing to do), worker/ is excluded, web/ is clean.
    assert "Scanned 3 files: 0 would change, 2 unchanged, 0 failed, 1 skipped." in result.stderr.decode()


def test_an_unknown_config_key_stops_before_any_file_is_touched(dockerfile, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dockopt]\nselect = ["DO101"]\nfrobnicate = true\n')
    result = dockopt("fix", "--write", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == f"dockopt: error: {tmp_path / 'pyproject.toml'}: unknown key 'frobnicate' in [tool.dockopt]\n"
    assert dockerfile.read_text() == BEFORE


def test_the_command_line_beats_the_config(dockerfile, run, tmp_path):
    (tmp_path / ".dockopt.toml").write_text('ignore = ["DO101"]\n')
    assert run("fix", "--select", "DO101", "--unsafe-fixes", "Dockerfile")[1].decode() == DIFF


# -- rules, explain, version ----------------------------------------------------------------------


def test_rules_lists_code_name_safety_severity_title(run):
    code, out, _ = run("rules")
    lines = out.decode().splitlines()
    assert code == 0
    assert lines[0].split() == ["CODE", "NAME", "SAFETY", "SEVERITY", "TITLE"]
    assert any(line.split()[:4] == ["DO101", "maintainer-to-label", "unsafe", "warning"] for line in lines)
    assert any(line.split()[:4] == ["DO262", "secret-in-env-or-arg", "finding", "error"] for line in lines)


def test_rules_as_json(run):
    rules = json.loads(run("rules", "--format", "json")[1])
    assert {"code", "name", "safety", "severity", "title", "aliases"} <= set(rules[0])


@pytest.mark.parametrize("rule", ["DO101", "maintainer-to-label", "DL4000"])
def test_explain_prints_the_docs_by_code_name_or_alias(run, rule):
    code, out, _ = run("explain", rule)
    text = out.decode()
    assert code == 0
    assert text.startswith("DO101 maintainer-to-label (")
    assert "Aliases: DL4000" in text
    for section in ("## What it does", "## Why", "## Example", "## Fix safety"):
        assert section in text


def test_explain_an_unknown_rule_is_an_error(run):
    assert run("explain", "DO999") == (2, b"", "dockopt: error: unknown rule 'DO999' (see `dockopt rules`)\n")


def test_version(tmp_path):
    from dockopt import __version__

    result = dockopt("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout.decode()) == (0, f"dockopt {__version__}\n")


def test_the_installed_command_is_on_path(tmp_path):
    executable = shutil.which("dockopt")
    if executable is None:
        pytest.skip("dockopt is not installed as a command")
    assert subprocess.run([executable, "--version"], capture_output=True).returncode == 0


def test_verify_applies_the_ignore_option_before_it_builds(run, dockerfile, monkeypatch):
    def build(*args, **kwargs):
        pytest.fail("verify built a rewrite the --ignore left out")

    monkeypatch.setattr("dockopt.verify.verify", build)
    code, out, err = run("verify", *DO101, "--ignore", "DO101", "Dockerfile")
    assert (code, err) == (0, "")
    assert out.decode() == "Dockerfile: dockopt makes no change: nothing to verify\n"


def test_the_pool_hands_results_on_in_input_order_as_one_process_would_make_them():
    from dockopt import batch

    texts = [f"from debian:bookworm\nrun apt-get install -y curl{index}\n".encode() for index in range(40)]
    tasks = [batch.Task(path=f"svc{index}/Dockerfile", explicit=True, select=None, unsafe_fixes=False, context=None, data=text)
             for index, text in enumerate(texts)]
    pooled = list(batch._run_pool(tasks, len(tasks), 2))
    assert [result.path for result in pooled] == [task.path for task in tasks]
    alone = [batch.process(task) for task in tasks]
    assert [(r.status, r.output, r.fixes) for r in pooled] == [(r.status, r.output, r.fixes) for r in alone]


def test_the_workers_start_when_run_is_called_so_a_progress_bar_s_thread_comes_after_them(monkeypatch):
    import multiprocessing

    from dockopt import batch

    monkeypatch.setattr(batch, "IN_PROCESS_BYTES", 0)
    tasks = [batch.Task(path=f"svc{index}/Dockerfile", explicit=True, select=None, unsafe_fixes=False, context=None,
                        data=b"FROM debian:bookworm\nRUN apt-get install -y curl\n") for index in range(20)]
    results = batch.run(tasks, 2)
    assert len(multiprocessing.active_children()) == 2
    assert [result.path for result in results] == [task.path for task in tasks]


POOL_SCRIPT = """
import sys
{preload}
from dockopt import batch

if __name__ == "__main__":
    method = batch._start_method().get_start_method()
    texts = [f"from debian:bookworm\\nrun apt-get install -y curl{{index}}\\n".encode() for index in range(40)]
    tasks = [batch.Task(path=f"svc{{index}}/Dockerfile", explicit=True, select=None, unsafe_fixes=False, context=None, data=text)
             for index, text in enumerate(texts)]
    pooled = [(r.path, r.status, r.output, r.fixes) for r in batch._run_pool(tasks, len(tasks), 2)]
    alone = [(r.path, r.status, r.output, r.fixes) for r in map(batch.process, tasks)]
    print(method, pooled == alone)
"""


@pytest.mark.skipif(sys.platform != "linux" or sys.version_info < (3, 11), reason="workers are forked only on Linux, from Python 3.11")
def test_workers_are_forked_from_a_process_that_has_not_loaded_the_parser_and_spawned_from_one_that_has_or_runs_threads(tmp_path):
    thread = "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()"
    for preload, method in (("", "fork"), ("import dockerfile", "spawn"), (thread, "spawn")):
        script = tmp_path / "pool.py"
        script.write_text(POOL_SCRIPT.format(preload=preload))
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stdout, done.stderr) == (0, f"{method} True\n", "")


def test_a_message_names_a_line_another_fix_adds_as_that_fix_s(run, tmp_path):
    """The stage split adds `RUN npm prune` after the user's build RUN, and chain-run merges the
    two: its message names the user's line 9 and the line DO502 adds, not the user's blank line 10."""
    (tmp_path / "Dockerfile").write_text(
        "FROM node:20\n\nWORKDIR /app\n\nCOPY package.json package-lock.json ./\nCOPY tsconfig.json ./\n"
        "COPY src ./src\nRUN npm install\nRUN npm run build\n\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n"
    )
    (tmp_path / "package.json").write_text(
        '{"name": "app", "scripts": {"build": "tsc"}, "dependencies": {"express": "^4.18.0"},'
        ' "devDependencies": {"typescript": "^5.0.0"}}\n'
    )
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "tsconfig.json").write_text("{}\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.ts").write_text("console.log('up')\n")
    code, out, _ = run("check", "--unsafe-fixes", "--format", "json", "Dockerfile")
    results = {item["code"]: item for item in json.loads(out)["files"][0]["fixes"]}
    assert code == 1
    assert {"DO502", "DO201"} <= set(results)
    assert results["DO201"]["fix"]["title"] == "2 consecutive RUN instructions (line 9 and a line DO502 adds) can be one layer"
    assert results["DO201"]["line"] == 9
