"""The document model: exact round trip, BuildKit's instruction boundaries, and the views on top."""

from __future__ import annotations

import pytest

from dockopt.document import Document, decode
from dockopt.errors import DockerfileParseError, InputError

ROUND_TRIP = [
    pytest.param(b"FROM debian\nRUN true\n", id="a-plain-file"),
    pytest.param(b"FROM debian\r\nRUN true\r\n", id="crlf-line-endings"),
    pytest.param(b"FROM debian\nRUN true", id="no-final-newline"),
    pytest.param(b"FROM debian\r\nRUN true", id="crlf-and-no-final-newline"),
    pytest.param(b"FROM debian\nRUN a\r\nRUN b\n", id="mixed-line-endings"),
    pytest.param("\ufeffFROM debian\nRUN true\n".encode(), id="a-utf8-bom"),
    pytest.param(b"FROM debian\n\tRUN\ttrue \t\n", id="tabs-and-trailing-whitespace"),
    pytest.param(b"from debian\nrun true\nCoPy a b\n", id="lowercase-and-mixed-case-keywords"),
    pytest.param(b"FROM debian\nRUN a \\\n  # a comment\n\n  && b\n", id="comments-and-blank-lines-inside-a-continuation"),
    pytest.param(b"# escape=`\nFROM debian\nRUN a `\n  b\n", id="a-backtick-escape-character"),
    pytest.param(b"# syntax=docker/dockerfile:1\nFROM debian\nRUN <<EOT\nset -e\necho hi\nEOT\n", id="a-heredoc"),
    pytest.param(b"FROM debian\n\n\n# trailing comment\n\n", id="trailing-blank-lines-and-comments"),
    pytest.param("FROM debian\nLABEL who=\"J\u00f6 \u00e9\u00e8 \u2603\"\n".encode(), id="non-ascii-text"),
]


@pytest.mark.parametrize("data", ROUND_TRIP)
def test_render_without_edits_gives_back_the_input_bytes(data):
    assert Document(decode(data)).render().encode("utf-8") == data


@pytest.mark.parametrize("data", ROUND_TRIP)
def test_lines_join_back_to_the_text(data):
    doc = Document(decode(data))
    assert "".join(doc.lines) == doc.text


def test_heredoc_bodies_are_never_instructions():
    doc = Document("FROM debian\nRUN <<EOT\nset -e\nRUN echo not an instruction\nEOT\nCOPY <<EOF /f\nFROM x\nEOF\nUSER app\n")
    assert [i.cmd for i in doc.instructions] == ["FROM", "RUN", "COPY", "USER"]
    run, copy = doc.instructions[1], doc.instructions[2]
    assert (run.start, run.end) == (1, 4)
    assert [h.name for h in run.heredocs] == ["EOT"]
    assert "set -e" in run.heredocs[0].content
    assert (copy.start, copy.end) == (5, 7)
    assert not run.shell_form
    assert doc.shell(run) is None


def test_parser_directives():
    doc = Document("# syntax=docker/dockerfile:1.7\n# escape=`\n# check=skip=JSONArgsRecommended\n# a comment\nFROM d\n")
    assert [(d.name, d.value, d.line) for d in doc.directives] == [
        ("syntax", "docker/dockerfile:1.7", 0),
        ("escape", "`", 1),
        ("check", "skip=JSONArgsRecommended", 2),
    ]
    assert doc.escape == "`"
    assert doc.directive_end == 3


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# a comment\n# escape=`\nFROM d\n", id="a-directive-after-a-comment-is-a-comment"),
        pytest.param("FROM d\n# escape=`\n", id="a-directive-after-an-instruction-is-a-comment"),
    ],
)
def test_directive_lookalikes_are_comments(text):
    doc = Document(text)
    assert doc.directive("escape") is None
    assert doc.escape == "\\"
    assert doc.directive_end == 0


def test_stages_with_names_bases_and_platforms():
    doc = Document(
        "ARG PY=3.12\nFROM --platform=$BUILDPLATFORM python:${PY} AS Build\nRUN make\n"
        "FROM debian:bookworm\nCOPY --from=build /out /out\nFROM build as test\n"
    )
    assert [(s.index, s.name, s.base, s.platform) for s in doc.stages] == [
        (0, "build", "python:${PY}", "$BUILDPLATFORM"),
        (1, None, "debian:bookworm", None),
        (2, "test", "build", None),
    ]
    assert doc.instructions[0].stage is None  # the ARG before the first FROM
    assert [i.cmd for i in doc.stages[1].instructions] == ["FROM", "COPY"]
    assert doc.final_stage is doc.stages[2]
    assert doc.stage_of(doc.instructions[4]) is doc.stages[1]


def test_flags_and_forms():
    doc = Document(
        "FROM d\nRUN --mount=type=cache,target=/root/.cache --network=none pip install x\n"
        "COPY --from=build --chown=1:1 /a /b\nCMD [\"python\", \"app.py\"]\nENTRYPOINT python app.py\n"
    )
    run, copy, cmd, entrypoint = doc.instructions[1:]
    assert run.flags == ("--mount=type=cache,target=/root/.cache", "--network=none")
    assert run.flag("network") == "none"
    assert run.flags_named("mount") == ["type=cache,target=/root/.cache"]
    assert copy.flag("from") == "build" and copy.flag("chown") == "1:1" and copy.flag("link") is None
    assert cmd.json and cmd.args == ("python", "app.py") and not cmd.shell_form
    assert not entrypoint.json and entrypoint.args == ("python app.py",) and entrypoint.shell_form


def test_keywords_keep_their_case_and_onbuild_names_its_inner_instruction():
    doc = Document("from d\nrun true\nONBUILD copy . /app\n")
    assert [(i.keyword, i.cmd) for i in doc.instructions] == [("from", "FROM"), ("run", "RUN"), ("ONBUILD", "ONBUILD")]
    assert doc.instructions[2].sub_cmd == "COPY"
    assert doc.instructions[1].line == 2


def test_logical_text_joins_continuations_and_drops_comment_lines():
    doc = Document("FROM d\nRUN --mount=type=cache,target=/c apt-get update \\\n    # refresh\n    && apt-get install -y curl\n")
    run = doc.instructions[1]
    logical = doc.logical(run)
    assert logical.text == "RUN --mount=type=cache,target=/c apt-get update     && apt-get install -y curl"
    assert logical.text[logical.body :].startswith("apt-get update")
    install = logical.text.index("apt-get install")
    assert logical.position(install) == (3, 7)
    assert logical.position(0) == (1, 0)
    assert doc.raw(run) == "".join(doc.lines[1:4])
    assert doc.is_continued(1) and not doc.is_continued(3)
    assert doc.comment_lines(run) == ["    # refresh\n"]


def test_one_reading_of_an_instruction_s_text_serves_it_wherever_it_stands():
    # The logical text is kept by raw text: two equal RUNs, and the same RUN moved by an edit
    # above it, each map their characters to their own lines.
    run = "RUN apt-get update \\\n    && apt-get install -y curl\n"
    doc = Document("FROM d\n" + run + "ENV A=1\n" + run)
    first, second = doc.instructions[1], doc.instructions[3]
    at = doc.logical(first).text.index("apt-get install")
    assert doc.logical(first).position(at) == (2, 7)
    assert doc.logical(second).position(at) == (5, 7)
    assert doc.logical(second).lines == (4, 5)
    moved = Document("FROM d\nLABEL a=b\n" + run + "ENV A=1\n" + run, previous=doc, changes=[(1, 1, 1)])
    assert [moved.logical(i).position(at) for i in (moved.instructions[2], moved.instructions[4])] == [(3, 7), (6, 7)]


def test_logical_text_under_a_backtick_escape():
    doc = Document("# escape=`\nFROM d\nRUN echo a `\n  b\n")
    assert doc.logical(doc.instructions[1]).text == "RUN echo a   b"
    assert doc.is_continued(2)


def test_indent_and_instruction_lookup():
    doc = Document("FROM d\n\t  RUN a \\\n  b\n")
    assert doc.indent(1) == "\t  "
    assert doc.instruction_at(2) is doc.instructions[1]
    assert doc.instruction_at(0) is doc.instructions[0]


BAD_TEXT = [
    pytest.param("FROM d\nFROBNICATE x\n", id="an-unknown-instruction"),
    pytest.param("FROM d\nONBUILD ONBUILD RUN x\n", id="onbuild-onbuild"),
    pytest.param("# only a comment\n\n", id="no-instructions"),
    pytest.param('FROM d\nCMD ["a", 1]\n', id="json-with-a-number-in-it"),
]


@pytest.mark.parametrize("text", BAD_TEXT)
def test_text_docker_rejects_is_a_parse_error(text):
    with pytest.raises(DockerfileParseError):
        Document(text)


BAD_BYTES = [
    pytest.param(b"FROM d\x00\n", id="nul-bytes"),
    pytest.param(b"FROM \xff\xfe\n", id="invalid-utf8"),
    pytest.param(b"", id="empty"),
    pytest.param(b" \n\r\n\t", id="only-whitespace"),
    pytest.param(b"FROM d\n" + b"#" * (2 * 1024 * 1024), id="far-too-large"),
]


@pytest.mark.parametrize("data", BAD_BYTES)
def test_bytes_that_are_not_a_dockerfile_are_an_input_error(data):
    with pytest.raises(InputError):
        decode(data)


def test_run_bodies_say_once_what_rules_may_do_with_each_body():
    doc = Document(
        "FROM debian\n"
        "RUN apt-get update\n"
        'RUN ["apt-get", "update"]\n'
        "RUN <<EOF\napt-get update\nEOF\n"
        "RUN if then fi (\n"
        "ONBUILD RUN apt-get install curl\n"
    )
    assert [body.kind for body in doc.run_bodies()] == ["shell", "exec", "heredoc", "unparsed", "onbuild"]
    assert [instruction.line for instruction, _ in doc.shell_views()] == [2]


def test_every_package_manager_rule_leaves_an_onbuild_trigger_alone():
    import dockopt

    source = "FROM debian:bookworm\nONBUILD RUN apt-get update\nONBUILD RUN apt install curl && pip install flask\n"
    result = dockopt.fix(source, select=["DO2"], unsafe_fixes=True)
    assert result.output == source and not result.fixes
