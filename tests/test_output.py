"""The diff, the SARIF replacements, colour and GitHub escaping, on exact strings."""

from __future__ import annotations

import pytest

from dockopt.diffs import header_path, unified_diff
from dockopt.output import _gh_data, _gh_property
from dockopt.reporting import color_diff
from dockopt.text import split_lines


def apply_hunks(before: str, found: list[dict]) -> str:
    """Apply SARIF-style line/column replacements, as a code-scanning client would."""
    lines = split_lines(before)
    # (line, column) -> offset; columns are 1-based and count characters of the line.
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    text = before
    for hunk in sorted(found, key=lambda h: (h["region"]["startLine"], h["region"]["startColumn"]), reverse=True):
        region = hunk["region"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + hunk["text"] + text[end:]
    return text


def test_diff_has_a_b_headers_and_no_timestamps():
    diff = unified_diff("Dockerfile", "FROM a\nMAINTAINER x\n", "FROM a\nLABEL maintainer=x\n")
    assert diff == (
        "--- a/Dockerfile\n"
        "+++ b/Dockerfile\n"
        "@@ -1,2 +1,2 @@\n"
        " FROM a\n"
        "-MAINTAINER x\n"
        "+LABEL maintainer=x\n"
    )


def test_diff_keeps_crlf_line_endings_inside_the_lines():
    diff = unified_diff("Dockerfile", "FROM a\r\nMAINTAINER x\r\n", "FROM a\r\nLABEL maintainer=x\r\n")
    assert "-MAINTAINER x\r\n+LABEL maintainer=x\r\n" in diff
    assert diff.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n")


def test_diff_marks_a_missing_final_newline():
    diff = unified_diff("Dockerfile", "FROM a\nMAINTAINER x", "FROM a\nLABEL maintainer=x")
    assert diff.endswith("-MAINTAINER x\n\\ No newline at end of file\n+LABEL maintainer=x\n\\ No newline at end of file\n")


def test_diff_splits_only_on_newlines_not_on_other_unicode_breaks():
    before = "FROM a\nLABEL note=\"x\u2028y\"\nMAINTAINER x\n"
    after = "FROM a\nLABEL note=\"x\u2028y\"\nLABEL maintainer=x\n"
    assert " LABEL note=\"x\u2028y\"\n" in unified_diff("D", before, after)


@pytest.mark.parametrize(
    ("path", "header"),
    [
        pytest.param("Dockerfile", "Dockerfile", id="a-plain-name-stays"),
        pytest.param("./app/Dockerfile", "app/Dockerfile", id="a-leading-dot-slash-goes"),
        pytest.param("/abs/Dockerfile", "abs/Dockerfile", id="a-leading-slash-goes"),
    ],
)
def test_header_path(path, header):
    assert header_path(path) == header


def test_color_diff_colours_lines_and_keeps_endings():
    coloured = color_diff("--- a/D\n+++ b/D\n@@ -1 +1 @@\n-A\r\n+B\r\n")
    assert "\x1b[31m-A\x1b[0m\r\n" in coloured
    assert "\x1b[32m+B\x1b[0m\r\n" in coloured
    assert "\x1b[36m@@ -1 +1 @@\x1b[0m\n" in coloured


def test_github_annotations_escape_what_would_break_the_command():
    assert _gh_data("50% done\nnext") == "50%25 done%0Anext"
    assert _gh_property("a:b,c") == "a%3Ab%2Cc"
