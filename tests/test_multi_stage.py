"""DO502 multi-stage: a builder stage with the compilers, a slim runtime stage without them."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.document import Document
from tests.rule_tables import assert_leaves_alone


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
def test_leaves_alone(source):
    assert_leaves_alone("DO502", source)


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
    assert "USER" not in runtime and "useradd" not in runtime  # the user is DO401's to decide
    assert fix(out).output == out


def test_existing_user_is_kept_and_no_second_one_added():
    source = "FROM python:3.11\nRUN pip install uwsgi\nRUN useradd -r app\nUSER app\nCMD uwsgi\n"
    out = fix(source).output
    assert out.count("USER") == 1 and "10001" not in out


def test_the_split_adds_no_user_the_whole_run_leaves_that_to_non_root_user():
    source = "FROM python:3.11\nRUN pip install uwsgi\nCOPY . /app\nCMD [\"uwsgi\", \"--http\", \":8000\"]\n"
    assert "USER" not in fix(source).output
    whole = dockopt.fix(source, unsafe_fixes=True)
    runtime = whole.output.split("AS builder", 1)[1]
    assert "USER app" in runtime.split("\nFROM ", 1)[1] or "USER 10001" in runtime.split("\nFROM ", 1)[1]


def test_builder_copies_only_the_requirements_file(tmp_path):
    (tmp_path / "requirements.txt").write_text("mysqlclient==2.2.4\n")
    source = "FROM python:3.11\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n"
    out = fix(source, context=tmp_path).output
    builder = out.split("\n\n")[0]
    assert 'COPY requirements.txt /srv/requirements.txt' in builder and "COPY . ." not in builder
    assert "libmariadb3" in out


MANIFEST_FIRST = "FROM python:3.11\nWORKDIR /srv\n# dependencies\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n{between}COPY . .\nCMD [\"python\", \"app.py\"]\n"


def test_a_manifest_copy_only_the_moved_install_read_goes_to_the_builder_with_its_comment(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    out = fix(MANIFEST_FIRST.format(between=""), context=tmp_path).output
    builder, runtime = out.split("\n\nFROM ", 1)
    assert builder.endswith("# dependencies\nCOPY requirements.txt /srv/requirements.txt\nRUN pip install -r requirements.txt")
    assert "requirements" not in runtime and "# dependencies" not in runtime and "COPY . .\n" in runtime


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (MANIFEST_FIRST.format(between="RUN python -c 'print(open(\"requirements.txt\").read())'\n"), "a-runtime-run-may-read-it"),
        (MANIFEST_FIRST.format(between="").replace("COPY requirements.txt", "COPY --chown=1000 requirements.txt"), "flags-on-the-copy"),
        (MANIFEST_FIRST.format(between="").replace("COPY . .", "COPY app.py ."), "no-later-copy-brings-it"),
        (MANIFEST_FIRST.format(between="").replace("COPY requirements.txt .", "COPY requirements.txt app.py ."), "it-copies-more"),
    ],
)
def test_a_manifest_copy_stays_in_the_runtime_stage(tmp_path, source, why):
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    runtime = fix(source, context=tmp_path).output.split("\n\nFROM ", 1)[1]
    assert "requirements.txt" in runtime, why


def test_fix_is_unsafe():
    source = "FROM python:3.11\nRUN pip install flask\n"
    assert dockopt.fix(source, select=["DO502"]).output == source


# -- Go, Node and compiled C/C++ (planned in transforms/_multi_stage_compiled.py) -------------------

COMPILED_NO_OP = [
    pytest.param("FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", id="a-go-file-already-multi-stage-keeps-its-stages"),
    pytest.param("FROM golang:latest\nCOPY . /app\nWORKDIR /app\nRUN go build -o app .\nCMD [\"./app\"]\n", id="go-with-cgo-unknown-and-no-known-debian"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\nCMD ./app | tee log\n", id="a-shell-form-cmd-with-a-pipe-needs-a-shell"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\nCMD [\"sh\", \"-c\", \"./app\"]\n", id="a-cmd-that-runs-a-shell-distroless-lacks"),
    pytest.param("FROM golang:1.22-alpine\nRUN apk add gcc musl-dev\nWORKDIR /app\nCOPY . .\nRUN go build -o app .\nCMD [\"./app\"]\n", id="a-cgo-build-on-alpine-links-musl"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\nRUN useradd app\nUSER app\nCMD [\"./app\"]\n", id="a-run-after-the-go-build"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\nHEALTHCHECK CMD curl -f localhost\nCMD [\"./app\"]\n", id="a-healthcheck-with-curl-on-distroless"),
    pytest.param("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go run .\n", id="go-run-is-not-a-build"),
    pytest.param("FROM node:20\nRUN npm ci\n", id="node-without-an-app-folder"),
    pytest.param("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n", id="node-already-small"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n", id="npm-start-without-a-context-to-read"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g pm2 && npm ci\nCMD [\"node\", \"index.js\"]\n", id="a-global-npm-install"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY conf /etc/app\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n", id="a-copy-outside-the-app-folder"),
    pytest.param("FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc make\nCOPY . /src\nRUN cd /src && make && make install\nCMD [\"tool\"]\n", id="make-install-is-not-compile-and-run"),
    pytest.param("FROM centos:7\nRUN yum -y install gcc openssl-devel\nCOPY a.c /a.c\nRUN gcc -o /a /a.c\nCMD [\"/a\"]\n", id="a-devel-package-the-runtime-may-need"),
    pytest.param("FROM centos:latest\nRUN yum -y install gcc\nCOPY a.c /a.c\nRUN gcc -o /a /a.c\nCMD [\"/a\"]\n", id="centos-without-a-release"),
    pytest.param("FROM debian:12\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /app\nCOPY main.c .\nRUN gcc -o $OUT main.c\nCMD [\"/app/hello\"]\n",
                 id="a-compile-whose-output-is-a-variable"),
]


@pytest.mark.parametrize("source", COMPILED_NO_OP)
def test_compiled_no_op(source):
    assert_leaves_alone("DO502", source)


COMPILED_FIXES = [
    pytest.param(
        "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o server .\n# run\nCMD ./server --port 8080\n",
        ["FROM golang:1.22 AS builder", "FROM gcr.io/distroless/static-debian12:nonroot", 'COPY --from=builder /app/server /app/server',
         "USER 65532:65532", '# run\nCMD ["./server", "--port", "8080"]'],
        id="a-plain-shell-form-cmd-becomes-exec-form-on-distroless",
    ),
    pytest.param(
        "FROM golang:1.21\nWORKDIR /app\nCOPY . .\nRUN go build -o /bin/app .\nEXPOSE 80\nENTRYPOINT [\"/bin/app\"]\n",
        ["FROM gcr.io/distroless/base-debian12\n", 'COPY --from=builder /bin/app /bin/app'],
        id="cgo-unknown-gets-a-glibc-runtime-and-a-low-port-stays-root",
    ),
    pytest.param(
        "FROM golang:1.22-alpine\nWORKDIR /app\nCOPY . .\nRUN go build -o app .\nCMD [\"./app\"]\n",
        ["ENV CGO_ENABLED=0", "FROM gcr.io/distroless/static-debian12:nonroot"],
        id="alpine-without-a-c-compiler-builds-static",
    ),
    pytest.param(
        "FROM node:18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
        ["RUN npm ci\nRUN npm prune --omit=dev\n", "FROM node:18-slim", 'COPY --from=builder /app /app\nCOPY . .\nCMD'],
        id="node-prunes-dev-dependencies-and-runs-on-slim",
    ),
    pytest.param(
        "FROM centos:7.5.1804\nCOPY ./a.c /app/a.c\nRUN yum -y install gcc make && cd /app && make a\nENTRYPOINT /app/a $N\n",
        ["FROM registry.access.redhat.com/ubi7/ubi-minimal:7.9", 'COPY --from=builder /app/a /app/a\nENTRYPOINT /app/a $N'],
        id="c-compiled-on-centos-runs-on-ubi-minimal",
    ),
]


@pytest.mark.parametrize(("source", "expected"), COMPILED_FIXES)
def test_compiled_fix(source, expected):
    out = fix(source).output
    for text in expected:
        assert text in out
    assert fix(out).output == out


def test_go_reads_the_context_for_cgo_and_files(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/x\n")
    (tmp_path / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("x") }\n')
    source = "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o x .\nCMD [\"./x\"]\n"
    out = fix(source, context=tmp_path).output
    assert "ENV CGO_ENABLED=0" in out
    assert out.split("\n\n")[1].count("COPY") == 1  # only the binary: the program reads no files
    (tmp_path / "main.go").write_text('package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n')
    out = fix(source, context=tmp_path).output
    assert "ENV CGO_ENABLED=0" not in out and "distroless/base-debian12" in out


def test_npm_start_is_checked_against_dev_dependencies(tmp_path):
    (tmp_path / "package.json").write_text('{"scripts": {"start": "nodemon index.js"}, "devDependencies": {"nodemon": "3"}}')
    result = fix("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n", context=tmp_path)
    assert not result.changed and "nodemon" in result.fixes[0].text


@pytest.mark.parametrize(
    "package_json",
    [
        pytest.param("[]", id="valid-json-but-not-an-object"),
        pytest.param('{"scripts": ["nodemon index.js"]}', id="scripts-not-an-object"),
        pytest.param('{"devDependencies": 5}', id="dev-dependencies-not-an-object"),
        pytest.param('{"scripts": {"start": 1}}', id="a-script-that-is-not-a-string"),
    ],
)
def test_an_npm_start_with_an_odd_package_json_is_left_alone(tmp_path, package_json):
    (tmp_path / "package.json").write_text(package_json)
    result = fix("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n", context=tmp_path)
    assert result.error is None
    assert not result.changed and "package.json" in result.fixes[0].text


@pytest.mark.parametrize(
    "crafted",
    [
        pytest.param('CMD ["./app\\nRUN rm -rf /"]', id="a-json-newline-escape-stays-inside-the-word"),
        pytest.param("CMD ./app 'a\"b' \"x]\"", id="quotes-and-brackets-in-a-converted-shell-form-cmd"),
    ],
)
def test_crafted_values_never_add_an_instruction(crafted):
    source = f"FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\n{crafted}\n"
    out = fix(source).output  # left alone (the CMD names no built binary) or split: never an extra instruction
    cmds = [i.cmd for i in Document(out).instructions]
    assert out == source or cmds == ["FROM", "WORKDIR", "COPY", "RUN", "FROM", "WORKDIR", "COPY", "COPY", "USER", "CMD"]


# -- `make` with no target: the Makefile's default goal ---------------------------------------------

MAKE_GOALS = [
    pytest.param("tool: tool.o\n\t$(CC) -o $@ $^\n", None, ["tool"], id="the-first-rule-is-the-default-goal"),
    pytest.param("CC = gcc\nX := 1\n\ntool: a.o\n\tcc\n", None, ["tool"], id="variable-assignments-are-not-rules"),
    pytest.param(".SUFFIXES:\n%.o: %.c\n\tcc -c $<\ntool: a.o\n", None, ["tool"], id="special-and-pattern-targets-are-skipped"),
    pytest.param("all: one two\none:\n\tcc\ntwo:\n\tcc\n", None, ["one", "two"], id="all-builds-its-prerequisites"),
    pytest.param("build: tool\n.PHONY: build\ntool:\n", None, ["tool"], id="a-phony-default-goal-builds-its-prerequisites"),
    pytest.param("tool:\nother:\n", "all", None, id="make-all-without-an-all-rule-is-unsure"),
    pytest.param("all: $(PROGS)\n", None, None, id="a-goal-named-by-a-variable-is-unsure"),
    pytest.param("include config.mk\ntool:\n", None, None, id="an-include-may-add-rules"),
    pytest.param(".DEFAULT_GOAL := other\ntool:\nother:\n", None, None, id="a-default-goal-set-by-hand-is-unsure"),
    pytest.param("# nothing here\n", None, None, id="a-makefile-without-rules"),
]


@pytest.mark.parametrize(("makefile", "goal", "expected"), MAKE_GOALS)
def test_make_goals(makefile, goal, expected):
    from dockopt.compiled_split import _make_goals

    assert _make_goals(makefile, goal) == expected


MAKE_DOCKERFILE = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc make\nWORKDIR /src\nCOPY . .\nRUN make\nCMD ["./tool"]\n'


@pytest.mark.parametrize(
    ("makefile", "split"),
    [
        pytest.param("tool: tool.c\n\t$(CC) -o $@ tool.c\n", True, id="the-default-goal-is-the-program-cmd-runs"),
        pytest.param("other: tool.c\n\t$(CC) -o $@ tool.c\n", False, id="the-default-goal-is-another-file"),
        pytest.param("tool: tool.c\n\t$(CC) -o $@ tool.c -lssl\n", False, id="the-makefile-links-a-library-the-runtime-may-lack"),
        pytest.param(None, False, id="no-makefile-in-the-context"),
    ],
)
def test_make_without_a_target_reads_the_makefile(tmp_path, makefile, split):
    (tmp_path / "tool.c").write_text("int main(void) { return 0; }\n")
    if makefile is not None:
        (tmp_path / "Makefile").write_text(makefile)
    out = fix(MAKE_DOCKERFILE, context=tmp_path).output
    assert ('COPY --from=builder /src/tool /src/tool' in out) is split
    assert ("FROM debian:bookworm-slim" in out) is split
