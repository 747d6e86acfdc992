"""Bad input: one line `dockopt: error: PATH: reason` on stderr, exit 2, the file's bytes unchanged.

Each case runs the real command with --write (the strongest temptation to touch the file).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dockopt.cli import main
from dockopt.config import config_for

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

GOOD = b"FROM debian:12\nMAINTAINER Jo\n"


def make_missing(tmp: Path) -> str:
    return "nothing-here"


def make_folder_named_dockerfile(tmp: Path) -> str:
    (tmp / "Dockerfile").mkdir()
    return "Dockerfile"


def make_folder_without_dockerfiles(tmp: Path) -> str:
    (tmp / "src").mkdir()
    (tmp / "src" / "main.py").write_text("print('hi')\n")
    return "src"


def make_binary(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(b"FROM debian\n\x00\x01\x02")
    return "Dockerfile"


def make_invalid_utf8(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(b"FROM debian\nLABEL a=\"\xff\xfe\"\n")
    return "Dockerfile"


def make_empty(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(b"")
    return "Dockerfile"


def make_comments_only(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(b"# nothing yet\n\n")
    return "Dockerfile"


def make_unparseable(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(b"FROM debian\nMAINTAINER Jo\nFROBNICATE now\n")
    return "Dockerfile"


def make_lone_continuation(tmp: Path) -> str:
    # BuildKit gives a command with no name for it; Docker says "line 3: unknown instruction:".
    (tmp / "Dockerfile").write_bytes(b'FROM debian\nCMD ["a"]\n \\\n\n')
    return "Dockerfile"


def make_read_only(tmp: Path) -> str:
    path = tmp / "Dockerfile"
    path.write_bytes(GOOD)
    path.chmod(0o444)
    return "Dockerfile"


def make_huge(tmp: Path) -> str:
    (tmp / "Dockerfile").write_bytes(GOOD + b"# padding to five megabytes\n" * 190_000)
    return "Dockerfile"


def make_fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "Dockerfile")
    return "Dockerfile"


def make_dangling_symlink(tmp: Path) -> str:
    (tmp / "Dockerfile").symlink_to(tmp / "gone")
    return "Dockerfile"


CASES = [
    pytest.param(make_missing, "no such file or directory", id="a-missing-path"),
    pytest.param(make_folder_named_dockerfile, "no Dockerfile found in this directory", id="a-folder-named-Dockerfile"),
    pytest.param(make_folder_without_dockerfiles, "no Dockerfile found in this directory", id="a-folder-without-dockerfiles"),
    pytest.param(make_binary, "binary file (contains NUL bytes)", id="a-binary-file"),
    pytest.param(make_invalid_utf8, "invalid UTF-8 at byte 21", id="invalid-utf-8"),
    pytest.param(make_empty, "empty file", id="an-empty-file"),
    # The parser's own words may change; the shape of the line may not.
    pytest.param(make_comments_only, re.compile(r".*no instructions.*"), id="only-comments"),
    pytest.param(make_unparseable, re.compile(r".*FROBNICATE.*"), id="an-unparseable-dockerfile"),
    pytest.param(
        make_lone_continuation,
        "line 3: unknown instruction: a line continuation with no instruction before it",
        id="a-lone-line-continuation",
    ),
    pytest.param(make_read_only, "read-only file (not written)", id="a-read-only-file-with-write"),
    pytest.param(make_huge, "file too large (5.3 MB; the limit is 1024 KiB)", id="a-5-mb-file"),
    pytest.param(make_fifo, "not a regular file", id="a-named-pipe"),
    pytest.param(make_dangling_symlink, "no such file or directory", id="a-dangling-symlink"),
]


def snapshot(folder: Path) -> dict:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            found[path] = os.readlink(path) if path.is_symlink() else "dir-or-special"
        else:
            found[path] = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode)
    return found


@pytest.mark.parametrize(("make", "reason"), CASES)
def test_bad_input_is_one_line_exit_2_and_nothing_changes(tmp_path, make, reason):
    path = make(tmp_path)
    before = snapshot(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "--write", "--select", "DO101", "--unsafe-fixes", path],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    line = result.stderr.decode()
    if isinstance(reason, re.Pattern):
        assert re.fullmatch(f"dockopt: error: {re.escape(path)}: {reason.pattern}\n", line), line
    else:
        assert line == f"dockopt: error: {path}: {reason}\n"
    assert result.stdout == b""
    assert snapshot(tmp_path) == before


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    def invoke(*args: str):
        config_for.cache_clear()
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return exited.value.code, err

    return invoke


def test_an_unreadable_file_is_reported(tmp_path, run, monkeypatch):
    # Tests may run as root, who reads anything: make the permission check say no.
    (tmp_path / "Dockerfile").write_bytes(GOOD)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("Dockerfile") and mode == os.R_OK else real_access(p, mode))
    assert run("fix", "Dockerfile") == (2, "dockopt: error: Dockerfile: permission denied\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_a_chmod_000_file_is_reported(tmp_path, run):
    path = tmp_path / "Dockerfile"
    path.write_bytes(GOOD)
    path.chmod(0)
    assert run("fix", "Dockerfile") == (2, "dockopt: error: Dockerfile: permission denied\n")


def test_a_crashing_transform_costs_one_line_not_a_traceback(tmp_path, run, monkeypatch):
    from dockopt.transforms.maintainer_to_label import MaintainerToLabel

    def explode(self, doc, ctx):
        raise RuntimeError("boom")
        yield

    (tmp_path / "Dockerfile").write_bytes(GOOD)
    monkeypatch.setattr(MaintainerToLabel, "check", explode)
    code, err = run("fix", "--write", "--select", "DO101", "Dockerfile")
    assert code == 2
    assert err == (
        "dockopt: error: Dockerfile: internal error in DO101 (maintainer-to-label): RuntimeError: boom; "
        "the file was left unchanged\n"
    )
    assert (tmp_path / "Dockerfile").read_bytes() == GOOD


def test_an_unexpected_crash_anywhere_is_still_one_line(tmp_path, run, monkeypatch):
    import dockopt.cli

    def explode(options, streams):
        raise ValueError("surprise")

    monkeypatch.setattr(dockopt.cli, "_run_fix", explode)
    assert run("fix", "Dockerfile") == (2, "dockopt: error: internal error: ValueError: surprise\n")


def test_a_file_changed_during_the_run_is_not_overwritten(tmp_path):
    from dockopt.writeback import FileError, read, write

    path = tmp_path / "Dockerfile"
    path.write_bytes(GOOD)
    taken = read(str(path))
    path.write_bytes(GOOD + b"RUN echo edited meanwhile\n")
    with pytest.raises(FileError, match="changed while dockopt was working"):
        write(str(path), b"FROM debian:12\n", taken)
    assert path.read_bytes() == GOOD + b"RUN echo edited meanwhile\n"
