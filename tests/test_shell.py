"""The shell view of RUN bodies: commands, operators, subshells, and positions in the file."""

from __future__ import annotations

import pytest

from dockopt.document import Document
from dockopt.shell import parse_script


def view(body: str, prefix: str = "FROM d\n"):
    doc = Document(prefix + body)
    return doc, doc.shell(doc.instructions[-1])


def test_commands_with_static_arguments():
    _, shell = view("RUN apt-get install -y --no-install-recommends curl 'ca-certificates' \"git\"\n")
    [command] = shell.commands
    assert command.name == "apt-get"
    assert command.args == ("install", "-y", "--no-install-recommends", "curl", "ca-certificates", "git")
    assert command.has_arg("-y")


def test_arguments_that_expand_are_none():
    _, shell = view('RUN pip install "$PKG" ${EXTRA} plain `cat list` "a$(b)"\n')
    assert shell.commands[0].args[:3] == ("install", None, None)
    assert shell.commands[0].args[3] == "plain"
    assert shell.commands[0].args[4:] == (None, None)


def test_assignments_before_a_command():
    _, shell = view("RUN DEBIAN_FRONTEND=noninteractive apt-get update\n")
    [command] = shell.commands
    assert command.name == "apt-get" and command.assignments == ("DEBIAN_FRONTEND=noninteractive",)


def test_case_statements_are_parsed_with_their_commands():
    _, shell = view('RUN case "$(uname -m)" in x86_64) arch=amd64;; aarch64) echo arm;; *) exit 1;; esac\n')
    assert not shell.has_error
    assert [c.name for c in shell.commands] == ["uname", "echo", "exit"]
    assert shell.statements()[0][0].type == "case_statement"


def test_subshells_pipes_and_operators():
    _, shell = view("RUN (cd /src && make) | tee build.log || true; echo done &\n")
    assert [c.name for c in shell.commands] == ["cd", "make", "tee", "true", "echo"]
    assert shell.top_level_operators == frozenset({"|", "||", ";", "&"})
    assert shell.and_chain() is None
    assert any(node.type == "subshell" for node in shell.walk())


@pytest.mark.parametrize(
    "body, operators",
    [
        pytest.param("RUN a && b && c\n", {"&&"}, id="an-and-chain"),
        pytest.param("RUN a; b\n", {";"}, id="a-semicolon"),
        pytest.param("RUN a || b\n", {"||"}, id="an-or"),
        pytest.param("RUN a | b\n", {"|"}, id="a-pipe"),
        pytest.param("RUN a\n", set(), id="a-lone-command"),
    ],
)
def test_top_level_operators(body, operators):
    _, shell = view(body)
    assert shell.top_level_operators == frozenset(operators)


def test_and_chain_parts():
    _, shell = view("RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n")
    parts = shell.and_chain()
    assert [shell.text(p) for p in parts] == ["apt-get update", "apt-get install -y curl", "rm -rf /var/lib/apt/lists/*"]


def test_positions_map_back_through_continuations_and_comment_lines():
    doc, shell = view(
        "RUN --mount=type=cache,target=/var/cache/apt \\\n"
        "    apt-get update \\\n"
        "    # a comment line BuildKit drops\n"
        "    && apt-get install -y \\\n"
        "       curl\n"
    )
    update, install = shell.commands
    assert shell.position(update.node) == (2, 4)
    assert shell.position(install.node) == (4, 7)
    curl = install.node.children[-1]
    assert shell.text(curl) == "curl"
    assert shell.position(curl) == (5, 7)
    assert doc.lines[5][7:11] == "curl"


def test_positions_under_a_backtick_escape_and_crlf():
    doc, shell = view("RUN echo a `\r\n  && echo b\r\n", prefix="# escape=`\r\nFROM d\r\n")
    first, second = shell.commands
    assert shell.position(first.node) == (2, 4)
    assert shell.position(second.node) == (3, 5)


def test_non_ascii_text_keeps_character_offsets():
    _, shell = view("RUN echo 'h\u00e9llo w\u00f6rld' && touch /tmp/\u2603\n")
    echo, touch = shell.commands
    assert echo.args == ("h\u00e9llo w\u00f6rld",)
    assert touch.args == ("/tmp/\u2603",)
    assert shell.script[touch.start : touch.end] == "touch /tmp/\u2603"


def test_onbuild_run_has_a_shell_view_and_other_forms_do_not():
    doc = Document('FROM d\nONBUILD RUN make\nRUN ["make"]\nCMD make\nRUN <<EOT\nmake\nEOT\n')
    onbuild, exec_run, cmd, heredoc = doc.instructions[1:]
    assert [c.name for c in doc.shell(onbuild).commands] == ["make"]
    assert doc.shell(exec_run) is None
    assert doc.shell(cmd) is None
    assert doc.shell(heredoc) is None


def test_syntax_errors_are_flagged_not_raised():
    _, shell = view("RUN echo 'unterminated\n")
    assert shell.has_error


def test_parse_script_for_other_shell_text():
    tree = parse_script("if [ -f x ]; then echo y; fi")
    assert tree.root_node.children[0].type == "if_statement"


@pytest.mark.parametrize(
    ("body", "operators"),
    [
        pytest.param("a || b > f", {"||"}, id="an-or-list-with-a-trailing-redirect-still-shows-its-operator"),
        pytest.param("a && b 2>/dev/null", {"&&"}, id="an-and-list-with-a-trailing-redirect-still-shows-its-operator"),
    ],
)
def test_operators_seen_through_a_redirect(body, operators):
    doc = Document(f"FROM a\nRUN {body}\n")
    view = doc.shell(doc.instructions[1])
    assert view.top_level_operators == operators


def test_a_trailing_redirect_belongs_to_the_last_part_of_an_and_chain():
    doc = Document("FROM a\nRUN a && b 2>/dev/null\n")
    view = doc.shell(doc.instructions[1])
    assert [view.text(part) for part in view.and_chain()] == ["a", "b"]  # bash: `a && { b 2>/dev/null; }`
    assert view.script[: view.chain_end()] == "a && b 2>/dev/null"


def test_an_or_list_with_a_redirect_is_not_an_and_chain():
    doc = Document("FROM a\nRUN a || b > f\n")
    assert doc.shell(doc.instructions[1]).and_chain() is None
