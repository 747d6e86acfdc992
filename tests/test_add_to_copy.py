"""DO102 add-to-copy: ADD becomes COPY only where ADD's extra behaviour cannot apply."""

from __future__ import annotations

import io
import tarfile

import pytest

import dockopt
from tests.rule_tables import assert_fixes, assert_leaves_alone, assert_says_why


def run(source: str, context=None):
    return dockopt.fix(source, select=["DO102"], context=context)


NO_OP = [
    pytest.param("FROM d\nADD rootfs.tar.xz /\n", id="a-tar-archive-is-unpacked-by-add-so-it-stays"),
    pytest.param("FROM d\nADD a.TGZ /\n", id="archive-names-are-matched-without-case"),
    pytest.param("FROM d\nADD data.gz /\n", id="a-compressed-file-could-hold-a-tar-so-it-stays"),
    pytest.param("FROM d\nADD app.py vendor.tar.bz2 /app/\n", id="one-archive-among-several-sources-keeps-add"),
    pytest.param("FROM d\nADD https://example.com/tool /usr/bin/tool\n", id="a-url-stays"),
    pytest.param("FROM d\nADD git@github.com:org/repo.git /src\n", id="an-scp-style-git-reference-stays"),
    pytest.param("FROM d\nADD https://github.com/org/repo.git#main /src\n", id="a-git-url-with-a-ref-stays"),
    pytest.param("FROM d\nADD $SRC /app/\n", id="a-variable-could-name-a-url-or-archive-so-it-stays"),
    pytest.param("FROM d\nADD ${SRC}/x /app/\n", id="a-braced-variable-stays"),
    pytest.param("FROM d\nADD *.txt /app/\n", id="a-glob-without-a-context-could-match-an-archive-so-it-stays"),
    pytest.param("FROM d\nADD --checksum=sha256:abc https://e.com/a /a\n", id="checksum-means-add"),
    pytest.param("FROM d\nADD --keep-git-dir=true https://e.com/r.git /r\n", id="keep-git-dir-means-add"),
    pytest.param("FROM d\nADD --unpack=false a.tar /a\n", id="an-unknown-add-flag-keeps-add"),
    pytest.param("FROM d\nADD <<EOF /etc/motd\nhello\nEOF\n", id="a-heredoc-add-stays"),
    pytest.param('FROM d\nADD "a b" /c\n', id="quoted-shell-form-sources-are-not-guessed-at"),
    pytest.param("FROM d\nONBUILD ADD bundle.tar /opt/\n", id="an-onbuild-archive-stays"),
    pytest.param("FROM d\nCOPY a /b\n", id="copy-is-already-copy"),
]

FIXES = [
    pytest.param("FROM d\nADD app.py /app/\n", "FROM d\nCOPY app.py /app/\n", id="a-local-file-becomes-copy"),
    pytest.param("FROM d\nADD . /app\n", "FROM d\nCOPY . /app\n", id="the-whole-context-becomes-copy"),
    pytest.param("FROM d\nADD src/ /app/src/\n", "FROM d\nCOPY src/ /app/src/\n", id="a-folder-becomes-copy"),
    pytest.param("FROM d\nadd a.txt b\n", "FROM d\ncopy a.txt b\n", id="a-lowercase-keyword-stays-lowercase"),
    pytest.param("FROM d\nAdd a.txt b\n", "FROM d\nCopy a.txt b\n", id="a-capitalised-keyword-stays-capitalised"),
    pytest.param("FROM d\nADD --chown=app:app --chmod=640 --link a.sh /b\n", "FROM d\nCOPY --chown=app:app --chmod=640 --link a.sh /b\n",
                 id="chown-chmod-and-link-are-kept"),
    pytest.param('FROM d\nADD ["my file.ini", "/c/"]\n', 'FROM d\nCOPY ["my file.ini", "/c/"]\n', id="the-json-form-becomes-copy"),
    pytest.param("FROM d\nADD site.zip /srv/\n", "FROM d\nCOPY site.zip /srv/\n", id="a-zip-is-not-unpacked-by-add-so-it-becomes-copy"),
    pytest.param("FROM d\n  ADD a.conf \\\n  # why\n  /b\n", "FROM d\n  COPY a.conf \\\n  # why\n  /b\n",
                 id="only-the-keyword-changes-in-a-continued-instruction"),
    pytest.param("# escape=`\nFROM d\nADD a.conf `\n  /b\n", "# escape=`\nFROM d\nCOPY a.conf `\n  /b\n", id="a-backtick-escape-file-keeps-its-continuation"),
    pytest.param("FROM d\r\nADD a.conf /b\r\n", "FROM d\r\nCOPY a.conf /b\r\n", id="crlf-line-endings-are-kept"),
    pytest.param("FROM d\nADD a.conf /b", "FROM d\nCOPY a.conf /b", id="a-missing-final-newline-stays-missing"),
]


@pytest.mark.parametrize("source", NO_OP)
def test_leaves_alone(source):
    result = assert_leaves_alone("DO102", source, unsafe_fixes=False)
    assert not result.applied and all(f.is_finding for f in result.fixes)  # a kept local ADD says why


@pytest.mark.parametrize("source, expected", FIXES)
def test_fixes(source, expected):
    assert_fixes("DO102", source, expected, unsafe_fixes=False)


def _tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"hi\n"
        info = tarfile.TarInfo("x")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


CONTEXT_CASES = [
    pytest.param("ADD payload /opt/\n", "ADD payload /opt/\n", id="a-tar-without-an-archive-name-is-found-by-its-content"),
    pytest.param("ADD packed /opt/\n", "ADD packed /opt/\n", id="compressed-content-is-found-by-its-magic-number"),
    pytest.param("ADD notes.txt /opt/\n", "COPY notes.txt /opt/\n", id="a-text-file-in-the-context-becomes-copy"),
    pytest.param("ADD conf/*.ini /etc/\n", "COPY conf/*.ini /etc/\n", id="a-glob-whose-matches-are-all-plain-becomes-copy"),
    pytest.param("ADD bin/* /opt/\n", "ADD bin/* /opt/\n", id="a-glob-that-matches-an-archive-stays"),
    pytest.param("ADD nothing-here-* /opt/\n", "ADD nothing-here-* /opt/\n", id="a-glob-that-matches-nothing-stays"),
    pytest.param("ADD vendor /opt/\n", "COPY vendor /opt/\n", id="a-folder-holding-archives-becomes-copy-as-add-does-not-unpack-them"),
    pytest.param("ADD LICENSE /opt/\n", "COPY LICENSE /opt/\n", id="a-plain-file-with-no-extension-is-checked-and-becomes-copy"),
    pytest.param("ONBUILD ADD LICENSE /opt/\n", "ONBUILD ADD LICENSE /opt/\n",
                 id="onbuild-is-not-judged-by-this-builds-context"),
]


@pytest.mark.parametrize("line, expected", CONTEXT_CASES)
def test_with_a_build_context(tmp_path, line, expected):
    (tmp_path / "payload").write_bytes(_tar_bytes())
    (tmp_path / "packed").write_bytes(b"\x1f\x8b\x08\x00rest")
    (tmp_path / "notes.txt").write_text("notes\n")
    (tmp_path / "LICENSE").write_text("MIT\n")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "a.ini").write_text("[a]\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "tool").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "blob").write_bytes(_tar_bytes())
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.tar").write_bytes(_tar_bytes())
    assert_fixes("DO102", "FROM d\n" + line, "FROM d\n" + expected, unsafe_fixes=False, context=tmp_path)


def test_the_fix_is_safe():
    result = run("FROM d\nADD app.py /b\n")
    assert [(f.code, f.safety.value, f.applied) for f in result.fixes] == [("DO102", "safe", True)]


def test_a_file_with_no_extension_and_no_context_to_check_is_an_unsafe_fix():
    source = "FROM d\nADD payload /opt/\n"
    [fix] = run(source).fixes
    assert (fix.safety.value, fix.applied) == ("unsafe", False)
    assert "payload could be a tar archive" in fix.text
    assert dockopt.fix(source, select=["DO102"], unsafe_fixes=True).output == "FROM d\nCOPY payload /opt/\n"


@pytest.mark.parametrize("pragma", ["# hadolint ignore=DL3020", "# dockopt: ignore=add-to-copy"])
def test_pragmas_suppress_it(pragma):
    source = f"FROM d\n{pragma}\nADD a.txt /b\n"
    assert run(source).output == source


def test_onbuild_add_becomes_copy_only_as_an_unsafe_fix():
    """The image stores ONBUILD triggers as text: the rewrite changes its config (found by equiv.py)."""
    source = "FROM d\nONBUILD ADD . /app\n"
    assert dockopt.fix(source, select=["DO102"]).output == source
    result = dockopt.fix(source, select=["DO102"], unsafe_fixes=True)
    assert result.output == "FROM d\nONBUILD COPY . /app\n"
    assert [f.safety.value for f in result.fixes] == ["unsafe"]


# A local ADD that stays ADD (what hadolint's DL3020 flags) says why.
KEPT = [
    pytest.param("ADD sub/* /sub/\n", "could match a tar archive", id="a glob without the build context"),
    pytest.param("ADD $SRC /app/\n", "holds a variable", id="a variable source"),
    pytest.param("ADD --keep-git-dir ./ /src\n", "`--keep-git-dir` is a flag of ADD only", id="an ADD-only flag"),
]


@pytest.mark.parametrize(("body", "fragment"), KEPT)
def test_says_why_add_stays(body, fragment):
    assert_says_why("DO102", "FROM debian\n" + body, None, fragment)


@pytest.mark.parametrize("body", ["ADD https://example.com/a.txt /a\n", "ADD rootfs.tar.xz /\n", "ADD git@github.com:o/r.git /r\n"])
def test_a_proper_add_needs_no_reason(body):
    assert dockopt.fix("FROM debian\n" + body, select=["DO102"], unsafe_fixes=True).fixes == []
