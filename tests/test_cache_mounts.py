"""The cache policy "mount": DO253-DO255 (transforms/*_cache_mount.py, dockopt/cache_mounts.py),
the cleanup passes standing down, and the `cache` setting in the config and on the command line."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"
APT = "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked"
PIP = "--mount=type=cache,target=/root/.cache/pip"
NPM = "--mount=type=cache,target=/root/.npm"


NOOP = [
    pytest.param("RUN apt-get install -y make && apt-get update", id="apt installs before it updates"),
    pytest.param("RUN apt-get update && apt-get install -y make\nRUN apt-get install -y curl", id="a later RUN installs from the lists"),
    pytest.param("USER app\nRUN apt-get update && apt-get install -y make", id="apt run by another user than root"),
    pytest.param("ONBUILD RUN apt-get update && apt-get install -y make", id="onbuild"),
    pytest.param('RUN ["apt-get", "update"]', id="exec form"),
    pytest.param("RUN apt-get update && apt-get install -y make && (rm -rf /var/lib/apt/lists/*)", id="a cleanup we cannot take out"),
    pytest.param(f"RUN {APT} apt-get update && apt-get install -y make", id="apt already mounted"),
    pytest.param("ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask", id="pip cache turned off on purpose"),
    pytest.param("RUN pip install --cache-dir=/c flask", id="pip cache placed on purpose"),
    pytest.param("RUN pip install flask\nRUN ls /root/.cache/pip", id="a later step reads the pip cache"),
    pytest.param("RUN HOME=/tmp pip install flask", id="a home set inside the RUN"),
    pytest.param(f"RUN {PIP} pip install flask", id="pip already mounted"),
    pytest.param("RUN npm install && npm cache clean", id="npm cache clean without --force keeps failing"),
    pytest.param("RUN npm install --offline", id="an offline install reads the image's cache"),
    pytest.param("ENV npm_config_cache=/c\nRUN npm ci", id="npm cache placed on purpose"),
    pytest.param("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN pip install flask", id="windows stage"),
]


FIX = [
    pytest.param("RUN apt-get update && apt-get install -y make", f"RUN {APT} apt-get update && apt-get install -y make", id="apt"),
    pytest.param(
        "RUN apt-get update && apt-get install -y make && apt-get clean && rm -rf /var/lib/apt/lists/*",
        f"RUN {APT} apt-get update && apt-get install -y make",
        id="apt cleanups at the end go together",
    ),
    pytest.param(
        "RUN apt-get update && apt-get clean && apt-get install -y make",
        f"RUN {APT} apt-get update && apt-get install -y make",
        id="apt cleanup in the middle",
    ),
    pytest.param(
        "RUN apt-get update && apt-get install -y make && rm -rf /var/lib/apt/lists/* /tmp/*",
        f"RUN {APT} apt-get update && apt-get install -y make && rm -rf /tmp/*",
        id="only the apt paths of an rm go",
    ),
    pytest.param(
        "RUN --mount=type=secret,id=token apt-get update && apt-get install -y make",
        f"RUN {APT} --mount=type=secret,id=token apt-get update && apt-get install -y make",
        id="other mounts stay",
    ),
    pytest.param("RUN pip install --no-cache-dir flask", f"RUN {PIP} pip install flask", id="pip --no-cache-dir goes"),
    pytest.param(
        "ENV XDG_CACHE_HOME=/cache\nRUN pip install flask",
        "ENV XDG_CACHE_HOME=/cache\nRUN --mount=type=cache,target=/cache/pip pip install flask",
        id="pip cache under XDG_CACHE_HOME",
    ),
    pytest.param("USER root\nRUN pip install flask", f"USER root\nRUN {PIP} pip install flask", id="USER root"),
    pytest.param("RUN uv pip install --system flask", "RUN --mount=type=cache,target=/root/.cache/uv uv pip install --system flask", id="uv pip"),
    pytest.param("RUN npm ci && npm cache clean --force", f"RUN {NPM} npm ci", id="npm"),
    pytest.param(
        "RUN yarn && yarn cache clean",
        "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn,sharing=locked yarn",
        id="yarn 1 as root",
    ),
]


test_mount_policy_leaves_alone, test_mount_policy_fix = table_tests(
    ["DO253", "DO254", "DO255"], NOOP, FIX, prefix=FROM, suffix="\n", cache="mount", unsafe_fixes=False
)


def test_multi_line_cleanup_goes_with_its_line():
    source = FROM + "RUN apt-get update \\\n    && apt-get install -y make \\\n    && rm -rf /var/lib/apt/lists/*\n"
    output = dockopt.fix(source, select=["DO253"], cache="mount").output
    assert output == FROM + f"RUN {APT} apt-get update \\\n    && apt-get install -y make\n"


@pytest.mark.parametrize(
    "body, code",
    [
        pytest.param("RUN apt-get update && apt-get install -y make", "DO214", id="apt lists cleanup"),
        pytest.param("RUN pip install flask", "DO240", id="pip --no-cache-dir"),
        pytest.param("RUN npm ci", "DO245", id="npm cache clean"),
    ],
)
def test_cleanup_passes_stand_down_where_a_mount_takes_over(body, code):
    source = FROM + body + "\n"
    assert dockopt.fix(source, select=[code], cache="clean").output != source
    assert dockopt.fix(source, select=[code], cache="mount").output == source


def test_cleanup_still_runs_where_no_mount_can():
    source = FROM + "USER 1000\nRUN apt-get update && apt-get install -y make\n"
    assert "rm -rf /var/lib/apt/lists/*" in dockopt.fix(source, cache="mount").output


def test_the_default_run_never_mounts_and_the_mount_run_never_cleans():
    source = FROM + "RUN apt-get update && apt-get install -y make\nRUN pip install flask\nRUN npm ci\n"
    clean = dockopt.fix(source, unsafe_fixes=True).output
    mount = dockopt.fix(source, unsafe_fixes=True, cache="mount").output
    assert "--mount" not in clean and "rm -rf /var/lib/apt/lists" in clean and "--no-cache-dir" in clean
    assert "rm -rf" not in mount and "--no-cache-dir" not in mount and "cache clean" not in mount
    assert mount.count("--mount=type=cache") == 4
    assert not mount.startswith("# syntax"), "the built-in frontend of Docker 20.10+ reads RUN --mount"


def test_parser_directives_stay_on_top():
    source = "# escape=`\n" + FROM + "RUN pip install flask\n"
    assert dockopt.fix(source, cache="mount").output == "# escape=`\n" + FROM + f"RUN {PIP} pip install flask\n"


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError):
        dockopt.fix(FROM, cache="purge")


# -- the setting ---------------------------------------------------------------------------------

DOCKERFILE = FROM + "RUN pip install flask\n"


def test_config_key_chooses_the_policy(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".dockopt.toml").write_text('cache = "mount"\n')
    code, out, err = cli("fix", "--select", "DO240,DO254", "Dockerfile")
    assert PIP in out and "--no-cache-dir" not in out


def test_command_line_wins_over_the_config(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "pyproject.toml").write_text('[tool.dockopt]\ncache = "mount"\n')
    code, out, err = cli("fix", "--select", "DO240,DO254", "--cache", "clean", "Dockerfile")
    assert "--no-cache-dir" in out and "--mount" not in out


def test_command_line_option(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    code, out, err = cli("fix", "--cache", "mount", "Dockerfile")
    assert PIP in out


def test_bad_config_value_is_reported(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".dockopt.toml").write_text('cache = "keep"\n')
    code, out, err = cli("fix", "Dockerfile")
    assert code == 2 and "'cache' must be \"clean\" or \"mount\"" in err


def test_docker_clean_goes_once_per_stage_and_only_as_an_unsafe_fix():
    source = FROM + "RUN apt-get update && apt-get install -y make\nRUN apt-get update && apt-get install -y curl\n"
    safe = dockopt.fix(source, select=["DO253", "DO256"], cache="mount").output
    assert "docker-clean" not in safe
    unsafe = dockopt.fix(source, select=["DO253", "DO256"], cache="mount", unsafe_fixes=True).output
    assert unsafe.count("rm -f /etc/apt/apt.conf.d/docker-clean && ") == 1
    assert dockopt.fix(unsafe, select=["DO253", "DO256"], cache="mount", unsafe_fixes=True).output == unsafe
