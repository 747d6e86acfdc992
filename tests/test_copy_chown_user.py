"""DO405: no-op and fix tables (transforms/copy_chown_user.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_message, table_tests

FROM = 'FROM python:3.12-slim\nRUN useradd app\n'

NOOP = [
    pytest.param('USER app\nCOPY --from=build /out /app', id='artifacts from another stage stay root-owned'),
    pytest.param('USER app\nCOPY requirements.txt /usr/local/share/app/', id='a system folder stays root-owned'),
    pytest.param('COPY app.py /app/', id='no USER'),
    pytest.param('USER app\nCOPY --chown=root app.py /app/', id='an explicit --chown'),
    pytest.param('USER app\nUSER root\nCOPY app.py /app/', id='back to root'),
    pytest.param('USER 0:0\nCOPY app.py /app/', id='uid 0'),
    pytest.param('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER app\nCOPY app.exe C:/app/', id='a Windows image'),
    pytest.param('FROM $BASE\nUSER ContainerUser\nCOPY app.exe C:/app/', id='a Windows account'),
]

FIX = [
    pytest.param(
        'USER app\nCOPY app.py /app/',
        'USER app\nCOPY --chown=app app.py /app/',
        id='copy after USER',
    ),
    pytest.param(
        'USER app:app\nADD app.tgz /app/',
        'USER app:app\nADD --chown=app:app app.tgz /app/',
        id='ADD, with a group',
    ),
    pytest.param(
        'USER $APP_USER\ncopy . /app',
        'USER $APP_USER\ncopy --chown=$APP_USER . /app',
        id='a variable user, lower-case keyword',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO405", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO405", FROM + 'USER app\nCOPY app.py /app/' + "\n",
                   'files copied after `USER app` are still owned by root: add `--chown=app` (unsafe: the user can then change them, and a user that does not exist yet fails the build)',
                   'unsafe')


def test_a_stage_inherits_the_user_of_its_parent():
    source = "FROM node:20 AS base\nUSER node\nFROM base\nCOPY a /home/node/\n"
    expected = "FROM node:20 AS base\nUSER node\nFROM base\nCOPY --chown=node a /home/node/\n"
    assert dockopt.fix(source, select=["DO405"], unsafe_fixes=True).output == expected
