"""DO108 no-empty-continuation: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests


NO_OP = [
    pytest.param("FROM debian\nRUN a && \\\n  # note\n  b\n", id="a-comment-line-inside-is-not-empty"),
    pytest.param("FROM debian\n\nRUN a\n\nRUN b\n", id="blank-lines-between-instructions"),
    pytest.param("FROM debian\nRUN <<EOF\na\n\nb\nEOF\n", id="a-blank-line-in-a-heredoc-body-is-content"),
]

FIXES = [
    pytest.param("FROM debian\nRUN a && \\\n\n  b\n", "FROM debian\nRUN a && \\\n  b\n", id="an-empty-line"),
    pytest.param("FROM debian\nRUN a && \\\n  \t\n  b\n", "FROM debian\nRUN a && \\\n  b\n", id="a-whitespace-only-line"),
    pytest.param("FROM debian\nRUN a && \\\n\n  # note\n\n  b\n", "FROM debian\nRUN a && \\\n  # note\n  b\n",
                 id="empty-lines-around-a-comment"),
    pytest.param("# escape=`\nFROM debian\nRUN a `\n\n  b\n", "# escape=`\nFROM debian\nRUN a `\n  b\n", id="backtick-escape"),
    pytest.param("FROM debian\r\nRUN a \\\r\n\r\n  b\r\n", "FROM debian\r\nRUN a \\\r\n  b\r\n", id="crlf"),
]


test_leaves_alone, test_fixes = table_tests("DO108", NO_OP, FIXES, quiet=True)
