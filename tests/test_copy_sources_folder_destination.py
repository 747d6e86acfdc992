"""DO272: no-op and fix tables (transforms/copy_sources_folder_destination.py)."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.context import BuildContext
from tests.rule_tables import assert_fixes, assert_leaves_alone, assert_message

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('COPY a.txt b.txt /app/', id='already a folder destination'),
    pytest.param('COPY a.txt /app', id='one source'),
    pytest.param('COPY *.txt /app', id='one wildcard, no context to count its matches'),
    pytest.param('COPY ["a.txt", "b.txt", "/app/"]', id='JSON form with the slash'),
    pytest.param('ADD https://x.org/a https://x.org/b /app', id='ADD of URLs'),
]

FIX = [
    pytest.param('WORKDIR /app\nCOPY a.txt b.txt /app', 'WORKDIR /app\nCOPY a.txt b.txt /app/', 'safe', id='the WORKDIR'),
    pytest.param('WORKDIR /app/src\nCOPY a b /app', 'WORKDIR /app/src\nCOPY a b /app/', 'safe', id='a parent of the WORKDIR'),
    pytest.param('WORKDIR /app\nCOPY a b .', 'WORKDIR /app\nCOPY a b ./', 'safe', id='dot'),
    pytest.param('COPY a b /usr/local/bin', 'COPY a b /usr/local/bin/', 'safe', id='a system folder of Debian'),
    pytest.param('COPY x/ /etc/app/\nCOPY a b /etc/app', 'COPY x/ /etc/app/\nCOPY a b /etc/app/', 'safe', id='an earlier copy into it'),
    pytest.param('COPY ["a", "b", "/app/."]', 'COPY ["a", "b", "/app/./"]', 'unsafe', id='JSON form ending in /. (BuildKit makes it a file)'),
    pytest.param('WORKDIR /app\nCOPY ["a", "b", "/app"]', 'WORKDIR /app\nCOPY ["a", "b", "/app/"]', 'safe', id='JSON form'),
    pytest.param('COPY a b "/usr/bin"', 'COPY a b "/usr/bin/"', 'safe', id='inside quotes'),
    pytest.param('COPY a b /data', 'COPY a b /data/', 'unsafe', id='a new destination'),
    pytest.param('COPY --from=build /a /b /out', 'COPY --from=build /a /b /out/', 'unsafe', id='from a stage'),
]


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    assert_leaves_alone("DO272", FROM + body + "\n")


@pytest.mark.parametrize(("body", "expected", "safety"), FIX)
def test_fixes(body, expected, safety):
    result = assert_fixes("DO272", FROM + body + "\n", FROM + expected + "\n")
    assert [fix.safety.value for fix in result.applied] == [safety]


def test_context_decides_wildcards_and_folders(tmp_path):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(name)
    (tmp_path / "conf").mkdir()
    (tmp_path / "more").mkdir()
    source = FROM + "COPY *.txt /texts\nCOPY c*.md /one\nCOPY conf more /srv/app\n"
    result = dockopt.fix(source, select=["DO272"], unsafe_fixes=True, context=BuildContext(tmp_path))
    assert result.output == FROM + "COPY *.txt /texts/\nCOPY c*.md /one\nCOPY conf more /srv/app/\n"
    assert [(fix.line, fix.safety.value) for fix in result.applied] == [(2, "unsafe"), (4, "safe")]


def test_message():
    assert_message("DO272", FROM + "COPY a b /data\n",
                   "end `/data` with `/` so the files land inside the folder (unsafe: BuildKit made `/data` a file holding the last source)",
                   "unsafe")
