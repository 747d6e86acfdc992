"""run_merge: what may follow a RUN body, and the SHELL each RUN runs in."""

from __future__ import annotations

import pytest

from dockopt.document import Document
from dockopt.run_merge import append_blocker


def _blocker(text: str) -> str | None:
    doc = Document("FROM debian\n" + text + "\n")
    run = [i for i in doc.instructions if i.cmd == "RUN"][-1]
    return append_blocker(doc, run, doc.shell(run))


APPENDABLE = [
    pytest.param("RUN a && b", id="a plain chain takes a command after it"),
    pytest.param("RUN set -e && a && b", id="set -e before a plain last command changes nothing"),
    pytest.param("RUN a && (b; c)", id="a subshell last is fine when set -e cannot be on"),
    pytest.param("RUN a && { b; c; }", id="a group last is fine when set -e cannot be on"),
    pytest.param('SHELL ["/bin/bash", "-e", "-c"]\nRUN a && b | c', id="a pipeline last under a -e shell"),
    pytest.param("RUN set -e && a && sh -c 'set -e; b; c'", id="another shell process keeps its own set -e"),
]

BLOCKED = [
    pytest.param("RUN a && { set -e; b; c; }", "set -e", id="set -e inside a group that is last"),
    pytest.param("RUN a && (set -e; b; c)", "set -e", id="set -e inside a subshell that is last"),
    pytest.param("RUN set -e && a && { b; c; }", "set -e", id="set -e earlier and a group last"),
    pytest.param("RUN a && if b; then set -e; c; d; fi", "set -e", id="set -e inside an if that is last"),
    pytest.param("RUN a && { trap 'exit 1' ERR; b; c; }", "ERR trap", id="an ERR trap inside a group"),
    pytest.param("RUN a && . /x.sh", "sources", id="a sourced script may set -e"),
    pytest.param("RUN a && eval \"$X\"", "eval", id="eval of unknown text"),
    pytest.param('SHELL ["/bin/bash", "-e", "-c"]\nRUN a && { b; c; }', "SHELL", id="a group last under a -e shell"),
    pytest.param('SHELL ["/bin/sh", "-o", "errexit", "-c"]\nRUN a && for x in 1 2; do b; done', "SHELL", id="a loop last under -o errexit"),
    pytest.param("SHELL /bin/bash -e -c\nRUN a && { b; c; }", "SHELL", id="a shell-form SHELL cannot be read"),
    pytest.param('SHELL ["pwsh", "-Command"]\nRUN a && b', "POSIX", id="powershell has no POSIX &&"),
    pytest.param("RUN a; b", "chain", id="a ; list is not one chain"),
]


@pytest.mark.parametrize("text", APPENDABLE)
def test_appendable(text):
    assert _blocker(text) is None


@pytest.mark.parametrize(("text", "reason"), BLOCKED)
def test_blocked(text, reason):
    assert reason in (_blocker(text) or "")


def test_a_stage_inherits_the_shell_of_the_stage_it_is_built_from():
    doc = Document('FROM debian AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nRUN a\nFROM debian\nRUN b\n')
    runs = [i for i in doc.instructions if i.cmd == "RUN"]
    assert doc.image.scope(runs[0]).shell == ("/bin/bash", "-c")
    assert doc.image.scope(runs[1]).shell == ("/bin/sh", "-c")
