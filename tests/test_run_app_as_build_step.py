"""DO310 run-app-as-build-step: RUN that starts the app, reported (never rewritten)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import finding_tests

QUIET = [
    pytest.param("FROM python\nCOPY . .\nRUN python setup.py install\nCMD python app.py\n", id="setup-py-is-a-build-step"),
    pytest.param("FROM python\nRUN python manage.py collectstatic\nCMD gunicorn app:app\n", id="collectstatic-is-a-build-step"),
    pytest.param("FROM python\nRUN python -m compileall .\nCMD python app.py\n", id="compileall-is-a-build-step"),
    pytest.param("FROM python\nRUN python gen.py\nCMD [\"python\", \"app.py\"]\n", id="another-script-than-the-cmd"),
    pytest.param("FROM python\nRUN pip install uvicorn gunicorn\n", id="installing-a-server-is-not-running-it"),
    pytest.param("FROM python\nRUN python app.py & sleep 2 && curl localhost\nCMD python app.py\n", id="a-backgrounded-smoke-test"),
    pytest.param("FROM python\nCMD [\"python\", \"app.py\"]\n", id="cmd-is-right"),
]

FOUND = [
    pytest.param("FROM python\nWORKDIR /code\nCOPY . /code\nRUN python myapp.py\n", [4], id="seed-001-last-step-with-no-cmd"),
    pytest.param("FROM python\nWORKDIR /a\nRUN python ./app.py\nCMD [\"python\", \"app.py\"]\n", [3], id="the-script-the-cmd-runs"),
    pytest.param("FROM python\nRUN uvicorn main:app --host 0.0.0.0\n", [2], id="uvicorn-starts-a-server"),
    pytest.param("FROM python\nRUN flask run -h 0.0.0.0\nCMD x\n", [2], id="flask-run-starts-a-server"),
    pytest.param("FROM python\nRUN python -m http.server 8000\nCMD x\n", [2], id="http-server-module"),
    pytest.param("FROM python\nRUN python manage.py runserver 0.0.0.0:8000\nCMD x\n", [2], id="django-runserver"),
    pytest.param('FROM python\nRUN ["gunicorn", "app:app"]\n', [2], id="exec-form-run"),
]


test_quiet, test_found = finding_tests("DO310", QUIET, FOUND)


def test_the_message_suggests_cmd():
    [finding] = dockopt.fix("FROM python\nCOPY . /code\nRUN python myapp.py\n", select=["DO310"]).findings
    assert 'CMD ["python", "myapp.py"]' in finding.text
