"""DO502 multi-stage: a builder stage with the compilers, a slim runtime stage without them."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.document import Document


def fix(source, context=None):
    return dockopt.fix(source, select=["DO502"], unsafe_fixes=True, context=context)


NO_OP = [
    pytest.param("FROM python:3.11-slim\nRUN pip install flask\n", id="already-slim"),
    pytest.param("FROM python:3.11 AS b\nRUN pip install flask\nFROM python:3.11-slim\nCOPY --from=b / /\n", id="already-multi-stage-keeps-its-stages"),
    pytest.param("FROM python:3.11\nCOPY app.py .\n", id="nothing-is-installed"),
    pytest.param("FROM node:20\nRUN npm ci\n", id="not-python"),
    pytest.param("FROM python:3.11\nRUN pip install --user flask\n", id="pip-user-does-not-use-the-venv"),
    pytest.param("FROM python:3.11\nCOPY . /src\nRUN pip install -e /src\n", id="editable-installs-point-into-the-source"),
    pytest.param("FROM python:3.11\nRUN pip install flask && python -c 'import flask'\n", id="pip-shares-its-run-with-other-commands"),
    pytest.param("FROM python:3.11\nRUN pip install poetry\nRUN poetry install\n", id="poetry-is-not-mapped"),
    pytest.param("FROM python:3.11\nRUN apt-get update && apt-get install -y libfoo-dev\nRUN pip install flask\n", id="unknown-dev-package"),
    pytest.param("FROM python:3.11\nRUN apt-get update && apt-get install -y python3-numpy\nRUN pip install flask\n", id="apt-python-packages-are-invisible-in-the-venv"),
    pytest.param("FROM python:3.11\nRUN pip install flask\nCMD /usr/local/bin/flask run\n", id="absolute-paths-into-usr-local"),
    pytest.param("FROM python:3.11\nENV PATH=/usr/bin:/bin\nRUN pip install flask\n", id="an-env-path-that-drops-the-venv"),
    pytest.param("FROM python:3.11\nRUN pip install flask\nRUN gcc -o /x x.c\n", id="a-compiler-in-the-runtime-stage"),
    pytest.param("ARG B=python:3.11\nFROM $B\nRUN pip install flask\n", id="an-image-from-an-arg"),
    pytest.param("FROM python:3.11 # pinned\nRUN pip install flask\n", id="a-from-docker-rejects"),
    pytest.param("FROM python:3.11\nRUN pip install -r requirements.txt\n", id="a-requirements-file-no-copy-provides"),
]


@pytest.mark.parametrize("source", NO_OP)
def test_no_op(source):
    result = fix(source)
    assert result.error is None
    assert result.output == source


def stages(text):
    return [(s.base, s.name) for s in Document(text).stages]


def test_python_build_is_split_into_builder_and_slim_runtime():
    source = (
        "FROM python:3.11 AS web\n"
        "# database driver headers\n"
        "RUN apt-get update && apt-get install -y libpq-dev gcc\n"
        "WORKDIR /app\n"
        "RUN pip install psycopg2==2.9.9\n"
        "COPY . .\n"
        "# the server\n"
        'CMD ["python", "app.py"]\n'
    )
    result = fix(source)
    out = result.output
    assert stages(out) == [("python:3.11", "builder"), ("python:3.11-slim", "web")]
    builder, runtime = out.split("\nFROM python:3.11-slim AS web\n")
    assert "libpq-dev" in builder and "RUN pip install psycopg2==2.9.9" in builder
    assert "libpq5" in runtime and "libpq-dev" not in runtime and "gcc" not in runtime
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert "# database driver headers\n" in runtime and '# the server\nCMD ["python", "app.py"]\n' in runtime
    assert "USER 10001:10001" in runtime and "useradd --system --uid 10001" in runtime
    assert fix(out).output == out


def test_existing_user_is_kept_and_no_second_one_added():
    source = "FROM python:3.11\nRUN pip install uwsgi\nRUN useradd -r app\nUSER app\nCMD uwsgi\n"
    out = fix(source).output
    assert out.count("USER") == 1 and "10001" not in out


def test_low_port_stays_root_and_says_why():
    result = fix("FROM python:3.11\nRUN pip install uwsgi\nEXPOSE 80\n")
    assert "USER" not in result.output.split("AS builder", 1)[1]
    assert any("port 80 is below 1024" in f.message for f in result.applied)


def test_builder_copies_only_the_requirements_file(tmp_path):
    (tmp_path / "requirements.txt").write_text("mysqlclient==2.2.4\n")
    source = "FROM python:3.11\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n"
    out = fix(source, context=tmp_path).output
    builder = out.split("\n\n")[0]
    assert 'COPY ["requirements.txt", "/srv/requirements.txt"]' in builder and "COPY . ." not in builder
    assert "libmariadb3" in out


def test_fix_is_unsafe():
    source = "FROM python:3.11\nRUN pip install flask\n"
    assert dockopt.fix(source, select=["DO502"]).output == source
