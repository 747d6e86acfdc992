"""Without a build context (stdin with no --context or --stdin-filename), no rewrite may copy a
file it could not check: a new `COPY x` of a file the original never named is either not made,
or unsafe with a message that says the context was not read.

Run over every fixture that has a build context, with every transform and --unsafe-fixes, as a
user piping the file through `dockopt fix -` would.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import dockopt
from dockopt.document import Document
from tests.fixture_cases import all_cases

WITH_CONTEXT = [case for case in all_cases() if case.context is not None]


def copy_sources(text: str) -> set[str]:
    """The context paths the COPY/ADD instructions of a Dockerfile name."""
    found = set()
    for instruction in Document(text).instructions:
        if instruction.cmd in ("COPY", "ADD") and instruction.flag("from") is None and not instruction.heredocs:
            args = [arg for arg in instruction.args if not arg.startswith("--")]
            found.update(args[:-1])
    return found


def _copies(text: str, path: str) -> bool:
    return any(line.split()[:1] and line.split()[0].upper() in ("COPY", "ADD") and path in line.split()[1:-1]
               for line in text.splitlines())


@pytest.mark.parametrize("case", WITH_CONTEXT, ids=[case.id for case in WITH_CONTEXT])
def test_without_a_context_no_fix_copies_an_unchecked_file(case):
    source = case.before.read_text()
    result = dockopt.fix(source, unsafe_fixes=True, context=None)
    added = copy_sources(result.output) - copy_sources(source)
    for path in sorted(added):
        makers = [item for item in result.applied if any(_copies(edit.text, path) for edit in item.edits)]
        assert makers, f"{path}: copied by no applied fix?"
        for item in makers:
            assert item.safety.value == "unsafe" and "no build context" in item.text, (
                f"{item.code} copies {path} without a build context to check it: {item.text}"
            )


@pytest.mark.slow  # starts dockopt as a process
def test_stdin_go_build_is_left_alone_without_a_context(tmp_path):
    go = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    result = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "--unsafe-fixes", "--select", "DO301", "-"],
        input=go.encode(), capture_output=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == b""  # no diff: the folder has no go.mod, and stdin proves nothing


@pytest.mark.slow  # starts dockopt as a process
def test_stdin_filename_gives_the_build_context(tmp_path):
    go = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "go.mod").write_text("module m\n")
    result = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "--unsafe-fixes", "--select", "DO301", "--stdin-filename", "svc/Dockerfile"],
        input=go.encode(), capture_output=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 0
    assert "+COPY go.mod ./\n+RUN go mod download\n" in result.stdout.decode()
    assert result.stdout.decode().startswith("--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n")
