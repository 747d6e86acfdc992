"""DO101 maintainer-to-label: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.transform import Safety
from tests.rule_tables import table_tests


def run(source: str, **options):
    return dockopt.fix(source, select=["DO101"], unsafe_fixes=True, **options)


NO_OP = [
    pytest.param("FROM debian\nLABEL maintainer=jo\n", id="an-existing-label-is-left-alone"),
    pytest.param("FROM debian\n# MAINTAINER jo\nRUN true\n", id="a-commented-out-maintainer-is-not-an-instruction"),
    pytest.param("FROM debian\nRUN <<EOT\nMAINTAINER jo\nEOT\n", id="maintainer-inside-a-heredoc-body-is-not-touched"),
    pytest.param("FROM debian\nRUN echo MAINTAINER jo\n", id="the-word-inside-a-run-is-not-an-instruction"),
]

FIXES = [
    pytest.param("FROM debian\nMAINTAINER Jo <jo@x.org>\n", 'FROM debian\nLABEL maintainer="Jo <jo@x.org>"\n',
                 id="the-name-becomes-a-quoted-label-value"),
    pytest.param("from debian\nmaintainer jo\n", 'from debian\nlabel maintainer="jo"\n', id="a-lowercase-keyword-stays-lowercase"),
    pytest.param("FROM debian\n\tMAINTAINER jo\n", 'FROM debian\n\tLABEL maintainer="jo"\n', id="indentation-is-kept"),
    pytest.param("FROM debian\nMAINTAINER $HOME\n", 'FROM debian\nLABEL maintainer="\\$HOME"\n',
                 id="a-dollar-is-escaped-so-label-does-not-expand-it"),
    pytest.param('FROM debian\nMAINTAINER say "hi"\n', 'FROM debian\nLABEL maintainer="say \\"hi\\""\n',
                 id="double-quotes-are-escaped"),
    pytest.param("FROM debian\nMAINTAINER a\\b\n", 'FROM debian\nLABEL maintainer="a\\\\b"\n', id="a-backslash-is-doubled"),
    pytest.param("# escape=`\nFROM debian\nMAINTAINER C:\\a `$x\n", '# escape=`\nFROM debian\nLABEL maintainer="C:\\a ```$x"\n',
                 id="under-a-backtick-escape-the-backtick-escapes-and-backslash-is-literal"),
    pytest.param("FROM debian\nMAINTAINER Jo \\\n  # lead\n  Doe\n", 'FROM debian\n  # lead\nLABEL maintainer="Jo   Doe"\n',
                 id="a-continued-maintainer-joins-as-buildkit-reads-it-and-keeps-its-comment"),
    pytest.param("FROM debian\r\nMAINTAINER jo\r\nRUN true\r\n", 'FROM debian\r\nLABEL maintainer="jo"\r\nRUN true\r\n',
                 id="crlf-line-endings-are-kept"),
    pytest.param("FROM debian\nMAINTAINER jo", 'FROM debian\nLABEL maintainer="jo"', id="a-missing-final-newline-stays-missing"),
]


test_leaves_alone, test_fixes = table_tests("DO101", NO_OP, FIXES, quiet=True)


def test_the_fix_is_unsafe_because_the_image_labels_change():
    result = dockopt.fix("FROM debian\nMAINTAINER jo\n", select=["DO101"])
    assert not result.changed
    assert [f.safety for f in result.fixes] == [Safety.UNSAFE]


def test_hadolint_pragma_suppresses_it():
    source = "FROM debian\n# hadolint ignore=DL4000\nMAINTAINER jo\n"
    assert run(source).output == source
