"""DO107 legacy-key-value-format: what it rewrites, what it leaves alone, and that values stay."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.document import Document
from dockopt.words import process_word
from tests.rule_tables import table_tests


def run(source: str):
    return dockopt.fix(source, select=["DO107"], unsafe_fixes=True)


NO_OP = [
    pytest.param("FROM debian\nENV A=b\n", id="the-key-value-form"),
    pytest.param("FROM debian\nENV A=b C=d\nLABEL x=y\n", id="several-pairs"),
    pytest.param("FROM debian\nARG A\n", id="arg-has-no-legacy-form"),
    pytest.param("FROM debian\nENV A 'b c\n", id="an-unclosed-quote-is-left-for-a-person"),
]

FIXES = [
    pytest.param("FROM debian\nENV A b\n", "FROM debian\nENV A=b\n", id="one-word"),
    pytest.param("FROM debian\nENV A b c\n", 'FROM debian\nENV A="b c"\n', id="the-rest-of-the-line-is-one-value"),
    pytest.param("FROM debian\nENV A b   c\n", 'FROM debian\nENV A="b   c"\n', id="inner-spaces-are-kept"),
    pytest.param("FROM debian\nENV A\tb\n", "FROM debian\nENV A=b\n", id="a-tab-separates-the-key"),
    pytest.param("FROM debian\nENV P $HOME/bin:$PATH\n", "FROM debian\nENV P=$HOME/bin:$PATH\n", id="variables-stay"),
    pytest.param("FROM debian\nENV A $B c\n", 'FROM debian\nENV A="$B c"\n', id="variables-expand-in-double-quotes-too"),
    pytest.param('FROM debian\nENV A "b c"\n', 'FROM debian\nENV A="b c"\n', id="a-quoted-value-stays-as-written"),
    pytest.param('FROM debian\nENV A "b" c\n', 'FROM debian\nENV A="b"\\ c\n', id="a-space-outside-quotes-is-escaped"),
    pytest.param("FROM debian\nENV A 'x $y' z\n", "FROM debian\nENV A='x $y'\\ z\n", id="single-quotes-keep-a-dollar-literal"),
    pytest.param("FROM debian\nENV A b\\ c d\n", "FROM debian\nENV A=b\\ c\\ d\n", id="an-escaped-space-stays-escaped"),
    pytest.param('FROM debian\nENV A "say \\"hi\\"" now\n', 'FROM debian\nENV A="say \\"hi\\""\\ now\n',
                 id="escaped-quotes-inside-quotes"),
    pytest.param("# escape=`\nFROM debian\nENV W C:\\a b\n", '# escape=`\nFROM debian\nENV W="C:\\a b"\n',
                 id="under-a-backtick-escape-a-backslash-is-plain"),
    pytest.param("# escape=`\nFROM debian\nENV W 'a' b\n", "# escape=`\nFROM debian\nENV W='a'` b\n",
                 id="under-a-backtick-escape-the-backtick-escapes-the-space"),
    pytest.param("FROM debian\nLABEL description A small tool\n", 'FROM debian\nLABEL description="A small tool"\n', id="label"),
    pytest.param("FROM debian\nENV A b \\\n  # note\n  c\n", 'FROM debian\nENV A="b \\\n  # note\n  c"\n',
                 id="a-continued-value-keeps-its-lines-and-its-comment"),
    pytest.param("FROM debian\nENV A \\\n  b \\\n  c\n", 'FROM debian\nENV A="b \\\n  c"\n',
                 id="the-first-word-of-a-continued-value-moves-up-beside-the-key"),
    pytest.param("FROM debian\nENV A \\\n  b\n", "FROM debian\nENV A=b\n", id="a-continued-single-word-joins"),
    pytest.param("FROM debian\nENV A \\\n  b \\\n  c", 'FROM debian\nENV A="b \\\n  c"', id="no-final-newline"),
    pytest.param('FROM debian\nENV A "b" \\\n  # note\n  c\n', 'FROM debian\n  # note\nENV A="b"\\ \\ \\ c\n',
                 id="a-continued-value-with-quotes-joins-as-buildkit-reads-it-and-keeps-its-comment"),
    pytest.param("FROM debian\r\nENV A b c\r\n", 'FROM debian\r\nENV A="b c"\r\n', id="crlf-is-kept"),
    pytest.param("FROM debian\nenv A b", "FROM debian\nenv A=b", id="lower-case-keyword-and-no-final-newline"),
]


test_leaves_alone, test_fixes = table_tests("DO107", NO_OP, FIXES, quiet=True)


@pytest.mark.parametrize("source, expected", FIXES)
def test_the_value_docker_sets_is_unchanged(source, expected):
    """BuildKit's values before and after, through the same word expansion Docker applies."""
    variables = {"HOME": "/root", "PATH": "/bin", "B": "x y", "y": "Y"}
    before, after = Document(source), Document(run(source).output)
    for old, new in zip(before.instructions, after.instructions):
        if old.cmd in ("ENV", "LABEL"):
            assert new.args[0] == old.args[0]
            assert process_word(new.args[1], variables, after.escape) == process_word(old.args[1], variables, before.escape)


def test_a_value_ending_in_an_escaped_backslash_is_kept_whole():
    source = "FROM debian\nENV C trailing\\\\backslash\\\\\nENV D d\n"
    assert run(source).output == "FROM debian\nENV C=trailing\\\\backslash\\\\\nENV D=d\n"
