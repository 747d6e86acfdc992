"""DO401 non-root-user: when the final stage runs as root, switch to a non-root user, or say why not."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import dockopt
from dockopt.transform import Safety
from tests.rule_tables import assert_fixes, assert_leaves_alone


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def build_context(files: dict[str, str] | None, tmp_path):
    """A build context folder holding `files`, or None for no context."""
    if files is None:
        return None
    context = tmp_path / "ctx"
    for rel, text in files.items():
        path = context / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    context.mkdir(exist_ok=True)
    return context


def run(source: str, files: dict[str, str] | None = None, tmp_path=None, unsafe: bool = True):
    source = dedent(source)
    result = dockopt.fix(source, select=["DO401"], unsafe_fixes=unsafe, context=build_context(files, tmp_path))
    assert result.error is None, result.error
    return source, result


FLASK_5000 = {"app.py": 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(port=5000)\n'}

NO_OP = [
    pytest.param(
        """
        FROM python:3.12-slim
        RUN useradd --system app
        USER 10001:10001
        CMD ["python", "-m", "http.server", "8000"]
        """,
        None,
        None,
        id="a-non-root-user-is-kept",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        USER 1000:1000
        CMD ["python", "app.py"]
        """,
        None,
        None,
        id="a-numeric-non-root-user-is-kept",
    ),
    pytest.param(
        """
        FROM python:3.7-slim
        ARG USER=app
        RUN useradd -r ${USER}
        USER ${USER}
        CMD ["python", "app.py"]
        """,
        None,
        None,
        id="a-user-from-a-build-arg-is-trusted",
    ),
    pytest.param(
        """
        FROM gcr.io/distroless/static-debian12:nonroot
        COPY app /app
        ENTRYPOINT ["/app"]
        """,
        None,
        None,
        id="distroless-nonroot-tags-already-run-as-nonroot",
    ),
    pytest.param(
        """
        FROM golang:1.22 AS build
        RUN go build -o /server .
        FROM scratch
        COPY --from=build /server /server
        USER 65532:65532
        ENTRYPOINT ["/server"]
        """,
        None,
        None,
        id="scratch-with-a-user-is-kept",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        COPY . /app
        CMD ["gunicorn", "app:app", "-b", "0.0.0.0:80"]
        """,
        None,
        "port 80",
        id="gunicorn-bound-to-port-80-stays-root",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        COPY . /app
        CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "443"]
        """,
        None,
        "port 443",
        id="uvicorn-on-port-443-stays-root",
    ),
    pytest.param(
        """
        FROM amazonlinux:2
        RUN yum -y install wget && yum clean all
        COPY . /srv
        CMD ["python3", "/srv/app.py"]
        """,
        {"app.py": "import os\nos.makedirs('/srv/data')\n"},
        "has no useradd to make its user",
        id="amazonlinux-without-useradd-cannot-give-a-user-folders",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "server.py"]
        """,
        {"server.py": 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=80)\n'},
        "app.run binds port 80 (server.py:4)",
        id="an-app-that-binds-port-80-stays-root",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        WORKDIR /app
        COPY . .
        ENV PORT=80
        CMD ["gunicorn", "app:app"]
        """,
        None,
        "port 80",
        id="gunicorn-reading-PORT-80-stays-root",
    ),
    pytest.param(
        """
        FROM ubuntu:22.04
        COPY serve /usr/local/bin/serve
        EXPOSE 80
        CMD ["serve"]
        """,
        None,
        "EXPOSE 80",
        id="expose-80-is-a-hint-when-nothing-else-tells",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        RUN useradd --system worker
        COPY entrypoint.sh /usr/local/bin/
        ENTRYPOINT ["entrypoint.sh"]
        CMD ["worker"]
        """,
        {"entrypoint.sh": '#!/bin/sh\nexec setpriv --reuid=worker --regid=worker --init-groups "$@"\n'},
        "setpriv",
        id="an-entrypoint-script-that-drops-privileges-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        COPY --from=tianon/gosu /gosu /usr/local/bin/
        COPY entrypoint.sh /entrypoint.sh
        ENTRYPOINT ["/entrypoint.sh"]
        """,
        None,
        "gosu",
        id="an-image-that-installs-gosu-stays-root",
    ),
    pytest.param(
        """
        FROM nginx:1.27
        COPY site/ /usr/share/nginx/html/
        """,
        None,
        "nginx",
        id="the-nginx-base-image-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y nginx
        CMD ["nginx", "-g", "daemon off;"]
        """,
        None,
        "nginx",
        id="nginx-started-by-cmd-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm
        ENTRYPOINT ["dockerd"]
        """,
        None,
        "docker-in-docker",
        id="docker-in-docker-stays-root",
    ),
    pytest.param(
        """
        FROM rockylinux:9
        CMD ["/sbin/init"]
        """,
        None,
        "init",
        id="an-init-system-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        # run with: docker run --privileged img
        CMD ["/run.sh"]
        """,
        None,
        "--privileged",
        id="a-privileged-hint-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y ca-certificates
        """,
        None,
        "no CMD or ENTRYPOINT",
        id="a-base-image-for-other-builds-is-left-alone",
    ),
    pytest.param(
        """
        FROM registry.example.com/platform/runtime:7
        COPY app /opt/app
        CMD ["/opt/app/run"]
        """,
        None,
        "cannot tell how base image",
        id="an-unknown-base-image-is-left-alone",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "cfg.py"]
        """,
        {"cfg.py": 'with open("/etc/myapp.conf", "w") as f:\n    f.write("x")\nimport os\nos.makedirs("/usr/lib/x")\n'},
        "system folder",
        id="an-app-that-writes-system-folders-stays-root",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "drop.py"]
        """,
        {"drop.py": "import os\nos.setuid(1000)\n"},
        "changes its own user id",
        id="an-app-that-drops-privileges-itself-stays-root",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "setup_and_run.py"]
        """,
        {"setup_and_run.py": 'import subprocess\nsubprocess.run(["apt-get", "install", "-y", "ffmpeg"])\n'},
        "apt-get",
        id="an-app-that-installs-packages-at-run-time-stays-root",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        RUN apt-get update && apt-get install -y php-cli
        CMD ["php", "-a"]
        """,
        None,
        "looks like a base for other builds",
        id="a-cmd-that-only-opens-an-interpreter-is-a-base-image",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /root
        COPY . .
        CMD ["python", "main.py"]
        """,
        None,
        "lives under /root",
        id="an-app-under-root-s-home-stays-root-the-user-could-not-read-it",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        COPY . /app
        CMD ["/app/start.sh"]
        """,
        {"start.sh": "#!/bin/sh\npip install -r /app/requirements.txt\nexec python /app/main.py\n"},
        "runs `pip install` when it starts",
        id="a-start-script-that-pip-installs-stays-root",
    ),
    pytest.param(
        """
        FROM node:20-slim
        WORKDIR /app
        COPY . .
        RUN npm ci
        CMD ["npm", "run", "dev"]
        """,
        {"package.json": '{"scripts": {"dev": "vite --host"}}'},
        "development server",
        id="a-vite-dev-server-stays-root-it-writes-node-modules",
    ),
    pytest.param(
        """
        FROM node:20-slim
        WORKDIR /app
        COPY . .
        CMD ["node", "server.js"]
        """,
        {"server.js": "const fs = require('fs');\nfs.writeFileSync('uploads/last.txt', 'x');\nfs.writeFileSync(os.tmpdir() + '/t', 'x');\n"},
        "the Node app writes files (server.js:2)",
        id="a-node-app-that-writes-files-is-left-with-what-to-check",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]
        """,
        {"gunicorn.conf.py": 'import os\nport = os.getenv("PORT", "80")\nbind = f"0.0.0.0:{port}"\n', "app.py": "app = None\n"},
        "binds port 80",
        id="a-gunicorn-config-whose-port-defaults-to-80-in-the-environment-stays-root",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        COPY . /app
        # hadolint ignore=DL3002
        USER root
        CMD ["python", "/app/main.py"]
        """,
        None,
        None,
        id="a-hadolint-DL3002-pragma-suppresses-it",
    ),
    pytest.param(
        """
        FROM ruby:3.2-slim
        WORKDIR /myapp
        COPY . /myapp
        RUN bundle install
        CMD ["bundle", "exec", "rails", "server", "-b", "0.0.0.0"]
        """,
        {"Gemfile": "gem 'rails'\n"},
        "`rails` writes tmp/ (its pid file) and log/",
        id="a-rails-server-writes-its-pid-file-and-logs-in-the-app-folder",
    ),
    pytest.param(
        """
        FROM ruby:3.2-slim
        WORKDIR /app
        COPY . .
        ENTRYPOINT ["./entrypoint.sh"]
        """,
        {"entrypoint.sh": "#!/bin/sh\nset -e\nexec bundle exec puma -C config/puma.rb\n"},
        "`puma` writes tmp/",
        id="puma-started-by-an-entrypoint-script",
    ),
]


@pytest.mark.parametrize("source, files, reason", NO_OP)
def test_leaves_alone(source, files, reason, tmp_path):
    result = assert_leaves_alone("DO401", dedent(source), quiet=reason is None, context=build_context(files, tmp_path))
    if reason is not None:
        (finding,) = result.fixes
        assert finding.is_finding and finding.safety is Safety.DISPLAY
        assert reason in finding.text


FIX = [
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        RUN pip install flask
        CMD ["python", "app.py"]
        """,
        FLASK_5000,
        """
        FROM python:3.12-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        WORKDIR /app
        COPY . .
        RUN pip install flask
        USER 10001:10001
        CMD ["python", "app.py"]
        """,
        id="debian-python-base-gets-groupadd-useradd",
    ),
    pytest.param(
        """
        FROM alpine:3.20
        RUN apk add --no-cache python3
        COPY app.py /app.py
        CMD ["python3", "/app.py"]
        """,
        None,
        """
        FROM alpine:3.20
        RUN addgroup -g 10001 app && adduser -D -u 10001 -G app -h /home/app -s /sbin/nologin app
        RUN apk add --no-cache python3
        COPY app.py /app.py
        USER 10001:10001
        CMD ["python3", "/app.py"]
        """,
        id="alpine-base-gets-addgroup-adduser",
    ),
    pytest.param(
        """
        FROM fedora:40
        COPY app /app
        ENTRYPOINT ["/app"]
        """,
        None,
        """
        FROM fedora:40
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /sbin/nologin app
        COPY app /app
        USER 10001:10001
        ENTRYPOINT ["/app"]
        """,
        id="rhel-family-base-gets-useradd-with-sbin-nologin",
    ),
    pytest.param(
        """
        FROM python:3.12-slim AS build
        RUN pip install --target=/deps requests
        FROM gcr.io/distroless/python3-debian12
        COPY --from=build /deps /deps
        CMD ["main.py"]
        """,
        None,
        """
        FROM python:3.12-slim AS build
        RUN pip install --target=/deps requests
        FROM gcr.io/distroless/python3-debian12
        COPY --from=build /deps /deps
        USER 65532:65532
        CMD ["main.py"]
        """,
        id="distroless-gets-the-numeric-nonroot-user-and-nothing-to-run",
    ),
    pytest.param(
        """
        FROM golang:1.22 AS build
        RUN go build -o /server .
        FROM scratch
        COPY --from=build /server /server
        ENTRYPOINT ["/server"]
        """,
        None,
        """
        FROM golang:1.22 AS build
        RUN go build -o /server .
        FROM scratch
        COPY --from=build /server /server
        USER 65532:65532
        ENTRYPOINT ["/server"]
        """,
        id="scratch-gets-a-numeric-user",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "notes.py"]
        """,
        {"notes.py": 'import os\nDATA = os.path.join(os.path.dirname(__file__), "data")\nos.makedirs(DATA, exist_ok=True)\n'},
        """
        FROM python:3.11-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        WORKDIR /app
        COPY . .
        RUN mkdir -p /app/data && chown -R 10001:10001 /app/data
        USER 10001:10001
        CMD ["python", "notes.py"]
        """,
        id="an-app-that-writes-to-data-gets-that-folder-only",
    ),
    pytest.param(
        """
        FROM python:3.11-slim
        WORKDIR /srv
        COPY . .
        CMD ["python", "main.py"]
        """,
        {"main.py": 'import sqlite3\nfrom pathlib import Path\nDB = Path("/var/lib/shop") / "shop.db"\nsqlite3.connect(DB)\n'},
        """
        FROM python:3.11-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        WORKDIR /srv
        COPY . .
        RUN mkdir -p /var/lib/shop && chown -R 10001:10001 /var/lib/shop
        USER 10001:10001
        CMD ["python", "main.py"]
        """,
        id="a-sqlite-database-gets-its-folder",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD python bot.py
        """,
        {"bot.py": 'with open("bot.log", "a") as log:\n    log.write("x")\n'},
        """
        FROM python:3.12-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        WORKDIR /app
        COPY --chown=10001:10001 . .
        RUN chown 10001:10001 /app
        USER 10001:10001
        CMD python bot.py
        """,
        id="an-app-that-writes-into-its-own-folder-gets-copy-chown",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        COPY fetch.py /fetch.py
        CMD ["python", "/fetch.py"]
        """,
        {"fetch.py": 'from pathlib import Path\n(Path.home() / ".cache").mkdir(exist_ok=True)\n'},
        """
        FROM python:3.12-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        COPY fetch.py /fetch.py
        USER 10001:10001
        CMD ["python", "/fetch.py"]
        """,
        id="an-app-that-writes-its-home-gets-a-home",
    ),
    pytest.param(
        """
        FROM debian:bookworm-slim
        RUN useradd --system --create-home worker
        COPY job.sh /job.sh
        CMD ["/job.sh"]
        """,
        None,
        """
        FROM debian:bookworm-slim
        RUN useradd --system --create-home worker
        COPY job.sh /job.sh
        USER worker
        CMD ["/job.sh"]
        """,
        id="a-user-created-but-never-switched-to-is-used",
    ),
    pytest.param(
        """
        FROM alpine:3.20
        RUN adduser -Dh /home/gordon gordon
        COPY app.jar /app.jar
        ENTRYPOINT ["java", "-jar", "/app.jar"]
        """,
        None,
        """
        FROM alpine:3.20
        RUN adduser -Dh /home/gordon gordon
        COPY app.jar /app.jar
        USER gordon
        ENTRYPOINT ["java", "-jar", "/app.jar"]
        """,
        id="busybox-bundled-short-options-are-read-right",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        RUN useradd --create-home appuser
        USER appuser
        COPY . /home/appuser
        USER root
        RUN apt-get update && apt-get install -y curl
        CMD ["python", "/home/appuser/main.py"]
        """,
        None,
        """
        FROM python:3.12-slim
        RUN useradd --create-home appuser
        USER appuser
        COPY . /home/appuser
        USER root
        RUN apt-get update && apt-get install -y curl
        USER appuser
        CMD ["python", "/home/appuser/main.py"]
        """,
        id="a-last-user-root-switches-back-after-the-root-steps",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        RUN useradd --create-home appuser
        USER root
        CMD ["python", "main.py"]
        """,
        None,
        """
        FROM python:3.12-slim
        RUN useradd --create-home appuser
        USER appuser
        CMD ["python", "main.py"]
        """,
        id="a-trailing-user-root-that-nothing-needs-is-replaced",
    ),
    pytest.param(
        """
        FROM node:20-slim
        COPY . /app
        CMD ["node", "/app/server.js"]
        """,
        None,
        """
        FROM node:20-slim
        COPY . /app
        USER 1000:1000
        CMD ["node", "/app/server.js"]
        """,
        id="the-node-image-user-is-used-not-a-second-one",
    ),
    pytest.param(
        """
        FROM python:3.12 AS builder
        RUN pip wheel --wheel-dir /wheels flask
        FROM builder AS final
        COPY . /app
        CMD ["python", "/app/app.py"]
        """,
        None,
        """
        FROM python:3.12 AS builder
        RUN pip wheel --wheel-dir /wheels flask
        FROM builder AS final
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        COPY . /app
        USER 10001:10001
        CMD ["python", "/app/app.py"]
        """,
        id="only-the-final-stage-changes-and-its-family-comes-through-the-stage-chain",
    ),
    pytest.param(
        """
        FROM mycompany/base:3
        RUN apt-get update && apt-get install -y python3
        COPY app.py /app.py
        CMD ["python3", "/app.py"]
        """,
        None,
        """
        FROM mycompany/base:3
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        RUN apt-get update && apt-get install -y python3
        COPY app.py /app.py
        USER 10001:10001
        CMD ["python3", "/app.py"]
        """,
        id="an-unknown-base-using-apt-get-is-debian",
    ),
    pytest.param(
        """
        from ubuntu:24.04
        copy app /app
        cmd ["/app"]
        """,
        None,
        """
        from ubuntu:24.04
        run groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        copy app /app
        user 10001:10001
        cmd ["/app"]
        """,
        id="lowercase-keywords-stay-lowercase",
    ),
    pytest.param(
        """
        FROM mcr.microsoft.com/dotnet/aspnet:8.0
        WORKDIR /app
        COPY out/ .
        ENTRYPOINT ["dotnet", "Web.dll"]
        """,
        None,
        """
        FROM mcr.microsoft.com/dotnet/aspnet:8.0
        WORKDIR /app
        COPY out/ .
        USER 1654:1654
        ENTRYPOINT ["dotnet", "Web.dll"]
        """,
        id="dotnet-images-ship-user-app-which-is-used-not-created-again",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /code
        COPY . .
        RUN mkdir -p /code/media && chown -R 1000:2000 /code/media
        CMD ["gunicorn", "-b", ":8000", "site.wsgi"]
        """,
        None,
        """
        FROM python:3.12-slim
        WORKDIR /code
        COPY . .
        RUN mkdir -p /code/media && chown -R 1000:2000 /code/media
        USER 1000:2000
        CMD ["gunicorn", "-b", ":8000", "site.wsgi"]
        """,
        id="the-owner-the-file-gives-its-files-is-the-user",
    ),
    pytest.param(
        """
        FROM amazonlinux:2023
        COPY server /usr/local/bin/server
        CMD ["server"]
        """,
        None,
        """
        FROM amazonlinux:2023
        COPY server /usr/local/bin/server
        USER 10001:10001
        CMD ["server"]
        """,
        id="no-useradd-in-the-base-a-numeric-user-needs-no-account",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "embed.py"]
        """,
        {"embed.py": 'from sentence_transformers import SentenceTransformer\nmodel = SentenceTransformer("all-MiniLM-L6-v2", cache_folder="/embedding_model")\n'},
        """
        FROM python:3.12-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        WORKDIR /app
        COPY . .
        RUN mkdir -p /embedding_model && chown -R 10001:10001 /embedding_model
        USER 10001:10001
        CMD ["python", "embed.py"]
        """,
        id="a-folder-a-library-caches-models-in-is-given-to-the-user",
    ),
    pytest.param(
        """
        FROM python:3.12-slim
        COPY . /app
        # start the server
        CMD ["gunicorn", "-b", ":8000", "app:app"]
        """,
        None,
        """
        FROM python:3.12-slim
        RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app
        COPY . /app
        USER 10001:10001
        # start the server
        CMD ["gunicorn", "-b", ":8000", "app:app"]
        """,
        id="user-goes-above-the-comment-of-cmd",
    ),
]


@pytest.mark.parametrize("source, files, expected", FIX)
def test_fixes(source, files, expected, tmp_path):
    result = assert_fixes("DO401", dedent(source), dedent(expected), context=build_context(files, tmp_path))
    (fix,) = result.applied
    assert fix.safety is Safety.UNSAFE and "unsafe" in fix.text


def test_the_fix_is_left_out_without_unsafe_fixes(tmp_path):
    source, result = run(FIX[0].values[0], FIX[0].values[1], tmp_path, unsafe=False)
    assert result.output == source
    assert [f.safety for f in result.unsafe_left_out] == [Safety.UNSAFE]


def test_the_message_names_what_the_user_may_write(tmp_path):
    _, result = run(FIX[6].values[0], FIX[6].values[1], tmp_path)
    assert "may write /var/lib/shop" in result.applied[0].text


def test_writes_to_paths_known_only_at_run_time_leave_it_root_and_say_what_to_check(tmp_path):
    _, result = run(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        CMD ["python", "dump.py"]
        """,
        {"dump.py": "import sys\nwith open(sys.argv[1], 'w') as f:\n    f.write('x')\n"},
        tmp_path,
    )
    assert not result.changed
    assert any("known only at run time (dump.py:2)" in f.text for f in result.fixes)


def test_app_facts_only_count_for_files_in_the_image(tmp_path):
    # tools/serve80.py binds port 80 but is not copied into the image
    source, result = run(
        """
        FROM python:3.12-slim
        COPY app.py /app/app.py
        CMD ["python", "/app/app.py"]
        """,
        {"app.py": "print('hi')\n", "tools/serve80.py": "import socket\nsocket.socket().bind(('', 80))\n"},
        tmp_path,
    )
    assert result.changed


def test_a_stage_with_nothing_to_run_gets_the_user_made_before_it_switches(tmp_path):
    source = "FROM busybox AS base\nCMD [\"sleep\", \"60\"]\nFROM base\nENV LEVEL=5\n"
    _, result = run(source, None, tmp_path)
    assert result.output == (
        "FROM busybox AS base\nCMD [\"sleep\", \"60\"]\nFROM base\n"
        "RUN addgroup -g 10001 app && adduser -D -u 10001 -G app -h /home/app -s /sbin/nologin app\n"
        "USER 10001:10001\nENV LEVEL=5\n"
    )


def test_the_whole_run_keeps_the_user_creation_a_step_of_its_own():
    source = "FROM debian:bookworm-slim\nRUN echo data > /data.txt\nCMD [\"cat\", \"/data.txt\"]\n"
    result = dockopt.fix(source, unsafe_fixes=True)
    assert "RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-log-init --create-home --shell /usr/sbin/nologin app\nRUN echo data > /data.txt\n" in result.output


def test_a_batch_where_one_context_holds_another_reads_each_app_from_its_own_root(tmp_path):
    # repo/Dockerfile's context holds app/notes.py; app/Dockerfile's context is app/. Read in one
    # run (one process), the second gets what it gets alone: the data folder its app writes.
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "DO401"
    before = (fixtures / "app-writes-data-folder.before.Dockerfile").read_bytes()
    shutil.copytree(fixtures / "app-writes-data-folder.context", tmp_path / "app")
    (tmp_path / "Dockerfile").write_bytes(before)
    (tmp_path / "app" / "Dockerfile").write_bytes(before)

    done = subprocess.run(
        [sys.executable, "-m", "dockopt", "fix", "--write", "--unsafe-fixes", "--select", "DO401", "-j", "1", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "app" / "Dockerfile").read_bytes() == (fixtures / "app-writes-data-folder.after.Dockerfile").read_bytes()
