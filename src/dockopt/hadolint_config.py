"""hadolint's `.hadolint.yaml`, read as a dockopt config when a project has none of its own.

What maps, and to what:

    ignored: [DL3059]              -> ignore (the dockopt rules mapped to those codes)
    override: {error: [DL3002]}    -> severity (the mapped rules take that level)
    failure-threshold: warning     -> fail-level (`ignore` fails on everything, `none` never)
    no-fail: true                  -> fail-level "none"
    trustedRegistries: [docker.io] -> trusted-registries (rewrites bring in no image from elsewhere)

Codes dockopt has no rule for are hadolint's business and are passed over; other keys (`format`,
`label-schema`, `strict-labels`, `disable-ignore-pragma`...) have no dockopt meaning.
"""

from __future__ import annotations

import os

from dockopt.config_model import Config, ConfigError

HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")
_LEVELS = ("error", "warning", "info", "style")


def is_hadolint_config(path: str) -> bool:
    name = os.path.basename(path)
    return name in HADOLINT_FILES or name in ("hadolint.yaml", "hadolint.yml")


def hadolint_config_in(folder: str) -> Config | None:
    for name in HADOLINT_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return load_hadolint(candidate)
    return None


def load_hadolint(path: str) -> Config:
    import yaml  # lazy: only projects with a .hadolint.yaml pay for it

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"invalid YAML: {' '.join(str(exc).split())}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(path, "a hadolint config must be a mapping")
    config = Config(path=path, root=os.path.dirname(os.path.abspath(path)), kind="hadolint")
    config.ignore = _mapped(_codes(path, "ignored", data.get("ignored")))
    override = data.get("override") or {}
    if not isinstance(override, dict):
        raise ConfigError(path, "'override' must map a level (error, warning, info, style) to codes")
    for level, codes in override.items():
        if str(level).lower() not in _LEVELS:
            raise ConfigError(path, f"'override' has an unknown level {level!r} (error, warning, info, style)")
        for code in _mapped(_codes(path, f"override.{level}", codes)):
            config.severity[code] = str(level).lower()
    threshold = data.get("failure-threshold")
    if threshold is not None:
        value = str(threshold).lower()
        if value not in _LEVELS + ("ignore", "none"):
            raise ConfigError(path, f"'failure-threshold' must be one of error, warning, info, style, ignore, none (not {threshold!r})")
        config.fail_level = "style" if value == "ignore" else value
    if data.get("no-fail") is True:
        config.fail_level = "none"
    registries = data.get("trustedRegistries")
    if registries is not None:
        config.trusted_registries = _codes(path, "trustedRegistries", registries)
    return config


def _codes(path: str, key: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(path, f"'{key}' must be a list of strings")
    return [item.strip() for item in value if item.strip()]


def _mapped(codes: list[str]) -> list[str]:
    """The codes some dockopt rule answers to (the others are hadolint's own business)."""
    from dockopt.registry import unknown_selectors

    unknown = set(unknown_selectors(codes))
    return [code for code in codes if code not in unknown and code.upper() != "ALL"]
