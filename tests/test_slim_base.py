"""DO501 slim-base: swap to the slim variant only when the build cannot notice."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.transforms.slim_base import slim_tag
from tests.rule_tables import table_tests


def fix(source, context=None):
    return dockopt.fix(source, select=["DO501"], unsafe_fixes=True, context=context)


@pytest.mark.parametrize(
    ("repo", "tag", "expected"),
    [
        pytest.param("python", "3.11", "3.11-slim", id="python-version-gets-slim"),
        pytest.param("python", "3.11-bookworm", "3.11-slim-bookworm", id="python-puts-slim-before-the-distro"),
        pytest.param("python", None, "slim", id="python-latest-is-slim"),
        pytest.param("node", "20-bookworm", "20-bookworm-slim", id="node-puts-slim-after-the-distro"),
        pytest.param("debian", "bookworm", "bookworm-slim", id="debian-codename"),
        pytest.param("debian", "latest", "stable-slim", id="debian-latest-is-stable-slim"),
        pytest.param("ruby", "3.3", "3.3-slim", id="ruby"),
        pytest.param("eclipse-temurin", "21-jdk-jammy", "21-jre-jammy", id="temurin-jdk-to-jre"),
        pytest.param("python", "3.11-slim", None, id="already-slim"),
        pytest.param("python", "3.12-alpine", None, id="alpine-is-already-small"),
        pytest.param("golang", "1.22", None, id="images-without-a-slim-variant"),
    ],
)
def test_slim_tag_mapping(repo, tag, expected):
    assert slim_tag(repo, tag) == expected


NO_OP = [
    pytest.param("FROM python:3.11-slim\n", id="already-slim"),
    pytest.param("FROM gcr.io/distroless/python3\n", id="other-registries-are-left-alone"),
    pytest.param("FROM myorg/python:3.11\n", id="user-images-are-left-alone"),
    pytest.param("FROM python:3.11 AS base\nFROM base\nRUN make\n", id="a-later-stage-built-from-it-runs-make"),
    pytest.param("FROM python:3.11\nRUN gcc -o /hello hello.c\n", id="the-build-uses-a-compiler"),
    pytest.param("FROM python:3.11\nRUN pip install psycopg2\n", id="a-package-that-compiles-from-source"),
    pytest.param("FROM python:3.11\nRUN pip install --no-binary :all: flask\n", id="no-binary-builds-from-source"),
    pytest.param("FROM python:3.11\nRUN pip install -r requirements.txt\n", id="requirements-it-cannot-read"),
    pytest.param("FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/\n", id="healthcheck-needs-curl"),
    pytest.param("FROM python:3.11@sha256:" + "0" * 64 + "\n", id="a-digest-pins-one-exact-image"),
    pytest.param("FROM python:3.11 # comment\n", id="a-from-docker-rejects"),
    pytest.param("ARG PY=3.11-slim\nFROM python:${PY}\n", id="the-arg-default-is-already-slim"),
    pytest.param("FROM node:20\nCOPY . .\nRUN npm ci\n", id="npm-without-a-lock-file-may-compile"),
    pytest.param("FROM eclipse-temurin:21\nRUN ./mvnw package\n", id="maven-needs-the-jdk"),
    pytest.param("FROM python:3.11\nUSER app\nRUN curl -o /x https://x/\n", id="cannot-apt-install-as-a-non-root-user"),
]


def test_digest_is_reported():
    result = fix("FROM python:3.11@sha256:" + "0" * 64 + "\n")
    assert any("pinned by digest" in f.text for f in result.fixes)


FIXES = [
    pytest.param("FROM python:3.11\n", "FROM python:3.11-slim\n", id="python"),
    pytest.param("FROM --platform=linux/amd64 python:3.11 AS app\n", "FROM --platform=linux/amd64 python:3.11-slim AS app\n", id="keeps-platform-and-stage-name"),
    pytest.param("FROM docker.io/library/python:3.11\n", "FROM docker.io/library/python:3.11-slim\n", id="keeps-the-registry-prefix"),
    pytest.param("ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}\n", "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim\n", id="tag-from-an-arg-edits-the-from"),
    pytest.param('ARG BASE="python:3.11"\nFROM $BASE\n', 'ARG BASE="python:3.11-slim"\nFROM $BASE\n', id="image-from-an-arg-edits-the-default"),
    pytest.param("from debian:bookworm\r\nrun apt-get update\r\n", "from debian:bookworm-slim\r\nrun apt-get update\r\n", id="crlf-and-lowercase-stay"),
    pytest.param(
        "FROM python:3.11\nRUN git clone https://x/y /y && ls /y\n",
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git \\\n"
        "    && rm -rf /var/lib/apt/lists/* \\\n    && git clone https://x/y /y && ls /y\n",
        id="git-is-installed-in-the-run-that-uses-it",
    ),
    pytest.param(
        "FROM python:3.11\nRUN apt-get update && apt-get install -y git && git clone https://x/y /y\n",
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y git && git clone https://x/y /y\n",
        id="a-tool-the-build-installs-itself-needs-nothing",
    ),
]


test_leaves_alone, test_fixes = table_tests("DO501", NO_OP, FIXES)


def test_fix_is_unsafe():
    assert dockopt.fix("FROM python:3.11\n", select=["DO501"]).output == "FROM python:3.11\n"


def test_requirements_are_read_from_the_context(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("mysqlclient==2.2.4\n")
    source = "FROM python:3.11\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n"
    result = fix(source, context=tmp_path)
    assert result.output == source
    assert any("mysqlclient" in f.text and "DO502" in f.text for f in result.fixes)


NODE_BUILD = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD ["node", "dist/server.js"]\n'
LOCK = '{"lockfileVersion": 3, "packages": {"": {}, "node_modules/typescript": {"dev": true}}}\n'


@pytest.mark.parametrize(
    ("package", "source", "swapped"),
    [
        pytest.param('{"devDependencies": {"typescript": "^5"}}', NODE_BUILD, False,
                     id="a-build-with-dev-dependencies-is-left-to-the-stage-split"),
        pytest.param('{"dependencies": {"express": "^4"}}', NODE_BUILD, True, id="no-dev-dependencies-to-prune-gets-slim"),
        pytest.param('{"devDependencies": {"typescript": "^5"}}', NODE_BUILD.replace("FROM node:20\n", "FROM node:20 AS app\n") + "FROM app\n",
                     True, id="a-file-with-stages-of-its-own-gets-slim"),
        pytest.param('{"devDependencies": {"nodemon": "^3"}, "scripts": {"start": "nodemon server.js"}}',
                     NODE_BUILD.replace('CMD ["node", "dist/server.js"]', 'CMD ["npm", "start"]'), True,
                     id="a-start-script-that-needs-a-dev-dependency-cannot-be-split-so-gets-slim"),
    ],
)
def test_a_node_build_with_dev_dependencies_waits_for_the_split(tmp_path, package, source, swapped):
    (tmp_path / "package.json").write_text(package)
    (tmp_path / "package-lock.json").write_text(LOCK)
    result = fix(source, context=tmp_path)
    assert ("node:20-slim" in result.output) is swapped
    if not swapped:
        assert any("devDependencies" in f.text and "DO502" in f.text for f in result.fixes)


def test_a_lock_file_of_another_shape_is_unsure_not_a_crash(tmp_path):
    (tmp_path / "package.json").write_text('{"dependencies": {"bcrypt": "^5"}}')
    (tmp_path / "package-lock.json").write_text("[]\n")
    result = fix("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n", context=tmp_path)
    assert result.error is None
