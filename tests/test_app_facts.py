"""app_facts: what an app in the build context binds, writes and runs; and what the final image runs."""

from __future__ import annotations

import textwrap

import pytest

from dockopt import app_facts
from dockopt.app_facts import PathRef, analyse
from dockopt.commands import server_ports, unwrap
from dockopt.base_images import family
from dockopt.document import Document


def facts_for(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return analyse(tmp_path)


def writes(facts) -> set[tuple[str, str]]:
    return {(w.kind, str(w.path)) for w in facts.writes}


# -- ports -----------------------------------------------------------------------------------------

PORTS = [
    pytest.param("app.run(host='0.0.0.0', port=8080)", 8080, id="flask-app-run-keyword"),
    pytest.param("app.run('0.0.0.0', 5001)", 5001, id="flask-app-run-positional"),
    pytest.param("import os\napp.run(port=int(os.environ.get('PORT', 5000)))", 5000, id="a-port-from-the-environment-uses-its-default"),
    pytest.param("import uvicorn\nuvicorn.run(app, host='0.0.0.0', port=80)", 80, id="uvicorn-run"),
    pytest.param("import uvicorn\nuvicorn.run('main:app', '0.0.0.0', 9000)", 9000, id="uvicorn-run-positional"),
    pytest.param("import socket\ns = socket.socket()\ns.bind(('', 443))\ns.listen(5)", 443, id="socket-bind-not-listen-backlog"),
    pytest.param("from http.server import HTTPServer\nHTTPServer(('', 8000), None).serve_forever()", 8000, id="http-server"),
    pytest.param("PORT = 8081\nfrom aiohttp import web\nweb.run_app(app, port=PORT)", 8081, id="a-port-from-a-module-constant"),
    pytest.param("from waitress import serve\nserve(app, host='0.0.0.0', port=8088)", 8088, id="waitress-serve"),
]


@pytest.mark.parametrize("code, port", PORTS)
def test_ports(code, port, tmp_path):
    facts = facts_for(tmp_path, {"app.py": code})
    assert [p.number for p in facts.ports] == [port]


def test_a_client_port_is_not_a_bound_port(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "from redis import Redis\nr = Redis(host='redis', port=6379)\n"})
    assert facts.ports == ()


def test_ports_in_the_main_guard_are_marked(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "if __name__ == '__main__':\n    app.run(port=80)\n"})
    assert [(p.number, p.main_only) for p in facts.ports] == [(80, True)]


def test_a_gunicorn_config_bind(tmp_path):
    facts = facts_for(tmp_path, {"gunicorn.conf.py": "bind = ['0.0.0.0:80', 'unix:/tmp/g.sock']\nworkers = 2\n"})
    assert [(p.number, p.via) for p in facts.ports] == [(80, "gunicorn config")]


# -- writes ----------------------------------------------------------------------------------------

WRITES = [
    pytest.param("open('out.txt', 'w')", {("file", "./out.txt")}, id="open-for-writing"),
    pytest.param("open('in.txt')\nopen('in.txt', 'rb')", set(), id="open-for-reading-is-no-write"),
    pytest.param("open(file='log.txt', mode='a+')", {("file", "./log.txt")}, id="open-with-keywords"),
    pytest.param("from pathlib import Path\nPath('data/x.json').write_text('{}')", {("file", "./data/x.json")}, id="path-write-text"),
    pytest.param("from pathlib import Path\n(Path('/srv') / 'cache').mkdir()", {("dir", "/srv/cache")}, id="path-mkdir-with-slash"),
    pytest.param("import os\nos.makedirs('/var/lib/app/uploads', exist_ok=True)", {("dir", "/var/lib/app/uploads")}, id="os-makedirs"),
    pytest.param("import sqlite3\nsqlite3.connect('instance/app.db')", {("database", "./instance/app.db")}, id="sqlite3-connect"),
    pytest.param("import sqlite3\nsqlite3.connect(':memory:')", set(), id="an-in-memory-sqlite-is-no-write"),
    pytest.param("URL = 'sqlite:////data/db.sqlite'", {("database", "/data/db.sqlite")}, id="an-absolute-sqlalchemy-url"),
    pytest.param("URL = 'sqlite:///./app.db'", {("database", "./app.db")}, id="a-relative-sqlalchemy-url"),
    pytest.param("import shutil\nshutil.copy('a', '/backups/a')", {("file", "/backups/a")}, id="shutil-copy-target"),
    pytest.param("import logging\nlogging.basicConfig(filename='/var/log/app/app.log')", {("file", "/var/log/app/app.log")}, id="a-log-file"),
    pytest.param("name = input()\nopen(f'reports/{name}.txt', 'w')", {("file", "./reports…")}, id="an-f-string-keeps-its-static-folder"),
    pytest.param(
        "import os\nBASE = os.path.dirname(os.path.abspath(__file__))\nopen(os.path.join(BASE, 'data', 'x.csv'), 'w')",
        {("file", "<module>/data/x.csv")},
        id="a-path-next-to-the-module",
    ),
    pytest.param(
        "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}",
        {("database", "<module>/../db.sqlite3")},
        id="django-sqlite-settings",
    ),
    pytest.param("import tempfile, os\nos.makedirs(tempfile.gettempdir() + '/x')", set(), id="temp-files-are-no-concern"),
]


@pytest.mark.parametrize("code, expected", WRITES)
def test_writes(code, expected, tmp_path):
    assert writes(facts_for(tmp_path, {"app.py": code})) == expected


def test_a_path_from_another_module(tmp_path):
    facts = facts_for(
        tmp_path,
        {"config.py": "import os\nDATA_DIR = os.getenv('DATA_DIR', '/srv/data')\n", "app.py": "from config import DATA_DIR\nimport os\nos.makedirs(DATA_DIR)\n"},
    )
    assert writes(facts) == {("dir", "/srv/data")}


def test_a_flask_config_value(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "import os\napp.config['UPLOAD_FOLDER'] = 'static/uploads'\n\ndef up(f, n):\n    f.save(os.path.join(app.config['UPLOAD_FOLDER'], n))\n"})
    assert writes(facts) == {("file", "./static/uploads…")}


def test_a_write_to_a_computed_path_is_unknown(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "import sys\nopen(sys.argv[1], 'w')\n"})
    assert facts.writes == () and [str(s) for s in facts.unknown_writes] == ["app.py:2"]


def test_the_folder_a_write_needs(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "import sqlite3, os\nsqlite3.connect('db/app.db')\nos.makedirs('cache')\n"})
    assert sorted(str(w.folder) for w in facts.writes) == ["./cache", "./db"]


def test_home_writes_are_noted(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "from pathlib import Path\n(Path.home() / '.cache').mkdir()\n"})
    assert [str(s) for s in facts.uses_home] == ["app.py:2"]


# -- runs and privileges ---------------------------------------------------------------------------


def test_programs_it_runs(tmp_path):
    facts = facts_for(
        tmp_path,
        {"app.py": "import os, subprocess\nsubprocess.run(['ffmpeg', '-i', 'x'])\nos.system('convert a b')\nsubprocess.Popen(cmd)\n"},
    )
    assert [(r.program, r.via) for r in facts.runs] == [("ffmpeg", "subprocess.run"), ("convert", "os.system"), (None, "subprocess.Popen")]


def test_privilege_drops_and_root_calls(tmp_path):
    facts = facts_for(tmp_path, {"app.py": "import os\nos.chown('/data', 1000, 1000)\nos.setgid(1000)\nos.setuid(1000)\n"})
    assert [str(s) for s in facts.privilege_drops] == ["app.py:3", "app.py:4"]
    assert [r.via for r in facts.root_calls] == ["os.chown"]


# -- bounds -------------------------------------------------------------------------------------


def test_tests_virtualenvs_and_node_modules_are_skipped(tmp_path):
    facts = facts_for(
        tmp_path,
        {
            "app.py": "x = 1\n",
            "tests/test_app.py": "open('x', 'w')\n",
            "test_other.py": "open('x', 'w')\n",
            "node_modules/pkg/a.py": "open('x', 'w')\n",
            ".venv/lib/a.py": "open('x', 'w')\n",
            "env2/pyvenv.cfg": "home = /usr\n",
            "env2/lib/b.py": "open('x', 'w')\n",
        },
    )
    assert facts.files == ("app.py",) and facts.writes == ()


def test_files_that_do_not_parse_are_skipped_with_a_reason(tmp_path):
    facts = facts_for(tmp_path, {"old.py": "print 'python 2'\nopen('x', 'w')\n", "app.py": "open('x', 'w')\n"})
    assert facts.files == ("app.py",)
    assert any(s.startswith("old.py: does not parse") for s in facts.skipped)


def test_huge_files_and_trees_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(app_facts, "MAX_FILES", 2)
    facts = facts_for(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(4)})
    assert len(facts.files) == 2 and not facts.complete


def test_dockerignored_files_are_not_analysed(tmp_path):
    from dockopt.context import BuildContext

    (tmp_path / ".dockerignore").write_text("scripts\n")
    facts_for(tmp_path, {"app.py": "x = 1\n", "scripts/admin.py": "open('/etc/x', 'w')\n"})
    facts = analyse(tmp_path, BuildContext(tmp_path))
    assert facts.files == ("app.py",)


def test_results_are_cached_until_a_file_changes(tmp_path):
    first = facts_for(tmp_path, {"app.py": "x = 1\n"})
    assert analyse(tmp_path) is first
    (tmp_path / "app.py").write_text("open('y', 'w')\n# changed\n")
    assert analyse(tmp_path) is not first


def test_nothing_is_executed(tmp_path):
    facts_for(tmp_path, {"app.py": "open('EXECUTED', 'w')\nraise SystemExit(1)\n"})
    assert not (tmp_path / "EXECUTED").exists()


# -- the Dockerfile side ---------------------------------------------------------------------------

SERVERS = [
    pytest.param(["gunicorn", "app:app", "-b", "0.0.0.0:80"], {}, [80], id="gunicorn-b"),
    pytest.param(["gunicorn", "--bind=:8000", "app:app"], {}, [8000], id="gunicorn-bind-equals"),
    pytest.param(["gunicorn", "-b", ":$PORT", "app:app"], {"PORT": "8080"}, [8080], id="gunicorn-bind-from-env"),
    pytest.param(["gunicorn", "app:app"], {"PORT": "80"}, [80], id="gunicorn-reads-PORT"),
    pytest.param(["gunicorn", "app:app"], {}, [8000], id="gunicorn-default"),
    pytest.param(["uvicorn", "main:app", "--port", "80"], {}, [80], id="uvicorn-port"),
    pytest.param(["python", "-m", "uvicorn", "main:app"], {}, [8000], id="python-m-uvicorn-default"),
    pytest.param(["flask", "run", "-h", "0.0.0.0"], {}, [5000], id="flask-run-default"),
    pytest.param(["flask", "run", "--port=80"], {}, [80], id="flask-run-port"),
    pytest.param(["python", "manage.py", "runserver", "0.0.0.0:80"], {}, [80], id="django-runserver"),
    pytest.param(["python", "-m", "http.server", "8080"], {}, [8080], id="http-server"),
    pytest.param(["python", "app.py"], {}, None, id="a-script-is-not-a-known-server"),
]


@pytest.mark.parametrize("argv, env, expected", SERVERS)
def test_server_ports(argv, env, expected):
    assert server_ports(argv, env) == expected


def test_unwrap_removes_wrappers():
    assert unwrap(["tini", "--", "gunicorn", "app:app"]) == [["gunicorn", "app:app"]]
    assert unwrap(["dumb-init", "uv", "run", "uvicorn", "m:app"]) == [["uvicorn", "m:app"]]
    assert unwrap(["sh", "-c", "cd /app && exec gunicorn -b :80 app:app"]) == [["cd", "/app"], ["gunicorn", "-b", ":80", "app:app"]]


def test_image_plan_follows_the_stage_chain():
    doc = Document(
        textwrap.dedent(
            """\
            ARG PY=3.12
            FROM python:${PY}-slim AS base
            ENV PORT=8000
            WORKDIR /srv
            USER 1000
            FROM base AS final
            COPY src/ ./app/
            COPY entrypoint.sh /usr/local/bin/
            ENTRYPOINT ["tini", "--", "entrypoint.sh"]
            CMD gunicorn -b :$PORT app:app
            """
        )
    )
    plan = doc.image.runtime()
    assert [s.name for s in plan.chain] == ["base", "final"]
    assert plan.base_image == "python:3.12-slim" and plan.workdir == "/srv" and plan.user == "1000"
    assert plan.commands() == [["entrypoint.sh"], ["gunicorn", "-b", ":$PORT", "app:app"]]
    assert plan.container_path("src/pkg/mod.py") == "/srv/app/pkg/mod.py"
    assert plan.context_path("/srv/app/pkg/mod.py") == "src/pkg/mod.py"
    assert plan.context_path("/usr/local/bin/entrypoint.sh") == "entrypoint.sh"


def test_path_refs_resolve_in_the_image():
    assert PathRef("cwd", "data").resolve("/app") == "/app/data"
    assert PathRef("module", "../db.sqlite3", True, "proj/settings.py").resolve("/", module_dir="/app/proj") == "/app/db.sqlite3"
    assert PathRef("tmp").resolve("/app") is None


# -- base image families ---------------------------------------------------------------------------

FAMILIES = [
    ("python:3.12-slim", "debian"),
    ("python:3.12", "debian"),
    ("python:3.12-alpine", "alpine"),
    ("docker.io/library/node:20-bookworm", "debian"),
    ("ubuntu:24.04", "debian"),
    ("alpine:3.20", "alpine"),
    ("mirror.gcr.io/busybox", "alpine"),
    ("rockylinux:9", "rhel"),
    ("registry.access.redhat.com/ubi9/ubi", "rhel"),
    ("registry.access.redhat.com/ubi9/ubi-minimal", "unknown"),
    ("oraclelinux:9-slim", "unknown"),
    ("gcr.io/distroless/python3-debian12:nonroot", "distroless"),
    ("cgr.dev/chainguard/python:latest", "distroless"),
    ("scratch", "scratch"),
    ("mcr.microsoft.com/windows/servercore:ltsc2022", "unknown"),
    ("$BASE_IMAGE", "unknown"),
    ("registry.example.com/team/runtime:7", "unknown"),
    ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "debian"),
]


@pytest.mark.parametrize("reference, expected", FAMILIES, ids=[r for r, _ in FAMILIES])
def test_base_image_family(reference, expected):
    assert family(reference) == expected


def test_names_defined_through_themselves_end(tmp_path):
    code = "p = 'a'\n" + "p = p + '/x'\n" * 4 + "open(p, 'w')\n"
    facts = facts_for(tmp_path, {"app.py": code})
    assert facts.writes == () and len(facts.unknown_writes) == 1


# -- bounded by what is read, never by the clock -------------------------------------------------------


def _fresh(root):
    app_facts._CACHE.clear()
    app_facts._MODULES.clear()
    return analyse(root)


def test_the_same_tree_gives_the_same_facts_every_time(tmp_path, monkeypatch):
    monkeypatch.setattr(app_facts, "MAX_PARSED_BYTES", 2000)
    files = {f"pkg/mod{i:03}.py": f"import os\nos.makedirs('/data/{i}', exist_ok=True)\n" + "x = 1\n" * 40 for i in range(60)}
    files["app.py"] = "open('/srv/out.txt', 'w')\n"
    facts_for(tmp_path, files)
    runs = [_fresh(tmp_path) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert not runs[0].complete
    assert any(s.endswith("over the analysis limits (bytes parsed)") for s in runs[0].skipped)


def test_the_apps_own_modules_are_parsed_before_deeper_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(app_facts, "MAX_PARSED_BYTES", 25)
    facts = facts_for(tmp_path, {"a/b/deep.py": "open('/deep', 'w')\n", "main.py": "open('/top', 'w')\n"})
    assert writes(facts) == {("file", "/top")}


def test_a_module_that_only_holds_constants_is_read_when_looked_up(tmp_path):
    facts = facts_for(
        tmp_path,
        {"settings_base.py": "DATA = '/var/lib/app'\n", "app.py": "import os\nfrom settings_base import DATA\nos.makedirs(DATA)\n"},
    )
    assert writes(facts) == {("dir", "/var/lib/app")}
    assert set(facts.files) == {"app.py", "settings_base.py"}


def test_parsed_modules_are_shared_until_the_file_changes(tmp_path):
    facts_for(tmp_path, {"app.py": "open('/a', 'w')\n"})
    _fresh(tmp_path)
    [key] = [key for key in app_facts._MODULES if key[0].endswith("app.py")]
    app_facts._CACHE.clear()
    analyse(tmp_path)
    assert key in app_facts._MODULES and len(app_facts._MODULES) == 1
    (tmp_path / "app.py").write_text("open('/b', 'w')  # longer now\n")
    assert writes(analyse(tmp_path)) == {("file", "/b")}


def test_the_app_s_own_escape_warnings_are_neither_printed_nor_taken_for_errors(tmp_path, recwarn):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as `python -W error` would make them SyntaxErrors
        facts = facts_for(tmp_path, {"app.py": 'import os\nPATTERN = "\\_"\nos.makedirs("/data/cache")\n'})
    assert ("dir", "/data/cache") in writes(facts)
    assert not recwarn.list
