"""Configuration: where it is found, what it selects, and how a bad one is reported."""

from __future__ import annotations

import pytest

from dockopt.config import ConfigError, config_for, load, settings_for


@pytest.fixture(autouse=True)
def fresh_cache():
    config_for.cache_clear()
    yield
    config_for.cache_clear()


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_pyproject_tool_dockopt_is_read(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.dockopt]\nselect = ["DO101"]\nunsafe-fixes = true\n')
    config = config_for(str(tmp_path / "sub" / "deeper"))
    assert config.select == ["DO101"] and config.unsafe_fixes is True


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.dockopt]\nignore = ["DO101"]\n')
    write(tmp_path / "app" / "pyproject.toml", '[project]\nname = "app"\n')
    assert config_for(str(tmp_path / "app")).path == str(tmp_path / "pyproject.toml")


def test_the_nearest_config_wins_and_dockopt_toml_beats_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.dockopt]\nignore = ["DO1"]\n')
    write(tmp_path / "app" / "pyproject.toml", '[tool.dockopt]\nignore = ["DO2"]\n')
    write(tmp_path / "app" / ".dockopt.toml", 'ignore = ["DO3"]\n')
    assert config_for(str(tmp_path / "app")).ignore == ["DO3"]
    assert config_for(str(tmp_path)).ignore == ["DO1"]


def test_no_config_anywhere_is_none(tmp_path):
    assert config_for(str(tmp_path)) is None or not str(config_for(str(tmp_path)).path).startswith(str(tmp_path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('[tool.dockopt]\nselekt = ["DO1"]\n', "unknown key 'selekt' in [tool.dockopt]", id="an-unknown-key-is-named"),
        pytest.param('[tool.dockopt]\nunsafe_fixes = true\n', "did you mean 'unsafe-fixes'?", id="snake-case-gets-a-hint"),
        pytest.param('[tool.dockopt]\nselect = ["DO999x"]\n', "unknown rule selector 'DO999x'", id="an-unknown-selector-is-named"),
        pytest.param('[tool.dockopt]\nunsafe-fixes = "yes"\n', "'unsafe-fixes' must be true or false", id="a-wrong-type-is-named"),
        pytest.param('[tool.dockopt]\nselect = [1]\n', "'select' must be a list of strings", id="a-list-of-numbers-is-refused"),
        pytest.param("[tool.dockopt\n", "invalid TOML", id="broken-toml-is-reported"),
    ],
)
def test_a_bad_config_is_an_error_naming_the_problem(tmp_path, text, message):
    path = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError) as caught:
        load(str(path))
    assert message in caught.value.reason
    assert caught.value.path == str(path)


def codes(path, config, select=None, ignore=(), unsafe=None):
    return settings_for(str(path), config, select, list(ignore), unsafe)


def test_no_config_and_no_options_select_everything(tmp_path):
    settings = codes(tmp_path / "Dockerfile", None)
    assert settings.select is None and settings.unsafe_fixes is False


def test_the_command_line_select_replaces_the_config_select(tmp_path):
    config = load(str(write(tmp_path / ".dockopt.toml", 'select = ["DO2"]\n')))
    assert codes(tmp_path / "Dockerfile", config, select=["DO101"]).select == ("DO101",)


def test_config_ignore_removes_and_extend_select_adds(tmp_path):
    config = load(str(write(tmp_path / ".dockopt.toml", 'select = ["DO101"]\nextend-select = ["DO102"]\nignore = ["DO101"]\n')))
    assert codes(tmp_path / "Dockerfile", config).select == ("DO102",)


def test_the_command_line_unsafe_flag_beats_the_config(tmp_path):
    config = load(str(write(tmp_path / ".dockopt.toml", "unsafe-fixes = true\n")))
    assert codes(tmp_path / "Dockerfile", config).unsafe_fixes is True
    assert codes(tmp_path / "Dockerfile", config, unsafe=False).unsafe_fixes is False


def test_per_file_ignores_match_globs_relative_to_the_config(tmp_path):
    config = load(str(write(tmp_path / ".dockopt.toml", '[per-file-ignores]\n"legacy/**" = ["DO101"]\n"*.dev.Dockerfile" = ["ALL"]\n')))
    assert "DO101" not in codes(tmp_path / "legacy" / "a" / "Dockerfile", config).select
    assert codes(tmp_path / "x" / "app.dev.Dockerfile", config).select == ()
    assert codes(tmp_path / "Dockerfile", config).select is None


def test_exclude_globs_are_gitignore_style(tmp_path):
    config = load(str(write(tmp_path / ".dockopt.toml", 'exclude = ["third_party/", "*.gen.Dockerfile"]\n')))
    assert config.excludes(str(tmp_path / "third_party"), is_dir=True)
    assert config.excludes(str(tmp_path / "a" / "b.gen.Dockerfile"))
    assert not config.excludes(str(tmp_path / "a" / "Dockerfile"))
    assert not config.excludes("/elsewhere/b.gen.Dockerfile")
