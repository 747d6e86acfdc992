"""Finds every transform in `dockopt.transforms` and orders them into passes."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from dockopt.transform import Transform


@lru_cache(maxsize=1)
def all_transforms() -> tuple[type[Transform], ...]:
    """Every transform class, in pass order (then by code)."""
    # By name: pyproject maps the top-level transforms/ folder into the package, which mypy cannot follow.
    package = importlib.import_module("dockopt.transforms")

    found: dict[str, type[Transform]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Transform)
                and value is not Transform
                and value.__module__ == module.__name__
                and "code" in vars(value)
            ):
                if value.code in found:
                    raise RuntimeError(f"transform code {value.code} is defined twice")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda t: (t.order, t.code)))


def by_code(code: str) -> type[Transform] | None:
    """The transform with this code or name (any case)."""
    return _by_code_or_name().get(code.upper()) or _by_code_or_name().get(code.lower())


@lru_cache(maxsize=1)
def _by_code_or_name() -> dict[str, type[Transform]]:
    found: dict[str, type[Transform]] = {}
    for transform in reversed(all_transforms()):  # the first in pass order wins, as a search would find it
        found[transform.name] = transform
        found[transform.code] = transform
    return found


@lru_cache(maxsize=256)
def needs_of(transforms: tuple[type[Transform], ...]) -> frozenset[str]:
    """Every word these transforms look for (`Transform.needs`), for the engine's quick check."""
    return frozenset(word for transform in transforms for word in transform.needs)


def matching(selector: str) -> list[type[Transform]]:
    """Every transform a selector names (`ALL`, a code or prefix, a name, an alias), in code order.

    The one rule that `--select`, `--ignore`, the config, pragmas, `.hadolint.yaml` and
    `dockopt explain` all follow: an alias shared by two transforms (hadolint's DL3059 covers
    both chain-run and pip-install-merge) names both, everywhere.
    """
    return list(_matching(selector))


@lru_cache(maxsize=1024)
def _matching(selector: str) -> tuple[type[Transform], ...]:
    return tuple(sorted((t for t in all_transforms() if t.matches(selector)), key=lambda t: t.code))


def severity_of(code: str, overrides: tuple[tuple[str, str], ...] | dict[str, str] = ()) -> str:
    """A rule's severity (a `Severity` value), or the config's override of it."""
    found = dict(overrides).get(code)
    if found is not None:
        return found
    transform = by_code(code)
    return transform.severity.value if transform is not None else "warning"


def selected(select: list[str] | None, ignore: list[str] | None) -> list[type[Transform]]:
    """Transforms chosen by --select/--ignore; no --select means all of them."""
    return list(_selected(None if select is None else tuple(select), tuple(ignore or ())))


@lru_cache(maxsize=256)  # asked for every file of a batch, with the same selectors
def _selected(select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> tuple[type[Transform], ...]:
    chosen = []
    for transform in all_transforms():
        if select is not None and not any(transform.matches(s) for s in select):
            continue
        if ignore and any(transform.matches(s) for s in ignore):
            continue
        chosen.append(transform)
    return tuple(chosen)


def unknown_selectors(selectors: list[str]) -> list[str]:
    """Selectors that match no transform (for a clear CLI error)."""
    return [s for s in selectors if not _known(s)]


@lru_cache(maxsize=1024)
def _known(selector: str) -> bool:
    return any(t.matches(selector) for t in all_transforms())
