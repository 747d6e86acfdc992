"""DO104 consistent-instruction-casing: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import table_tests


NO_OP = [
    pytest.param("FROM debian\nRUN a\nCOPY a /a\n", id="an-all-upper-case-file"),
    pytest.param("from debian\nrun a\ncopy a /a\n", id="an-all-lower-case-file-stays-byte-identical"),
    pytest.param("arg V=1\nFROM debian\nRUN a\n", id="an-arg-above-the-first-from-is-not-counted-as-buildkit-does"),
    pytest.param("FROM debian\nRUN <<EOF\nrun a\nEOF\n", id="a-keyword-inside-a-heredoc-body-is-not-an-instruction"),
]

FIXES = [
    pytest.param("FROM debian\nRUN a\nrun b\n", "FROM debian\nRUN a\nRUN b\n", id="the-lower-case-minority-goes-upper"),
    pytest.param("from debian\nrun a\nRUN b\n", "from debian\nrun a\nrun b\n", id="the-upper-case-minority-goes-lower"),
    pytest.param("FROM debian\nrun a\n", "FROM debian\nRUN a\n", id="a-tie-goes-upper-case-as-in-buildkit"),
    pytest.param("FROM debian\nRun a\n", "FROM debian\nRUN a\n", id="a-mixed-case-keyword-is-fixed"),
    pytest.param("from debian\nRun a\n", "from debian\nrun a\n", id="a-mixed-case-keyword-in-a-lower-case-file-goes-lower"),
    pytest.param("FROM debian\nRUN a\n  run b && \\\n  c\n", "FROM debian\nRUN a\n  RUN b && \\\n  c\n",
                 id="indentation-and-continuation-lines-are-kept"),
    pytest.param("FROM debian\r\nRUN a\r\nrun b\r\n", "FROM debian\r\nRUN a\r\nRUN b\r\n", id="crlf-is-kept"),
    pytest.param("FROM debian\nRUN a\nonbuild run b", "FROM debian\nRUN a\nONBUILD run b",
                 id="only-the-onbuild-keyword-is-checked-as-in-buildkit-and-no-final-newline-stays"),
]


test_leaves_alone, test_fixes = table_tests("DO104", NO_OP, FIXES, quiet=True)


def test_the_buildkit_name_selects_it():
    assert dockopt.fix("FROM debian\nrun a\n", select=["ConsistentInstructionCasing"]).output == "FROM debian\nRUN a\n"
