"""DO330: the `.dockerignore` a whole-context copy needs (transforms/dockerignore.py), end to end.

The fixtures in fixtures/DO330/ hold the golden cases; here: what needs a real Dockerfile path
(the Dockerfile itself, `<Dockerfile>.dockerignore`, sibling Dockerfiles), the CLI's `--write` and
`--check`, and idempotence after a real write.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import dockopt
from dockopt.cli import main
from dockopt.config import config_for
from dockopt.context import BuildContext, DockerIgnore

DO330 = ["--select", "DO330", "--unsafe-fixes"]
APP = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"


@pytest.fixture
def run(tmp_path, monkeypatch, capsysbinary):
    """`dockopt ARGS` in-process in tmp_path: (exit code, stdout, stderr)."""

    def invoke(*args: str):
        config_for.cache_clear()
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsysbinary.readouterr()
        return exited.value.code, out.decode(), err.decode()

    return invoke


def project(root: Path, dockerfile: str = APP, name: str = "Dockerfile", **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(dockerfile)
    (root / "app.py").write_text("print(1)\n")
    (root / "requirements.txt").write_text("flask\n")
    for relative, text in files.items():
        (root / relative).write_text(text)
    return root / name


def fix_at(path: Path, **options) -> dockopt.FixResult:
    return dockopt.fix(path.read_bytes(), select=["DO330"], unsafe_fixes=True, context=BuildContext(path.parent, path), **options)


def test_a_new_dockerignore_names_the_dockerfile_itself(tmp_path):
    result = fix_at(project(tmp_path))
    assert result.output == APP.encode()  # the Dockerfile itself is left as it was
    (change,) = result.files
    assert change.before is None and change.path == str(tmp_path / ".dockerignore")
    assert change.after == "# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\n"
    (item,) = result.applied
    assert item.line == 3 and item.safety.value == "unsafe"
    assert item.text.startswith(f"create {tmp_path / '.dockerignore'}: `.git`, `**/.env`, `Dockerfile` (unsafe: ")


def test_the_dockerfile_specific_ignore_file_is_the_one_edited(tmp_path):
    # BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile instead of the context's.
    path = project(tmp_path, name="prod.Dockerfile", **{".dockerignore": ".git\n"})
    (tmp_path / "prod.Dockerfile.dockerignore").write_text("*.md\n")
    (change,) = fix_at(path).files
    assert change.path == str(tmp_path / "prod.Dockerfile.dockerignore")
    assert change.after == "*.md\n# Never needed in the image (dockopt DO330)\n.git\n**/.env\nprod.Dockerfile\n"


def test_no_build_context_no_fix():
    assert not dockopt.fix(APP, select=["DO330"], unsafe_fixes=True).files


def test_without_unsafe_fixes_it_is_only_offered(tmp_path):
    result = dockopt.fix(project(tmp_path).read_bytes(), select=["DO330"], context=BuildContext(tmp_path, tmp_path / "Dockerfile"))
    assert not result.changed and not result.files
    assert [item.code for item in result.unsafe_left_out] == ["DO330"]


def test_a_pragma_suppresses_it(tmp_path):
    path = project(tmp_path, APP.replace("COPY . .", "# dockopt: ignore=DO330\nCOPY . ."))
    assert not fix_at(path).files


def test_a_sibling_dockerfile_that_reads_git_keeps_it_in(tmp_path):
    path = project(tmp_path)
    (tmp_path / "release.Dockerfile").write_text("FROM debian:12\nCOPY . /src\nRUN cd /src && git describe --tags\n")
    (change,) = fix_at(path).files
    assert ".git\n" not in change.after


@pytest.mark.parametrize("name", ["release.Dockerfile", "Containerfile", "Dockerfile-release"])
def test_every_name_dockopt_reads_as_a_dockerfile_counts_as_a_sibling(tmp_path, name):
    path = project(tmp_path)
    (tmp_path / name).write_text("FROM debian:12\nCOPY . /src\nRUN cd /src && git describe --tags\n")
    (change,) = fix_at(path).files
    assert ".git\n" not in change.after


def test_a_sibling_edited_between_two_runs_is_read_again(tmp_path):
    path = project(tmp_path)
    sibling = tmp_path / "release.Dockerfile"
    sibling.write_text("FROM debian:12\nCOPY . /src\n")
    (change,) = fix_at(path).files
    assert ".git\n" in change.after
    sibling.write_text("FROM debian:12\nCOPY . /src\nRUN cd /src && git describe --tags\n")
    (change,) = fix_at(path).files
    assert ".git\n" not in change.after


def test_a_batch_lists_the_folder_once_and_the_next_batch_sees_an_edit(tmp_path):
    from dockopt.batch import Task, run
    from dockopt.registry import all_transforms

    lister = next(t for t in all_transforms() if t.code == "DO330").__module__
    listed = sys.modules[lister]._dockerfiles_at
    names = ["Dockerfile", "api.Dockerfile", "worker.Dockerfile"]
    for name in names:
        project(tmp_path, name=name)

    def batch() -> list[str]:
        tasks = [Task(str(tmp_path / name), True, ("DO330",), True, None) for name in names]
        return [result.files[0]["after"] for result in run(tasks, jobs=1)]

    assert all(".git\n" in after for after in batch())
    assert listed.cache_info().misses == 1  # three Dockerfiles, one listing
    (tmp_path / "release.Dockerfile").write_text("FROM debian:12\nCOPY . /src\nRUN cd /src && git describe --tags\n")
    assert all(".git\n" not in after for after in batch())  # a new run lists the folder again


def test_the_project_takes_its_version_from_git(tmp_path):
    path = project(tmp_path, **{"pyproject.toml": "[build-system]\nrequires = [\"setuptools\", \"setuptools-scm\"]\n"})
    (change,) = fix_at(path).files
    assert ".git\n" not in change.after


def test_dotenv_apps_are_told_where_the_values_go(tmp_path):
    path = project(tmp_path, **{"requirements.txt": "flask\npython-dotenv\n"})
    (item,) = fix_at(path).applied
    assert "docker run --env-file .env" in item.text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# a comment\n.git\n/.env\nDockerfile\n", id="leading slash and comments"),
        pytest.param("**\n!app.py\n!requirements.txt\n", id="an allowlist"),
        pytest.param(".git/\n.env\n./Dockerfile\n", id="trailing slash and ./"),
    ],
)
def test_an_existing_good_dockerignore_is_left_alone(tmp_path, text):
    path = project(tmp_path, **{".dockerignore": text})
    assert not fix_at(path).changed


def test_a_crlf_file_without_final_newline_gets_crlf_lines(tmp_path):
    path = project(tmp_path)
    (tmp_path / ".dockerignore").write_bytes(b"*.md\r\n.git")
    (change,) = fix_at(path).files
    assert change.after == "*.md\r\n.git\r\n# Never needed in the image (dockopt DO330)\r\n**/.env\r\nDockerfile\r\n"


def test_matcher_follows_docker_not_gitignore():
    spec = DockerIgnore("node_modules\n**/__pycache__\n!keep/__pycache__\n")
    assert spec.ignored("node_modules/a.js")
    assert not spec.ignored("web/node_modules")  # anchored at the root, unlike .gitignore
    assert spec.ignored("a/b/__pycache__/x.pyc")
    assert spec.decision("keep/__pycache__/x.pyc") is False


def test_write_then_check_then_nothing_left(tmp_path, run):
    project(tmp_path, **{".dockerignore": "*.md\n"})
    code, out, err = run("fix", *DO330, "--check", "Dockerfile")
    assert code == 1 and "would fix Dockerfile" in err
    assert (tmp_path / ".dockerignore").read_text() == "*.md\n"
    code, out, err = run("fix", *DO330, "Dockerfile")
    assert code == 0
    assert out == (
        "--- a/.dockerignore\n+++ b/.dockerignore\n@@ -1 +1,5 @@\n *.md\n"
        "+# Never needed in the image (dockopt DO330)\n+.git\n+**/.env\n+Dockerfile\n"
    )
    code, out, err = run("fix", *DO330, "--write", "Dockerfile")
    assert code == 0
    assert (tmp_path / ".dockerignore").read_text() == "*.md\n# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\n"
    assert (tmp_path / "Dockerfile").read_text() == APP
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dockerignore", "Dockerfile", "app.py", "requirements.txt"]
    assert run("fix", *DO330, "--check", "Dockerfile")[0] == 0  # idempotent on disk


def test_write_creates_the_file_with_the_usual_mode(tmp_path, run):
    project(tmp_path)
    assert run("fix", *DO330, "--write", "Dockerfile")[0] == 0
    created = tmp_path / ".dockerignore"
    assert created.read_text().startswith("# Never needed in the image")
    assert created.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_two_dockerfiles_of_one_context_merge_their_lines(tmp_path, run):
    # Each proposes its own name; the second's addition is computed on the old file and merged.
    project(tmp_path)
    (tmp_path / "worker.Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /w\nCMD [\"python\", \"/w/app.py\"]\n")
    code, out, err = run("fix", *DO330, "--write", ".")
    assert code == 0, err
    assert (tmp_path / ".dockerignore").read_text() == (
        "# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\nworker.Dockerfile\n"
    )
    assert run("fix", *DO330, "--check", ".")[0] == 0


def test_the_printed_diffs_of_two_dockerfiles_apply_one_after_the_other(tmp_path, run):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project(tmp_path)
    (tmp_path / "worker.Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /w\nCMD [\"python\", \"/w/app.py\"]\n")
    code, out, err = run("fix", *DO330, ".")
    assert code == 0, err
    assert out.count("+++ b/.dockerignore") == 2
    (tmp_path / "changes.diff").write_text(out)
    subprocess.run(["git", "apply", "changes.diff"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / ".dockerignore").read_text() == (
        "# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\nworker.Dockerfile\n"
    )  # what --write writes (the test above)


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path):
    from dockopt.writeback import FileError, write_companion

    target = tmp_path / ".dockerignore"
    target.write_text("mine\n")
    with pytest.raises(FileError, match="changed while dockopt was working"):
        write_companion(str(target), None, ".git\n", {})
    assert target.read_text() == "mine\n"


def test_json_carries_the_companion_file(tmp_path, run):
    import json

    project(tmp_path)
    code, out, err = run("fix", *DO330, "--format", "json", "Dockerfile")
    (entry,) = json.loads(out)["files"]
    (item,) = entry["fixes"]
    assert item["fix"]["files"] == [{"path": ".dockerignore", "created": True, "content": "# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\n"}]
    assert entry["diff"].startswith("--- /dev/null\n+++ b/.dockerignore\n")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_text_from_stdin_gets_no_companion_change(tmp_path, run):
    # No file beside the text: the fix is listed as not made, nothing is written.
    project(tmp_path)
    from dockopt.batch import Task, process

    result = process(Task(path=str(tmp_path / "Dockerfile"), explicit=True, select=("DO330",), unsafe_fixes=True,
                          context=str(tmp_path), write=True, data=APP.encode()))
    assert result.status == "ok" and not result.files
    assert [item["applied"] for item in result.fixes] == [False]
    assert not (tmp_path / ".dockerignore").exists()


@pytest.mark.parametrize(
    ("dockerfile", "files", "kept"),
    [
        pytest.param("FROM node:20\nCOPY . .\nRUN --mount=type=bind,source=.git,target=/g cat /g/HEAD > /version\n", {}, ".git",
                     id="a bind mount of .git"),
        pytest.param("FROM node:20\nCOPY . .\nRUN npm ci\nCOPY node_modules/.bin/tool /usr/local/bin/\n",
                     {"node_modules/.bin/tool": "x"}, "node_modules", id="a COPY source inside node_modules"),
        pytest.param("FROM node:20\nCOPY . .\nCMD [\"node\", \"server.js\"]\n", {"node_modules/a/index.js": "x"}, "node_modules",
                     id="node_modules with no install in the image"),
        pytest.param("FROM python:3.11\nCOPY . .\nRUN set -a && . ./.env && python manage.py collectstatic\n", {".env": "A=1\n"},
                     ".env", id="a RUN sources .env"),
        pytest.param("FROM python:3.11\nCOPY *.key /etc/ssl/private/\nCOPY . .\n",
                     {"tls.key": "-----BEGIN PRIVATE KEY-----\n"}, "key", id="a glob COPY of the keys"),
        pytest.param("FROM python:3.11\nCOPY . .\nRUN pip install .\n", {"setup.cfg": "[options]\nsetup_requires = setuptools_scm\n"},
                     ".git", id="setuptools_scm reads the version from git"),
        pytest.param("FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\n", {"dist/app.whl": "x"}, "dist",
                     id="dist that the build does not make again"),
    ],
)
def test_what_the_build_reads_stays(tmp_path, dockerfile, files, kept):
    for relative in files:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
    path = project(tmp_path, dockerfile, **files)
    result = fix_at(path)
    added = "".join(change.after for change in result.files)
    assert kept not in added


def test_sarif_carries_the_companion_change(tmp_path, run):
    import json

    project(tmp_path, **{".dockerignore": "*.md"})
    code, out, err = run("fix", *DO330, "--format", "sarif", "Dockerfile")
    (result,) = json.loads(out)["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == ".dockerignore"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 1, "startColumn": 5, "endLine": 1, "endColumn": 5}
    assert replacement["insertedContent"]["text"] == "\n# Never needed in the image (dockopt DO330)\n.git\n**/.env\nDockerfile\n"
