"""DO301 dependency-manifests-first: when manifests move ahead of the source copy, and when they stay."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.context import BuildContext
from dockopt.transform import Safety
from tests.rule_tables import assert_fixes, assert_leaves_alone, assert_stable


def context(tmp_path, files: dict[str, str] | None):
    if files is None:
        return None
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return BuildContext(tmp_path)


def run(text: str, files, tmp_path, unsafe=True):
    return assert_stable("DO301", text, unsafe_fixes=unsafe, context=context(tmp_path, files))


REQ = {"requirements.txt": "flask\n", "app.py": "print(1)\n"}
PY = "FROM python:3.11\nWORKDIR /app\n"

NO_OP = [
    pytest.param("FROM python:3.11\nENV PIP_FIND_LINKS=/app/vendor PIP_NO_INDEX=1\nWORKDIR /app\nCOPY . .\n"
                 "RUN pip install -r requirements.txt\n", {**REQ, "vendor/six.whl": ""},
                 id="an-env-setting-that-points-pip-into-the-source-keeps-the-install-below-it"),
    pytest.param(PY + "COPY . .\nRUN PIP_FIND_LINKS=wheels pip install -r requirements.txt\n", {**REQ, "wheels/a.whl": ""},
                 id="a-relative-setting-in-the-run-itself-reads-the-source"),
    pytest.param(PY + "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n", REQ,
                 id="manifests-already-come-first"),
    pytest.param(PY + "COPY . .\nRUN python setup.py build\nRUN pip install -r requirements.txt\n", REQ,
                 id="a-step-that-reads-the-source-keeps-the-install-below-it"),
    pytest.param(PY + "COPY . .\nRUN pip install .\n", REQ, id="installing-the-project-needs-the-source"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "-e .\n"},
                 id="a-requirements-file-with-an-editable-local-path-needs-the-source"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "./libs/core\n"},
                 id="a-requirements-file-with-a-local-folder-needs-the-source"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "-r ../other.txt\n"},
                 id="an-include-missing-from-the-context-is-left-alone"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                 {"package.json": '{"scripts": {"prepare": "husky"}}', "package-lock.json": "{}"},
                 id="an-npm-install-hook-may-read-the-source"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", {"package.json": "[]", "package-lock.json": "{}"},
                 id="a-package-json-that-is-not-an-object-is-left-alone"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                 {"package.json": '{"dependencies": ["express"]}', "package-lock.json": "{}"},
                 id="a-package-json-section-that-is-not-an-object-is-left-alone"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", {"package.json": '{"scripts": 1}', "package-lock.json": "{}"},
                 id="package-json-scripts-that-are-not-an-object-are-left-alone"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                 {"package.json": "{}", "package-lock.json": "{}", "node_modules/x/i.js": ""},
                 id="a-node-modules-folder-in-the-context-would-overwrite-the-install"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install express\n",
                 {"package.json": "{}"}, id="npm-install-of-a-package-changes-package-json"),
    pytest.param("FROM golang:1.22\nWORKDIR /s\nCOPY . .\nRUN go mod download\n",
                 {"go.mod": "module m\nreplace x => ./x\n"}, id="a-go-replace-with-a-local-folder-needs-the-source"),
    pytest.param("FROM golang:1.22\nWORKDIR /s\nCOPY go.* ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n",
                 {"go.mod": "module m\n", "go.sum": ""}, id="modules-already-downloaded-from-go-mod-are-not-downloaded-again"),
    pytest.param("FROM ruby:3\nWORKDIR /a\nCOPY . .\nRUN bundle install\n",
                 {"Gemfile": "gemspec\n", "Gemfile.lock": ""}, id="a-gemspec-gemfile-needs-the-source"),
    pytest.param(PY + "COPY . .\nRUN uv sync\n", {"pyproject.toml": "[tool.uv.workspace]\nmembers = ['p/*']\n", "uv.lock": ""},
                 id="a-uv-workspace-needs-its-members"),
    pytest.param("FROM python:3.11\nCOPY . .\nWORKDIR /app\nRUN pip install flask\n", REQ,
                 id="a-relative-copy-cannot-move-below-a-workdir"),
    pytest.param(PY + "COPY . .\nRUN --mount=type=bind,target=/x pip install -r requirements.txt\n", REQ,
                 id="a-bind-mount-reads-the-context"),
    pytest.param(PY + "COPY . .\nRUN pip install $PACKAGES\n", REQ, id="variables-may-name-source-files"),
    pytest.param(PY + "COPY . .\nRUN cd sub && pip install -r requirements.txt\n", REQ, id="cd-changes-what-paths-mean"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt > log\n", REQ, id="a-redirect-writes-into-the-folder"),
    pytest.param(PY + "COPY . .\nCMD python app.py\n", REQ, id="no-install-after-the-copy"),
    pytest.param(PY + "COPY --from=builder /out .\nRUN pip install flask\n", REQ, id="a-copy-from-another-stage-is-not-the-source"),
    pytest.param(PY + "COPY app.py .\nRUN pip install flask\n", REQ, id="a-single-file-copy-is-not-the-whole-source"),
    pytest.param(PY + "COPY . .\nRUN rm -rf /app/cache && pip install flask\n", {"cache/x": ""},
                 id="a-path-the-copy-provides-stays-below"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\n",
                 {"requirements.txt": "-e git+https://x/y#egg=y\n", "src/y.py": ""},
                 id="an-editable-vcs-clone-would-land-in-the-copied-src-folder"),
]

FIX = [
    pytest.param(PY + 'COPY "app/" ./\nRUN pip install -r requirements.txt\n',
                 {"app/requirements.txt": "flask\n", "app/main.py": "print(1)\n"},
                 PY + 'COPY app/requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY "app/" ./\n',
                 id="a-quoted-source-is-read-as-buildkit-reads-it"),
    pytest.param(PY + 'COPY ["my app/", "./"]\nRUN pip install -r requirements.txt\n',
                 {"my app/requirements.txt": "flask\n", "my app/main.py": "print(1)\n"},
                 PY + 'COPY ["my app/requirements.txt", "./"]\nRUN pip install -r requirements.txt\nCOPY ["my app/", "./"]\n',
                 id="a-path-with-a-space-is-written-in-json-form"),
    pytest.param(PY + 'COPY ["ünï/", "./"]\nRUN pip install -r requirements.txt\n',
                 {"ünï/requirements.txt": "flask\n", "ünï/main.py": "print(1)\n"},
                 PY + 'COPY ünï/requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY ["ünï/", "./"]\n',
                 id="a-path-with-letters-beyond-ascii-is-written-as-it-is"),
    pytest.param("FROM python:3.11\nENV PIP_INDEX_URL=https://pypi.org/simple PIP_NO_INDEX=0\nWORKDIR /app\nCOPY . .\n"
                 "RUN pip install -r requirements.txt\n", REQ,
                 "FROM python:3.11\nENV PIP_INDEX_URL=https://pypi.org/simple PIP_NO_INDEX=0\nWORKDIR /app\n"
                 "COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="settings-that-name-no-source-path-do-not-block-the-move"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="requirements-go-first-into-the-workdir"),
    pytest.param(PY + "COPY . .\nRUN pip install fastapi\nRUN pip install uvicorn\n", REQ,
                 PY + "RUN pip install fastapi\nRUN pip install uvicorn\nCOPY . .\n",
                 id="installs-by-name-move-above-the-copy"),
    pytest.param(PY + "COPY . .\nRUN pip install -r requirements.txt\nRUN python manage.py collectstatic\n", REQ,
                 PY + "COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic\n",
                 id="steps-after-the-last-install-stay-after-the-copy"),
    pytest.param("FROM python:3.11\nCOPY --chown=app --chmod=644 . /srv\nWORKDIR /srv\nRUN pip install -r requirements.txt\n", REQ,
                 "FROM python:3.11\nCOPY --chown=app --chmod=644 requirements.txt /srv/\nWORKDIR /srv\n"
                 "RUN pip install -r requirements.txt\nCOPY --chown=app --chmod=644 . /srv\n",
                 id="flags-and-an-absolute-destination-carry-over"),
    pytest.param(PY + "COPY . .\nRUN pip install -r req/prod.txt\n",
                 {"req/prod.txt": "-r base.txt\n-c ../c.txt\n", "req/base.txt": "flask\n", "c.txt": "flask<4\n"},
                 PY + "COPY req/prod.txt req/base.txt ./req/\nCOPY c.txt ./\nRUN pip install -r req/prod.txt\nCOPY . .\n",
                 id="includes-and-constraints-are-followed-relative-to-their-file"),
    pytest.param("FROM python:3.11\nWORKDIR /app\nCOPY src/ /app/\nRUN pip install -r requirements.txt\n",
                 {"src/requirements.txt": "flask\n"},
                 "FROM python:3.11\nWORKDIR /app\nCOPY src/requirements.txt /app/\nRUN pip install -r requirements.txt\nCOPY src/ /app/\n",
                 id="a-subfolder-copy-maps-manifests-through-it"),
    pytest.param(PY + "COPY . .\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", REQ,
                 PY + "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nCOPY . .\n",
                 id="system-packages-move-above-the-copy"),
    pytest.param(PY + "COPY . .\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\nEXPOSE 80\n", REQ,
                 PY + "ENV PIP_NO_CACHE_DIR=1\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 80\n",
                 id="config-instructions-between-move-with-the-install"),
    pytest.param(PY + "COPY . .\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "RUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="the-manifest-lands-just-above-the-install-that-reads-it-so-the-apt-layer-stays-cached"),
    pytest.param(PY + "COPY . .\nRUN pip install gunicorn\n\n# the app's packages\n# (pinned)\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "RUN pip install gunicorn\n\n# the app's packages\n# (pinned)\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="the-install-s-comment-lines-head-the-manifest-copy-too"),
    pytest.param(PY + "COPY . .\nRUN pip install gunicorn\n# hadolint ignore=DL3042\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "RUN pip install gunicorn\nCOPY requirements.txt ./\n# hadolint ignore=DL3042\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="a-pragma-above-the-install-stays-right-above-it"),
    pytest.param(PY + "\n# Copy the app into the image\nCOPY . .\n\n# Dependencies\nRUN pip install -r requirements.txt\n\nEXPOSE 80\n",
                 REQ,
                 PY + "\n# Dependencies\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
                 "\n# Copy the app into the image\nCOPY . .\n\nEXPOSE 80\n",
                 id="the-source-copy-keeps-its-comment-lines-set-off-as-the-file-set-it-off"),
    pytest.param(PY + "\nCOPY . .\n\nRUN pip install -r requirements.txt\n\nEXPOSE 80\n", REQ,
                 PY + "\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n\nCOPY . .\n\nEXPOSE 80\n",
                 id="a-copy-set-off-by-a-blank-line-and-its-install-swap-places-the-manifest-goes-with-the-install"),
    pytest.param(PY + "COPY . .\n\n# note\n\nRUN pip install -r requirements.txt\nEXPOSE 80\n", REQ,
                 PY + "# note\n\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n\nCOPY . .\nEXPOSE 80\n",
                 id="a-comment-paragraph-between-stays-where-it-was"),
    pytest.param(PY + "COPY . .\n# deps\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "COPY requirements.txt ./\n# deps\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="a-copy-not-set-off-gives-its-line-to-the-manifest"),
    pytest.param(PY + "# hadolint ignore=DL3045\nCOPY . .\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "COPY requirements.txt ./\nRUN pip install -r requirements.txt\n# hadolint ignore=DL3045\nCOPY . .\n",
                 id="a-pragma-above-the-source-copy-stays-with-it"),
    pytest.param(PY + "# --- the app ---\nCOPY . .\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "# --- the app ---\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n",
                 id="a-comment-heading-a-paragraph-that-goes-on-past-the-copy-stays-at-its-head"),
    pytest.param(PY + "\nCOPY . .\n\nRUN apt-get install -y gcc\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "\nRUN apt-get install -y gcc\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n\nCOPY . .\n",
                 id="a-copy-between-two-blank-lines-stays-a-paragraph-of-its-own"),
    pytest.param(PY + "\nCOPY . .\n\nRUN pip install flask\n", REQ,
                 PY + "\nRUN pip install flask\n\nCOPY . .\n",
                 id="an-install-by-name-moves-up-and-the-copy-stays-a-paragraph"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN pip install -r requirements.txt\n",
                 {**REQ, "package.json": "{}", "package-lock.json": "{}"},
                 "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY requirements.txt ./\n"
                 "RUN pip install -r requirements.txt\nCOPY . .\n",
                 id="each-manifest-above-its-own-install"),
    pytest.param("FROM python:3.11\nCOPY . /srv\nWORKDIR /srv\nRUN apt-get install -y gcc\nRUN pip install -r requirements.txt\n", REQ,
                 "FROM python:3.11\nCOPY requirements.txt /srv/\nWORKDIR /srv\nRUN apt-get install -y gcc\nRUN pip install -r requirements.txt\n"
                 "COPY . /srv\n",
                 id="a-workdir-between-may-create-the-folder-first-so-the-manifest-keeps-the-copy-s-place"),
    pytest.param(PY + "COPY --chown=1000 . .\nRUN apt-get install -y gcc\nRUN pip install -r requirements.txt\n", REQ,
                 PY + "COPY --chown=1000 requirements.txt ./\nRUN apt-get install -y gcc\nRUN pip install -r requirements.txt\n"
                 "COPY --chown=1000 . .\n",
                 id="a-copy-with-flags-keeps-its-place-the-copy-that-creates-the-folder-decides-its-owner"),
    pytest.param(PY + "COPY . .\nRUN poetry install --only main\n", {"pyproject.toml": "[tool.poetry]\n", "poetry.lock": ""},
                 PY + "COPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root --only main\nCOPY . .\nRUN poetry install --only main\n",
                 id="poetry-installs-dependencies-first-and-the-project-after"),
    pytest.param(PY + "COPY . .\nRUN pdm install --prod\n", {"pyproject.toml": "", "pdm.lock": ""},
                 PY + "COPY pyproject.toml pdm.lock ./\nRUN pdm install --no-self --prod\nCOPY . .\nRUN pdm install --prod\n",
                 id="pdm-installs-dependencies-first-and-the-project-after"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n",
                 {"package.json": "{}", "yarn.lock": "", ".yarnrc": ""},
                 "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock .yarnrc ./\nRUN yarn install --frozen-lockfile\nCOPY . .\n",
                 id="yarn-copies-its-lock-and-settings"),
    pytest.param("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", None,
                 "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
                 id="without-a-context-npm-copies-package-star-json"),
]


@pytest.mark.parametrize(("text", "files"), NO_OP)
def test_leaves_alone(text, files, tmp_path):
    assert_leaves_alone("DO301", text, context=context(tmp_path, files))


@pytest.mark.parametrize(("text", "files", "expected"), FIX)
def test_fixes(text, files, expected, tmp_path):
    assert_fixes("DO301", text, expected, context=context(tmp_path, files))


def test_with_a_checked_context_the_fix_is_safe(tmp_path):
    result = run(PY + "COPY . .\nRUN pip install -r requirements.txt\n", REQ, tmp_path, unsafe=False)
    assert result.changed
    assert [fix.safety for fix in result.applied] == [Safety.SAFE]


def test_without_a_context_the_fix_is_unsafe_and_says_why(tmp_path):
    result = run(PY + "COPY . .\nRUN pip install -r requirements.txt\n", None, tmp_path, unsafe=False)
    assert not result.changed
    [fix] = result.unsafe_left_out
    assert "no build context" in fix.text


def test_a_split_install_is_unsafe(tmp_path):
    files = {"pyproject.toml": "[project]\nname='a'\n", "uv.lock": ""}
    result = run(PY + "COPY . .\nRUN uv sync --frozen\n", files, tmp_path, unsafe=False)
    assert not result.changed and result.unsafe_left_out


def test_a_dockerignored_venv_does_not_block_uv(tmp_path):
    files = {"pyproject.toml": "", "uv.lock": "", ".venv/pyvenv.cfg": "", ".dockerignore": ".venv\n"}
    result = run(PY + "COPY . .\nRUN uv sync --locked\n", files, tmp_path)
    assert "RUN uv sync --no-install-project --locked\nCOPY . .\nRUN uv sync --locked\n" in result.output


def test_the_project_step_of_a_chain_keeps_only_the_split_command(tmp_path):
    files = {"pyproject.toml": "", "uv.lock": ""}
    result = run(PY + "COPY . .\nRUN pip install uv && uv sync --frozen\n", files, tmp_path)
    assert result.output.endswith("COPY . .\nRUN uv sync --frozen\n")


def test_a_skip_is_reported_with_its_reason(tmp_path):
    result = run(PY + "COPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "-e .\n"}, tmp_path)
    [finding] = result.findings
    assert finding.code == "DO301" and "-e ." in finding.text and finding.line == 4


def test_crlf_and_lowercase_keywords_are_kept(tmp_path):
    text = "from python:3.11\r\nworkdir /app\r\ncopy . .\r\nrun pip install -r requirements.txt\r\n"
    result = run(text, REQ, tmp_path)
    assert result.output == ("from python:3.11\r\nworkdir /app\r\ncopy requirements.txt ./\r\n"
                             "run pip install -r requirements.txt\r\ncopy . .\r\n")


def test_the_project_step_after_a_bind_mounted_dependency_step_stays(tmp_path):
    text = (PY + "RUN --mount=type=bind,source=uv.lock,target=uv.lock --mount=type=bind,source=pyproject.toml,"
            "target=pyproject.toml uv sync --locked --no-install-project\nCOPY . /app\nRUN uv sync --locked\n")
    assert run(text, {"pyproject.toml": "", "uv.lock": ""}, tmp_path).output == text


GO_BUILD = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"


def test_go_build_gets_an_unsafe_module_download_step(tmp_path):
    files = {"go.mod": "module m\n", "go.sum": "", "main.go": ""}
    result = run(GO_BUILD, files, tmp_path)
    assert result.output == ("FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n"
                             "COPY . .\nRUN go build -o /app .\n")
    assert [fix.safety for fix in result.applied] == [Safety.UNSAFE]


def test_go_module_download_goes_above_the_copy_s_comment_lines(tmp_path):
    files = {"go.mod": "module m\n", "main.go": ""}
    text = "FROM golang:1.22\nWORKDIR /src\n# the source\nCOPY . .\n\nRUN go build -o /app .\n"
    assert run(text, files, tmp_path).output == (
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\n# the source\nCOPY . .\n\nRUN go build -o /app .\n"
    )


def test_go_module_download_makes_its_own_paragraph_above_a_copy_that_stands_as_one(tmp_path):
    files = {"go.mod": "module m\n", "main.go": ""}
    text = "FROM golang:1.22\nWORKDIR /src\n\nCOPY . .\n\nRUN go build -o /app .\n"
    assert run(text, files, tmp_path).output == (
        "FROM golang:1.22\nWORKDIR /src\n\nCOPY go.mod ./\nRUN go mod download\n\nCOPY . .\n\nRUN go build -o /app .\n"
    )


def test_go_build_without_a_context_is_left_alone_as_go_mod_may_not_exist(tmp_path):
    # `go build` works without a go.mod (GOPATH mode): `COPY go.mod` would then break the build.
    assert run(GO_BUILD, None, tmp_path).output == GO_BUILD


def test_a_go_workspace_is_left_alone(tmp_path):
    files = {"go.mod": "module m\n", "go.work": "go 1.22\n"}
    assert run(GO_BUILD, files, tmp_path).output == GO_BUILD


@pytest.mark.parametrize(
    ("install", "safety"),
    [
        pytest.param("RUN npm ci", "safe", id="npm-ci-never-writes-the-lock"),
        pytest.param("RUN npm install", "unsafe", id="npm-install-may-rewrite-the-lock-the-full-copy-puts-back"),
        pytest.param("RUN yarn install --frozen-lockfile", "safe", id="a-frozen-yarn-lock-stays-as-it-is"),
        pytest.param("RUN yarn install", "unsafe", id="yarn-may-rewrite-its-lock"),
    ],
)
def test_installers_that_may_rewrite_their_lock_move_only_as_unsafe(tmp_path, install, safety):
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}\n')
    (tmp_path / "package-lock.json").write_text("{}\n")
    (tmp_path / "yarn.lock").write_text("\n")
    (tmp_path / "index.js").write_text("\n")
    source = f"FROM node:20\nWORKDIR /app\nCOPY . .\n{install}\nCMD [\"node\", \"index.js\"]\n"
    result = dockopt.fix(source, select=["DO301"], unsafe_fixes=True, context=tmp_path)
    assert [f.safety.value for f in result.fixes if f.edits] == [safety]


@pytest.mark.parametrize("copy", ["COPY front-end/ .", "COPY ./front-end .", "COPY front-end ."])
def test_a_subfolder_context_gets_its_own_manifests(tmp_path, copy):
    files = {"front-end/package.json": "{}", "front-end/package-lock.json": "{}", "front-end/index.js": ""}
    result = run(f"FROM node:20\nWORKDIR /app\n{copy}\nRUN npm ci\n", files, tmp_path)
    assert result.output.startswith("FROM node:20\nWORKDIR /app\nCOPY front-end/package.json front-end/package-lock.json ./\nRUN npm ci\n")


def test_without_a_context_a_subfolder_with_no_extension_is_taken_for_a_folder(tmp_path):
    result = run("FROM node:20\nWORKDIR /app\nCOPY front-end .\nRUN npm ci\n", None, tmp_path)
    assert "COPY front-end/package*.json ./\nRUN npm ci\nCOPY front-end .\n" in result.output
    assert result.applied[0].safety is Safety.UNSAFE


def test_a_manifest_missing_from_the_context_keeps_the_install_below_the_copy(tmp_path):
    result = run("FROM node:20\nWORKDIR /app\nCOPY . /app\nRUN npm install\n", {"index.js": ""}, tmp_path)
    assert not result.changed
    [finding] = result.fixes
    assert "package.json is not in the build context" in finding.text
