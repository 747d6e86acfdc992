"""hadolint users keep their settings: `.hadolint.yaml` read when dockopt has no config, and the
hadolint codes meaning the same rules everywhere (`explain`, `--select`, pragmas, the config)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dockopt.config import ConfigError, config_for
from dockopt.hadolint_config import load_hadolint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CHAIN_AND_CACHE = "FROM python:3.12-slim\nRUN pip install flask\nRUN echo hi\nUSER nobody\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_hadolint_ignored_codes_are_honoured(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN_AND_CACHE)
    write(tmp_path, ".hadolint.yaml", "ignored:\n  - DL3059\n  - DL3008\n")
    code, out, err = cli("check", "Dockerfile")
    assert "DO240" in out
    assert "DO201" not in out and "DO241" not in out  # DL3059 covers both
    code, out, err = cli("fix", "Dockerfile")
    assert "+RUN pip install --no-cache-dir flask\n" in out and "&& \\" not in out


def test_hadolint_yml_spelling_is_read_too(tmp_path):
    write(tmp_path, ".hadolint.yml", "ignored: [DL3042]\n")
    config_for.cache_clear()
    assert config_for(str(tmp_path)).ignore == ["DL3042"]


def test_override_and_failure_threshold_map_to_severity_and_fail_level(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN_AND_CACHE)
    write(tmp_path, ".hadolint.yaml", "failure-threshold: error\noverride:\n  error: [DL3042]\n  style: [DL3059]\n")
    code, out, _ = cli("check", "Dockerfile")
    assert code == 1
    assert "DO240 error [*]" in out and "DO201 style [*]" in out
    write(tmp_path, ".hadolint.yaml", "failure-threshold: error\n")
    assert cli("check", "Dockerfile")[0] == 0


def test_no_fail_passes_whatever_is_found(cli, tmp_path):
    write(tmp_path, "Dockerfile", "FROM debian:12\nENV API_TOKEN=x\n")
    write(tmp_path, ".hadolint.yaml", "no-fail: true\n")
    assert cli("check", "Dockerfile")[0] == 0


def test_dockopt_config_wins_over_a_hadolint_one_even_further_up(cli, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.dockopt]\nignore = ["DO201"]\n')
    write(tmp_path, "svc/.hadolint.yaml", "ignored: [DL3042]\n")
    write(tmp_path, "svc/Dockerfile", CHAIN_AND_CACHE)
    out = cli("check", "svc/Dockerfile")[1]
    assert "DO240" in out and "DO201" not in out


def test_the_nearest_hadolint_config_is_used_when_dockopt_has_none(tmp_path):
    write(tmp_path, ".hadolint.yaml", "ignored: [DL3059]\n")
    write(tmp_path, "svc/.hadolint.yaml", "ignored: [DL3042]\n")
    (tmp_path / "svc" / "deep").mkdir()
    config_for.cache_clear()
    assert config_for(str(tmp_path / "svc" / "deep")).ignore == ["DL3042"]


def test_unmapped_codes_and_unknown_keys_are_hadolint_business(tmp_path):
    path = write(tmp_path, ".hadolint.yaml", "ignored: [DL3008, SC2154]\nlabel-schema: {}\nformat: json\n")
    assert load_hadolint(str(path)).ignore == []


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("ignored: [\n", "invalid YAML", id="broken YAML"),
        pytest.param("- a\n- b\n", "a hadolint config must be a mapping", id="a list at the top"),
        pytest.param("failure-threshold: loud\n", "'failure-threshold' must be one of", id="an unknown threshold"),
        pytest.param("override:\n  fatal: [DL3059]\n", "unknown level 'fatal'", id="an unknown override level"),
        pytest.param("ignored: 3\n", "'ignored' must be a list of strings", id="ignored not a list"),
    ],
)
def test_a_broken_hadolint_config_is_an_error(tmp_path, text, message):
    path = write(tmp_path, ".hadolint.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_hadolint(str(path))
    assert message in error.value.reason


def test_a_broken_hadolint_config_stops_the_run_with_one_line(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN_AND_CACHE)
    write(tmp_path, ".hadolint.yaml", "failure-threshold: loud\n")
    code, out, err = cli("check", "Dockerfile")
    assert code == 2
    assert err.startswith(f"dockopt: error: {tmp_path / '.hadolint.yaml'}: 'failure-threshold' must be one of")


def test_config_path_takes_a_hadolint_file(cli, tmp_path):
    write(tmp_path, "Dockerfile", CHAIN_AND_CACHE)
    write(tmp_path, "ci/hadolint.yaml", "ignored: [DL3042, DL3059]\n")
    assert cli("check", "--config", "ci/hadolint.yaml", "Dockerfile") == (0, "All checks passed.\n", "")


def test_trusted_registries_keep_rewrites_from_bringing_in_other_registries(cli, tmp_path):
    shutil.copy(FIXTURES / "DO502" / "go-static-binary.before.Dockerfile", tmp_path / "Dockerfile")
    for item in (FIXTURES / "DO502" / "go-static-binary.context").iterdir():
        shutil.copy(item, tmp_path / item.name)
    write(tmp_path, ".hadolint.yaml", "trustedRegistries:\n  - docker.io\n")
    code, out, err = cli("fix", "--select", "DO502", "--unsafe-fixes", "Dockerfile")
    assert (code, out) == (0, "")
    assert err.startswith(
        "dockopt: warning: Dockerfile:1: DO502 not applied: it would start a stage from "
        "`gcr.io/distroless/static-debian12:nonroot`, whose registry is not in trusted-registries\n"
    )
    write(tmp_path, ".hadolint.yaml", "trustedRegistries: [docker.io, gcr.io]\n")
    assert "+FROM gcr.io/distroless/static-debian12:nonroot\n" in cli("fix", "--select", "DO502", "--unsafe-fixes", "Dockerfile")[1]


# -- one meaning per code ------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["DL3059", "DL3019", "DL4000", "SecretsUsedInArgOrEnv", "DO2", "chain-run"])
def test_explain_shows_exactly_the_rules_select_selects(cli, alias):
    from dockopt.config import settings_for

    selected = settings_for("Dockerfile", None, [alias], [], None).select
    shown = re.findall(r"^(DO\d+) [a-z-]+ \(", cli("explain", alias)[1], re.MULTILINE)
    assert tuple(shown) == selected


def test_explain_says_when_a_code_covers_several_rules(cli):
    out = cli("explain", "DL3059")[1]
    assert out.startswith("DL3059 selects 2 rules: DO201 (chain-run), DO241 (pip-install-merge)\n\nDO201 chain-run (safe, severity info)\n")


def test_a_hadolint_pragma_suppresses_every_rule_its_code_selects(tmp_path):
    import dockopt

    text = "FROM python:3.12-slim\n# hadolint ignore=DL3059\nRUN pip install flask\nRUN pip install requests\n"
    result = dockopt.fix(text, select=["DL3059"], unsafe_fixes=True)
    assert result.output == text
