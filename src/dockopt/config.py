"""Project configuration: `[tool.dockopt]` in `pyproject.toml`, or a `.dockopt.toml`.

Each Dockerfile uses the nearest config file in its folder or above (in one folder `.dockopt.toml`
wins over `pyproject.toml`; a `pyproject.toml` without `[tool.dockopt]` is passed over). A
`.dockopt.toml` holds the keys at its top level, or under a `[tool.dockopt]` table (so the snippet
that works in `pyproject.toml` works there too). Keys:

    select = ["DO1", "chain-run"]        # replaces the default (all transforms)
    extend-select = ["DO5"]              # adds to it
    ignore = ["DO301"]
    extend-ignore = []
    unsafe-fixes = false
    per-file-ignores = { "legacy/**" = ["DO2"], "*.dev.Dockerfile" = ["ALL"] }
    exclude = ["third_party/", "*.generated.Dockerfile"]   # .gitignore-style globs, for walks
    fail-level = "warning"               # `dockopt check` fails from this severity up
    severity = { "DO201" = "warning" }   # a rule's severity, instead of its own
    trusted-registries = ["docker.io"]   # rewrites never bring in an image from elsewhere
    cache = "clean"                      # or "mount": BuildKit cache mounts instead of deleting caches

    [verify]            # `[tool.dockopt.verify]` in pyproject.toml: how `migrate --verify` smoke-tests
    smoke = "python -c 'import app'"     # a shell command run in the image, or
    port = 8000                          # run the image and GET this port (and `path`)
    build-args = ["PY=3.12"]
    target = "runtime"
    timeout = 900                        # seconds each build may take

Globs are relative to the config file's folder. Selectors resolve in layers, as in ruff: config
select, extend-select, ignore, extend-ignore; then the command line's --select (replaces),
--extend-select, --ignore and --extend-ignore; then per-file-ignores. An unknown key or selector
is an error, not a silent no-op.

With no dockopt config anywhere above a Dockerfile, the nearest `.hadolint.yaml` (or `.yml`) is
read instead (`dockopt.hadolint_config`), so hadolint users keep their settings.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any  # values read from TOML

from dockopt.config_model import Config, ConfigError

CONFIG_FILES = (".dockopt.toml", "pyproject.toml")
_LIST_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "exclude", "trusted-registries")
KNOWN_KEYS = frozenset(_LIST_KEYS + ("unsafe-fixes", "per-file-ignores", "fail-level", "severity", "verify", "cache"))
CACHE_POLICIES = ("clean", "mount")
VERIFY_KEYS = {"smoke": str, "port": int, "path": str, "build-args": list, "target": str, "timeout": int}


@lru_cache(maxsize=4096)
def config_for(folder: str) -> Config | None:
    """The nearest dockopt config at or above `folder`, else the nearest hadolint one, or None.

    Raises ConfigError for a broken one."""
    folder = os.path.abspath(folder)
    for name in CONFIG_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            config = load(candidate)
            if config is not None:
                return config
    parent = os.path.dirname(folder)
    above = None if parent == folder else config_for(parent)
    if above is not None and above.kind == "dockopt":
        return above  # dockopt's own config, wherever it is, wins over a .hadolint.yaml
    from dockopt.hadolint_config import hadolint_config_in

    return hadolint_config_in(folder) or above


def load_explicit(path: str) -> Config:
    """The file given with `--config`: any of the forms dockopt reads, used for every Dockerfile."""
    from dockopt.hadolint_config import is_hadolint_config, load_hadolint

    if not os.path.isfile(path):
        raise ConfigError(path, "no such config file")
    if is_hadolint_config(path):
        return load_hadolint(path)
    config = load(path)
    if config is None:
        raise ConfigError(path, "no [tool.dockopt] table in this pyproject.toml")
    return config


def verify_settings(folder: str) -> dict[str, Any]:
    """The `[verify]` table of the nearest config (empty when there is none): smoke test and builds."""
    config = config_for(folder)
    return dict(config.verify) if config else {}


def load(path: str) -> Config | None:
    """Read one config file; None for a pyproject.toml without a [tool.dockopt] table."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}") from None
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("dockopt")
        if table is None:
            return None
        where = "[tool.dockopt]"
    elif set(data) == {"tool"} and isinstance(data["tool"], dict) and set(data["tool"]) == {"dockopt"}:
        table, where = data["tool"]["dockopt"], "[tool.dockopt]"  # the pyproject.toml snippet, as is
    else:
        table, where = data, path
    if not isinstance(table, dict):
        raise ConfigError(path, f"{where} must be a table")
    return _parse(path, table, where)


def _parse(path: str, table: dict[str, Any], where: str) -> Config:
    config = Config(path=path, root=os.path.dirname(os.path.abspath(path)))
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            hint = f" (did you mean '{key.replace('_', '-')}'?)" if key.replace("_", "-") in KNOWN_KEYS else ""
            raise ConfigError(path, f"unknown key '{key}' in {where}{hint}")
        if key in _LIST_KEYS:
            setattr(config, key.replace("-", "_"), _string_list(path, key, value))
        elif key == "unsafe-fixes":
            if not isinstance(value, bool):
                raise ConfigError(path, "'unsafe-fixes' must be true or false")
            config.unsafe_fixes = value
        elif key == "fail-level":
            config.fail_level = _fail_level(path, key, value)
        elif key == "severity":
            if not isinstance(value, dict) or not all(isinstance(level, str) for level in value.values()):
                raise ConfigError(path, "'severity' must be a table of selector = \"error\"|\"warning\"|\"info\"|\"style\"")
            config.severity = {str(selector): _level(path, f"severity.{selector}", level) for selector, level in value.items()}
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(path, "'per-file-ignores' must be a table of glob = [codes]")
            config.per_file_ignores = {
                str(glob): _string_list(path, f"per-file-ignores.{glob}", codes) for glob, codes in value.items()
            }
        elif key == "verify":
            config.verify = _verify_table(path, value)
        elif key == "cache":
            if value not in CACHE_POLICIES:
                raise ConfigError(path, f"'cache' must be \"clean\" or \"mount\" (not {value!r})")
            config.cache = value
    from dockopt.registry import unknown_selectors

    unknown = unknown_selectors(config.selectors())
    if unknown:
        raise ConfigError(path, f"unknown rule selector '{unknown[0]}' (see `dockopt rules`)")
    return config


def _verify_table(path: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(path, "'verify' must be a table (smoke, port, path, build-args, target, timeout)")
    for key, item in value.items():
        kind = VERIFY_KEYS.get(key)
        if kind is None:
            raise ConfigError(path, f"unknown key '{key}' in the verify table")
        if kind is list:
            if not isinstance(item, list) or not all(isinstance(arg, str) for arg in item):
                raise ConfigError(path, f"'verify.{key}' must be a list of strings")
        elif not isinstance(item, kind) or isinstance(item, bool):
            raise ConfigError(path, f"'verify.{key}' must be {'a number' if kind is int else 'a string'}")
    if "smoke" in value and "port" in value:
        raise ConfigError(path, "give 'verify.smoke' or 'verify.port', not both")
    return dict(value)


def _level(path: str, key: str, value: Any) -> str:
    from dockopt.results import Severity

    try:
        return Severity.parse(value).value
    except (ValueError, AttributeError):
        raise ConfigError(path, f"'{key}' must be one of error, warning, info, style (not {value!r})") from None


def _fail_level(path: str, key: str, value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == "none":
        return "none"
    return _level(path, key, value)


def _string_list(path: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(path, f"'{key}' must be a list of strings")
    return [part.strip() for item in value for part in item.split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    """What the engine is told for one file, and how its findings are judged."""

    select: tuple[str, ...] | None  # exact codes; None = every transform
    unsafe_fixes: bool
    severity: tuple[tuple[str, str], ...] = ()  # (code, level) where the config overrides the rule's own
    fail_level: str | None = None  # from the config; the command line's --fail-level wins
    trusted_registries: tuple[str, ...] | None = None
    cache: str = "clean"  # "mount": BuildKit cache mounts instead of deleting caches (dockopt.cache_mounts)


def settings_for(
    path: str,
    config: Config | None,
    cli_select: list[str] | None,
    cli_ignore: list[str],
    cli_unsafe: bool | None,
    cli_extend_select: list[str] | None = None,
    cli_extend_ignore: list[str] | None = None,
    cli_cache: str | None = None,
) -> Settings:
    unsafe = cli_unsafe if cli_unsafe is not None else bool(config and config.unsafe_fixes)
    cache = cli_cache or (config.cache if config is not None else None) or "clean"
    layers: list[tuple[str, list[str]]] = []
    if config is not None:
        if config.select is not None:
            layers.append(("select", config.select))
        layers += [("add", config.extend_select), ("remove", config.ignore + config.extend_ignore)]
    if cli_select is not None:
        layers.append(("select", cli_select))
    layers += [("add", cli_extend_select or []), ("remove", cli_ignore + (cli_extend_ignore or []))]
    if config is not None:
        layers.append(("remove", config.ignores_for(path)))
    layers = [(kind, items) for kind, items in layers if items or kind == "select"]
    select = _resolve(tuple((kind, tuple(items)) for kind, items in layers)) if layers else None
    if config is None:
        return Settings(select, unsafe, cache=cache)
    return Settings(
        select,
        unsafe,
        severity=_severities(tuple(config.severity.items())),
        fail_level=config.fail_level,
        trusted_registries=tuple(config.trusted_registries) if config.trusted_registries is not None else None,
        cache=cache,
    )


@lru_cache(maxsize=256)
def _severities(overrides: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    from dockopt.registry import matching

    found: dict[str, str] = {}
    for selector, level in overrides:
        for transform in matching(selector):
            found[transform.code] = level
    return tuple(sorted(found.items()))


@lru_cache(maxsize=1024)
def _resolve(layers: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    from dockopt.registry import all_transforms

    transforms = all_transforms()
    codes = {t.code for t in transforms}
    for kind, selectors in layers:
        matched = {t.code for t in transforms if any(t.matches(s) for s in selectors)}
        if kind == "select":
            codes = matched
        elif kind == "add":
            codes |= matched
        else:
            codes -= matched
    return tuple(sorted(codes))
