"""The image model (dockopt.image) and Docker's word processing (dockopt.words)."""

from __future__ import annotations

import textwrap

import pytest

from dockopt.document import Document
from dockopt.image import Reads
from dockopt.words import expand, process_word

VARIABLES = {"A": "x", "EMPTY": "", "NODEFAULT": None}

WORDS = [
    pytest.param("$A", "x", id="a-plain-variable"),
    pytest.param("${A}/bin", "x/bin", id="braces"),
    pytest.param("${MISSING:-d}", None, id="an-unknown-variable-is-unknown-even-with-a-default"),
    pytest.param("${EMPTY:-d}", "d", id="colon-dash-replaces-an-empty-value"),
    pytest.param("${EMPTY-d}", "", id="dash-keeps-an-empty-value"),
    pytest.param("${A:+y}", "y", id="colon-plus-gives-the-alternative-when-set"),
    pytest.param("${NODEFAULT}", None, id="an-arg-without-default-is-unknown"),
    pytest.param('"q $A"', "q x", id="double-quotes-expand-and-go"),
    pytest.param("'$A'", "$A", id="single-quotes-keep-the-text"),
    pytest.param("a\\ b", "a b", id="the-escape-character-escapes-a-space"),
    pytest.param("\\$A", "$A", id="an-escaped-dollar-is-literal"),
    pytest.param("${A#x}", None, id="pattern-removal-is-not-evaluated"),
]


@pytest.mark.parametrize("text, expected", WORDS)
def test_process_word(text, expected):
    assert process_word(text, VARIABLES) == expected


def test_expand_keeps_unknown_variables_and_quotes():
    assert expand('"$A" $B ${A}', VARIABLES) == '"x" $B x'


def test_backtick_is_the_escape_when_the_file_says_so():
    assert process_word("a`$A", VARIABLES, escape="`") == "a$A"


def doc(text: str) -> Document:
    return Document(textwrap.dedent(text).lstrip("\n"))


def test_scopes_follow_workdir_arg_env_user_and_shell():
    d = doc(
        """
        ARG BASE=python:3.12-slim
        FROM ${BASE} AS base
        ARG APP=/srv
        ENV HOME_DIR=$APP/home
        WORKDIR $APP
        WORKDIR app
        USER 1000
        SHELL ["/bin/bash", "-c"]
        RUN true
        FROM base
        RUN true
        """
    )
    image = d.image
    run, later = [i for i in d.instructions if i.cmd == "RUN"]
    scope = image.scope(run)
    assert scope.workdir == "/srv/app" and scope.user == "1000" and scope.shell == ("/bin/bash", "-c")
    assert scope.variables["HOME_DIR"] == "/srv/home"
    assert image.stage(0).base_image == "python:3.12-slim"
    # a stage built FROM another inherits its WORKDIR, ENV, USER and SHELL, not its ARGs
    inherited = image.scope(later)
    assert inherited.workdir == "/srv/app" and inherited.user == "1000" and "APP" not in inherited.variables
    assert image.parent(d.stages[1]) is d.stages[0] and image.chain(d.stages[1]) == d.stages


def test_global_args_reach_a_stage_only_when_declared_again():
    d = doc(
        """
        ARG VERSION=1.2
        FROM debian:bookworm
        RUN echo $VERSION
        ARG VERSION
        RUN echo $VERSION
        """
    )
    first, second = [i for i in d.instructions if i.cmd == "RUN"]
    assert "VERSION" not in d.image.scope(first).variables
    assert d.image.scope(second).variables["VERSION"] == "1.2"


def test_a_base_image_s_own_config_starts_the_stage():
    d = doc("FROM golang:1.22\nRUN go build\nFROM gcr.io/distroless/static-debian12:nonroot\nCMD [\"/app\"]\n")
    assert d.image.scope(d.instructions[1]).workdir == "/go"
    assert d.image.scope(d.instructions[1]).variables["GOPATH"] == "/go"
    assert d.image.user(d.stages[1]) == "65532"


def test_copies_map_context_files_both_ways():
    d = doc(
        """
        FROM python:3.12-slim
        WORKDIR /srv
        COPY src/ ./app/
        COPY ["entrypoint.sh", "/usr/local/bin/"]
        COPY requirements*.txt ./
        COPY --from=0 /x /y
        """
    )
    stage = d.stages[0]
    image = d.image
    assert image.container_path(stage, "src/pkg/mod.py") == "/srv/app/pkg/mod.py"
    assert image.context_path(stage, "/srv/app/pkg/mod.py") == "src/pkg/mod.py"
    assert image.context_path(stage, "/usr/local/bin/entrypoint.sh") == "entrypoint.sh"
    assert image.container_path(stage, "requirements-dev.txt") == "/srv/requirements-dev.txt"
    assert [c.from_context for c in image.copies(stage)] == [True, True, True, False]


def test_what_a_run_can_read_of_the_context():
    d = doc(
        """
        FROM python:3.12-slim
        RUN pip install flask
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY . .
        RUN python -m compileall .
        RUN --mount=type=bind,target=/src make -C /src
        """
    )
    runs = [i for i in d.instructions if i.cmd == "RUN"]
    assert [d.image.reads(run) for run in runs] == [Reads.NOTHING, Reads.FILES, Reads.SOURCE, Reads.SOURCE]


def test_what_starts_follows_the_chain_and_unwraps():
    d = doc(
        """
        FROM python:3.12-slim AS base
        ENTRYPOINT ["tini", "--", "entrypoint.sh"]
        FROM base
        CMD gunicorn -b :8000 app:app
        """
    )
    assert d.image.start_commands(d.final_stage) == [["entrypoint.sh"], ["gunicorn", "-b", ":8000", "app:app"]]
    assert d.image.start_instruction(d.final_stage).cmd == "CMD"


def test_an_entrypoint_resets_the_cmd_it_inherits():
    d = doc('FROM x AS a\nCMD ["serve"]\nFROM a\nENTRYPOINT ["run"]\n')
    assert d.image.stage(1).cmd is None and d.image.start_commands(d.final_stage) == [["run"]]


def test_descendants_and_used_stages():
    d = doc("FROM a AS one\nFROM one AS two\nFROM b AS other\nFROM two\nCOPY --from=other /x /x\n")
    image = d.image
    assert [s.name for s in image.descendants(d.stages[0])] == ["one", "two", None]
    assert image.used_stages() == {0, 1, 2, 3}
