"""DO252 copy-chown: COPY then `chown -R` of the same folder becomes COPY --chown."""

from __future__ import annotations

import os
import stat

import pytest

import dockopt
from dockopt.transform import Safety
from tests.rule_tables import assert_leaves_alone, assert_stable

APP = "FROM python:3.11-slim\nRUN useradd app\nWORKDIR /app\n"


def _fix(text: str, context, unsafe: bool = True):
    return assert_stable("DO252", text, unsafe_fixes=unsafe, context=context)


@pytest.fixture
def context(tmp_path):
    (tmp_path / "app.py").write_text("print('hi')\n")
    return tmp_path


NO_OP = [
    pytest.param(APP + "COPY . /app\nRUN chown -R app:app /data\n", id="a-chown-of-another-folder"),
    pytest.param(APP + "COPY . /app\nRUN chown app:app /app\n", id="a-chown-that-is-not-recursive"),
    pytest.param(APP + "COPY . /app\nRUN chown -R app /app\n", id="an-owner-without-a-group-keeps-the-root-group"),
    pytest.param(APP + "COPY . /app\nRUN chown -R app:app /app && chmod -R g+w /app\n", id="a-chmod-r-stores-the-tree-again-anyway"),
    pytest.param(APP + "COPY . /app\nRUN pip install x\nRUN chown -R app:app /app\n", id="a-run-between-may-write-files"),
    pytest.param(APP + "COPY . /app\nUSER app\nRUN chown -R app:app /app\n", id="a-user-between"),
    pytest.param(APP + "COPY --chown=app:app . /app\nRUN chown -R app:app /app\n", id="already-copied-with-an-owner"),
    pytest.param(APP + "COPY . /app\nRUN chown -hR app:app /app\n", id="other-chown-options"),
    pytest.param(APP + "COPY . /app\nRUN chown -R $U /app\n", id="an-owner-that-expands"),
]


@pytest.mark.parametrize("text", NO_OP)
def test_leaves_alone(text, context):
    assert_leaves_alone("DO252", text, context=context)


def test_a_fresh_workdir_is_safe(context):
    text = APP + "COPY . /app\nRUN chown -R app:app /app\nCMD [\"python\", \"app.py\"]\n"
    result = _fix(text, context, unsafe=False)
    assert result.output == APP + "COPY --chown=app:app . /app\nRUN chown app:app /app\nCMD [\"python\", \"app.py\"]\n"
    assert [(f.code, f.safety, f.line) for f in result.fixes] == [("DO252", Safety.SAFE, 4)]


def test_a_folder_named_by_the_same_variable(context):
    text = "FROM python:3.11\nENV APP_HOME=/web\nRUN useradd app\nWORKDIR $APP_HOME\nCOPY . $APP_HOME\nRUN chown -R app:app $APP_HOME\n"
    result = _fix(text, context, unsafe=False)
    assert result.output == text.replace("COPY . ", "COPY --chown=app:app . ").replace("chown -R ", "chown ")


def test_a_relative_copy_and_chown_in_a_chain(context):
    text = APP + "COPY . .\nLABEL x=y\nRUN chown -R app:app . && \\\n    echo done\n"
    expected = APP + "COPY --chown=app:app . .\nLABEL x=y\nRUN chown app:app . && \\\n    echo done\n"
    assert _fix(text, context, unsafe=False).output == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("FROM nginx\nCOPY . /usr/share/nginx/html\nRUN chown -R nginx:nginx /usr/share/nginx/html\n", "system folder", id="a-system-folder"),
        pytest.param("FROM python:3.11\nRUN useradd app\nCOPY . /app\nRUN chown -R app:app /app\n", "no WORKDIR", id="a-folder-no-workdir-made"),
        pytest.param("FROM mycorp/base:1\nWORKDIR /app\nCOPY . /app\nRUN chown -R app:app /app\n", "base image", id="a-base-image-that-may-ship-the-folder"),
        pytest.param(APP + "COPY --from=builder /out /app\nRUN chown -R app:app /app\n", "setuid", id="files-from-another-stage"),
        pytest.param(APP + "RUN touch /app/x\nCOPY . /app\nRUN chown -R app:app /app\n", "may write", id="a-run-wrote-into-the-folder"),
    ],
)
def test_unsafe_with_the_reason(text, reason, context):
    assert not _fix(text, context, unsafe=False).changed
    result = _fix(text, context)
    [fix] = result.fixes
    assert fix.safety is Safety.UNSAFE and reason in fix.text
    assert "--chown=" in result.output


def test_a_setuid_file_in_the_context_makes_it_unsafe(context):
    tool = context / "tool"
    tool.write_text("#!/bin/sh\n")
    os.chmod(tool, 0o4755)
    if not os.stat(tool).st_mode & stat.S_ISUID:
        pytest.skip("this filesystem drops setuid bits")
    result = _fix(APP + "COPY . /app\nRUN chown -R app:app /app\n", context)
    assert result.fixes[0].safety is Safety.UNSAFE and "setuid" in result.fixes[0].text


def test_without_a_context_it_is_unsafe():
    result = dockopt.fix(APP + "COPY . /app\nRUN chown -R app:app /app\n", select=["DO252"])
    assert not result.changed
