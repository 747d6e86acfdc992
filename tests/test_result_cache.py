"""The result cache, through the CLI: a run over unchanged files gives the same bytes without
fixing them again, and any change to what a fix reads (the file, its build context, its
repository, the options, dockopt itself) fixes the file again."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from dockopt import batch, result_cache

REPO = Path(__file__).resolve().parents[1]

PYTHON_APP = """\
FROM python:3.11
WORKDIR /app
COPY . .
RUN apt-get update
RUN apt-get install -y curl
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
"""


@pytest.fixture
def cached(monkeypatch, tmp_path):
    """The cache on, in its own folder; counts the files the run really fixes."""
    monkeypatch.delenv("DOCKOPT_NO_RESULT_CACHE", raising=False)
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOCKOPT_CACHE_DIR", str(folder))
    fixed: list[str] = []
    real = batch._fix_bytes

    def counting(task, data, snapshot):
        fixed.append(os.path.basename(os.path.dirname(task.path)) + "/" + os.path.basename(task.path))
        return real(task, data, snapshot)

    monkeypatch.setattr(batch, "_fix_bytes", counting)
    return folder, fixed


@pytest.fixture
def project(tmp_path):
    """A git repository with two apps, each with its build context."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    for name in ("api", "worker"):
        app = root / name
        app.mkdir()
        (app / "Dockerfile").write_text(PYTHON_APP)
        (app / "app.py").write_text("print('hi')\n")
        (app / "requirements.txt").write_text("flask\n")
    return root


def entries(folder: Path) -> list[tuple[str, str, str]]:
    """The stored rows (slot, version, fingerprint)."""
    database = folder / "results.sqlite3"
    if not database.exists():
        return []
    with closing(sqlite3.connect(database)) as connection:
        return sorted(connection.execute("SELECT slot, version, fingerprint FROM results"))


def spoil(folder: Path, statement: str) -> None:
    with closing(sqlite3.connect(folder / "results.sqlite3")) as connection, connection:
        connection.execute(statement)


@pytest.mark.parametrize(
    "args",
    [
        ("fix",),
        ("fix", "--check"),
        ("fix", "--unsafe-fixes", "--format", "json"),
        ("fix", "--format", "sarif"),
        ("check",),
        ("check", "--format", "json", "--unsafe-fixes"),
    ],
    ids=lambda args: " ".join(args),
)
def test_a_second_run_gives_the_same_bytes_without_fixing_again(cli, cached, project, args):
    folder, fixed = cached
    first = cli(*args, str(project))
    assert sorted(fixed) == ["api/Dockerfile", "worker/Dockerfile"]
    assert len(entries(folder)) == 2
    fixed.clear()
    second = cli(*args, str(project))
    assert fixed == []
    assert second == first


def test_results_match_a_run_without_the_cache(cli, cached, project):
    folder, _ = cached
    plain = cli("fix", "--unsafe-fixes", "--format", "json", "--no-result-cache", str(project))
    assert not folder.exists()  # --no-result-cache neither reads nor writes it
    cli("fix", "--unsafe-fixes", "--format", "json", str(project))
    assert cli("fix", "--unsafe-fixes", "--format", "json", str(project)) == plain


def test_one_file_named_alone_is_fixed_every_time(cli, cached, project):
    folder, fixed = cached
    for _ in range(2):
        cli("fix", "--check", str(project / "api" / "Dockerfile"))
    assert len(fixed) == 2 and not folder.exists()
    cli("fix", "--check", str(project / "api" / "Dockerfile"), str(project / "worker" / "Dockerfile"))
    assert len(entries(folder)) == 2  # two files named: a batch


def test_without_a_home_there_is_no_cache_and_no_tilde_folder(cli, cached, project, monkeypatch, tmp_path):
    folder, fixed = cached
    monkeypatch.delenv("DOCKOPT_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # no HOME, no passwd entry
    for _ in range(2):
        cli("fix", "--check", str(project))
    assert len(fixed) == 4 and not folder.exists()
    assert not (tmp_path / "~").exists()  # the folder the runs ran in


def test_the_environment_turns_it_off(cli, cached, project):
    folder, fixed = cached
    for _ in range(2):
        cli("fix", "--check", str(project), env={"DOCKOPT_NO_RESULT_CACHE": "1"})
    assert len(fixed) == 4 and not folder.exists()


def changes(project: Path):
    """Each change to what a fix reads, named; each is made in turn on the same project."""

    def write(relative: str, text: str):
        return lambda: (project / relative).write_text(text)

    def remove(relative: str):
        return lambda: (project / relative).unlink()

    return [
        ("the Dockerfile", write("api/Dockerfile", PYTHON_APP.replace("curl", "curl git"))),
        ("a manifest the install reads goes", remove("api/requirements.txt")),
        ("a .dockerignore appears in the context", write("api/.dockerignore", ".git\n")),
        ("a source file changes size", write("api/app.py", "print('hello')\n")),
        ("the repository silences a rule", write(".hadolint.yaml", "ignored:\n  - DL3059\n")),
        ("another Dockerfile of the repository", write("worker/Dockerfile", "FROM python:3.11\n# hadolint ignore=DL3059\n")),
        ("a config file", write(".dockopt.toml", 'unsafe-fixes = true\n')),
    ]


def test_any_change_to_what_a_fix_reads_fixes_the_file_again(cli, cached, project):
    _, fixed = cached
    cli("fix", "--check", str(project / "api"))
    for name, change in changes(project):
        fixed.clear()
        change()
        cli("fix", "--check", str(project / "api"))
        assert fixed == ["api/Dockerfile"], name
        fixed.clear()
        assert cli("fix", "--check", str(project / "api")) == cli("fix", "--check", "--no-result-cache", str(project / "api")), name
        assert fixed == ["api/Dockerfile"], name  # the second run came from the cache, the third fixed it


def test_a_change_of_the_context_changes_the_result_it_gives(cli, cached, project):
    _, fixed = cached
    api = str(project / "api")
    with_manifest = cli("fix", api)
    (project / "api" / "requirements.txt").unlink()
    without = cli("fix", api)
    assert "+COPY requirements.txt" in with_manifest[1] and "+COPY requirements.txt" not in without[1]  # no manifest to copy first
    (project / "api" / "requirements.txt").write_text("flask\n")
    fixed.clear()
    assert cli("fix", api) == with_manifest
    assert fixed == ["api/Dockerfile"]  # a file keeps its latest result only: the one without the manifest


def test_a_fresh_checkout_of_the_same_files_keeps_the_entries(cli, cached, project, tmp_path):
    _, fixed = cached
    first = cli("fix", "--check", str(project))
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)  # new inodes and times, the same contents
    shutil.rmtree(project)
    copy.rename(project)
    (project / "api" / "app.py").touch()
    fixed.clear()
    assert cli("fix", "--check", str(project)) == first
    assert fixed == []


def test_a_large_file_counts_by_its_times(cli, cached, project, monkeypatch):
    _, fixed = cached
    monkeypatch.setattr(result_cache, "_HASHED_UP_TO", 8)  # app.py is larger
    cli("fix", "--check", str(project / "api"))
    os.utime(project / "api" / "app.py", ns=(1, 1))
    fixed.clear()
    cli("fix", "--check", str(project / "api"))
    assert fixed == ["api/Dockerfile"]


def test_other_options_are_other_entries(cli, cached, project):
    folder, fixed = cached
    api = str(project / "api")
    runs = [("fix", api), ("fix", "--unsafe-fixes", api), ("fix", "--select", "DO201", api), ("fix", "--context", str(project), api)]
    first = [cli(*args) for args in runs]
    assert len(fixed) == 4 and len(entries(folder)) == 4
    fixed.clear()
    assert [cli(*args) for args in runs] == first
    assert fixed == []


def test_a_write_run_writes_what_a_check_run_stored(cli, cached, project):
    _, fixed = cached
    dockerfile, api = project / "api" / "Dockerfile", str(project / "api")
    code, _, _ = cli("fix", "--check", api)
    assert code == 1
    code, _, _ = cli("fix", "--write", api)
    assert code == 0 and dockerfile.read_text() != PYTHON_APP
    written = dockerfile.read_text()
    fixed.clear()
    for _ in range(2):
        assert cli("fix", "--write", api)[0] == 0
    assert fixed == ["api/Dockerfile"]  # the written file once, then its "nothing to change" from the cache
    assert dockerfile.read_text() == written


def test_a_broken_file_gets_its_error_from_the_cache_too(cli, cached, tmp_path):
    _, fixed = cached
    bad = tmp_path / "bad" / "Dockerfile"
    bad.parent.mkdir()
    bad.write_text("FROM debian\nBOGUS thing\n")
    first = cli("fix", str(bad.parent))
    assert first[0] == 2 and "BOGUS" in first[2]
    assert cli("fix", str(bad.parent)) == first
    assert len(fixed) == 1


def test_a_cache_that_cannot_be_used_costs_the_speed_never_the_result(cli, cached, project, monkeypatch, tmp_path):
    folder, fixed = cached
    expected = cli("fix", "--format", "json", "--no-result-cache", str(project))
    cli("fix", "--format", "json", str(project))
    spoil(folder, "UPDATE results SET result = '{not json'")
    assert cli("fix", "--format", "json", str(project)) == expected
    spoil(folder, "UPDATE results SET result = '{}'")
    assert cli("fix", "--format", "json", str(project)) == expected
    (folder / "results.sqlite3").write_bytes(b"not a database at all")
    assert cli("fix", "--format", "json", str(project)) == expected
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("DOCKOPT_CACHE_DIR", str(blocked / "cache"))  # a folder that cannot be made
    assert cli("fix", "--format", "json", str(project)) == expected


def test_a_tree_too_big_or_with_a_folder_link_is_not_stored(cli, cached, project, monkeypatch, tmp_path):
    folder, _ = cached
    monkeypatch.setattr(result_cache, "MAX_TREE_ENTRIES", 2)  # the context holds three files
    cli("fix", "--check", str(project / "api"))
    assert entries(folder) == []
    monkeypatch.setattr(result_cache, "MAX_TREE_ENTRIES", 20_000)
    monkeypatch.setattr(result_cache, "MAX_TREE_BYTES", 100)  # the Dockerfile alone is more
    cli("fix", "--check", str(project / "api"))
    assert entries(folder) == []
    monkeypatch.setattr(result_cache, "MAX_TREE_BYTES", 1 << 20)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "api" / "vendor").symlink_to(elsewhere)  # a rule may read through it: not fingerprinted
    cli("fix", "--check", str(project / "api"))
    assert entries(folder) == []
    (project / "api" / "vendor").unlink()
    cli("fix", "--check", str(project / "api"))
    assert len(entries(folder)) == 1


def test_vcs_folders_count_for_their_presence_only(cli, cached, project):
    _, fixed = cached
    whole = ("fix", "--check", "--context", str(project), str(project / "api"))  # .git is in the context
    cli(*whole)
    (project / ".git" / "index").write_text("git rewrites this on every command\n")
    fixed.clear()
    cli(*whole)
    assert fixed == []


def test_an_edit_elsewhere_in_the_repository_keeps_the_entries_of_other_contexts(cli, cached, project):
    _, fixed = cached
    cli("fix", "--check", str(project))
    (project / "worker" / "Dockerfile").write_text(PYTHON_APP.replace("curl", "curl git"))  # silences nothing
    (project / "README.md").write_text("# the project\n")
    fixed.clear()
    cli("fix", "--check", str(project))
    assert fixed == ["worker/Dockerfile"]


def test_a_dockerfile_outside_its_context_keys_on_its_own_ignore_file(cli, cached, project):
    _, fixed = cached
    dockerfile = project / "worker" / "Dockerfile"
    run = ("fix", "--check", "--context", str(project / "api"), str(dockerfile), str(project / "api" / "Dockerfile"))
    cli(*run)
    fixed.clear()
    cli(*run)
    assert fixed == []
    (project / "worker" / "Dockerfile.dockerignore").write_text(".git\n")  # BuildKit reads it for this Dockerfile
    cli(*run)
    assert fixed == ["worker/Dockerfile"]


def test_a_file_edited_between_the_fingerprint_and_the_fix_is_not_stored(cli, cached, project, monkeypatch):
    from dockopt import writeback

    folder, _ = cached
    real = writeback.read

    def read_after_an_edit(path):
        snapshot = real(path)
        return writeback.Snapshot(snapshot.data + b"# an editor saved the file meanwhile\n", snapshot.mtime_ns, snapshot.size)

    monkeypatch.setattr(writeback, "read", read_after_an_edit)
    cli("fix", "--check", str(project / "api"))
    assert entries(folder) == []


def test_another_version_of_dockopt_misses_and_drops_the_old_entries(cli, cached, project, monkeypatch):
    folder, fixed = cached
    cli("fix", "--check", str(project))
    old = {version for _, version, _ in entries(folder)}
    monkeypatch.setattr(result_cache, "code_fingerprint", lambda: "f" * 64)
    fixed.clear()
    cli("fix", "--check", str(project / "api"))
    assert fixed == ["api/Dockerfile"]
    new = {version for _, version, _ in entries(folder)}
    assert new.isdisjoint(old) and len(new) == 1 and len(entries(folder)) == 1  # worker's entry is gone too
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


@pytest.mark.slow
def test_a_batch_with_worker_processes_stores_and_reuses_results(cli, cached, tmp_path):
    folder, _ = cached
    padding = "".join(f"# line {n} of a long comment that makes the batch worth two workers\n" for n in range(600))
    paths = []
    for n in range(12):
        app = tmp_path / f"app{n}"
        app.mkdir()
        shutil.copy(REPO / "fixtures" / "example" / "requirements.txt", app)
        (app / "Dockerfile").write_text(padding + PYTHON_APP)
        paths.append(str(app / "Dockerfile"))
    assert batch._input_bytes([batch.Task(path, True, None, False, None) for path in paths]) >= batch.IN_PROCESS_BYTES
    first = cli("fix", "--check", "--jobs", "2", *paths)
    assert len(entries(folder)) == 12
    assert cli("fix", "--check", "--jobs", "2", *paths) == first
    assert cli("fix", "--check", "--jobs", "2", "--no-result-cache", *paths) == first


def test_a_cache_folder_inside_the_project_does_not_invalidate_itself(cli, cached, project, monkeypatch):
    _, fixed = cached
    monkeypatch.setenv("DOCKOPT_CACHE_DIR", str(project / "api" / ".dockopt-cache"))
    for _ in range(3):
        cli("fix", "--check", str(project / "api"))
    assert fixed == ["api/Dockerfile"]


def test_a_fix_reads_nothing_beyond_what_the_cache_fingerprints(tmp_path):
    """Beyond the build context, a fix reads only what `repository.silencing` reads (the
    repository's Dockerfiles and hadolint configs, and the folders it walks to find them), and
    looks for `.git` upwards. Sources that would leave the context (`../`, `/etc/...`) are read
    as BuildKit reads them, inside it."""
    import sys

    import dockopt
    from dockopt.context import BuildContext
    from dockopt.discovery import is_dockerfile_name

    repository = tmp_path / "repo"
    context, outside, other = repository / "app", repository / "outside", repository / "other"
    for folder in (repository / ".git", context, outside, other):
        folder.mkdir(parents=True)
    (outside / "requirements.txt").write_text("flask\n")
    (other / "Dockerfile").write_text("FROM debian\n# hadolint ignore=DL3059\nRUN true\n")
    (other / "notes.txt").write_text("not read\n")
    (context / "app.py").write_text("print('hi')\n")
    (context / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY ../outside/requirements.txt ./\nADD /etc/os-release /tmp/\n"
        "COPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    )
    read: list[str] = []
    recording = [True]

    def hook(event, args):
        if recording[0] and event in ("open", "os.scandir", "os.listdir") and isinstance(args[0], (str, bytes, os.PathLike)):
            read.append(os.path.abspath(os.fsdecode(args[0])))

    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if not isinstance(path, int):
            read.append(os.path.abspath(os.fsdecode(path)))
        return real_stat(path, *args, **kwargs)

    sys.addaudithook(hook)  # an audit hook cannot be removed: it records only while `recording`
    os.stat = stat
    try:
        dockopt.fix((context / "Dockerfile").read_text(), context=BuildContext(context, context / "Dockerfile"), unsafe_fixes=True)
    finally:
        os.stat = real_stat
        recording[0] = False
    beyond = {path for path in read if path.startswith(str(tmp_path)) and not path.startswith(str(context) + os.sep) and path != str(context)}
    allowed = {
        path
        for path in beyond
        if os.path.basename(path) in (".git", ".hadolint.yaml", ".hadolint.yml") or os.path.isdir(path) or is_dockerfile_name(os.path.basename(path))
    }
    assert str(other / "Dockerfile") in beyond  # the repository's pragmas were read
    assert beyond - allowed == set()  # `outside/requirements.txt`, `other/notes.txt`: never


@pytest.mark.parametrize(
    ("source", "resolved"),
    [("../outside/x", "outside/x"), ("/etc/os-release", "etc/os-release"), ("./a/../b", "b"), ("a/./b/", "a/b"), (".", ""), ("/", ""), ("../..", "")],
)
def test_a_copy_source_resolves_inside_the_context_as_buildkit_resolves_it(source, resolved):
    from dockopt.context import in_context

    assert in_context(source) == resolved
