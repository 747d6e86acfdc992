"""Finds every transform in `dockopt.transforms` and orders them into passes."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from dockopt.transform import Transform


@lru_cache(maxsize=1)
def all_transforms() -> tuple[type[Transform], ...]:
    """Every transform class, in pass order (then by code)."""
    import dockopt.transforms as package

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
    for transform in all_transforms():
        if transform.code == code.upper() or transform.name == code.lower():
            return transform
    return None


def selected(select: list[str] | None, ignore: list[str] | None) -> list[type[Transform]]:
    """Transforms chosen by --select/--ignore; no --select means all of them."""
    chosen = []
    for transform in all_transforms():
        if select is not None and not any(transform.matches(s) for s in select):
            continue
        if ignore and any(transform.matches(s) for s in ignore):
            continue
        chosen.append(transform)
    return chosen


def unknown_selectors(selectors: list[str]) -> list[str]:
    """Selectors that match no transform (for a clear CLI error)."""
    return [s for s in selectors if not any(t.matches(s) for t in all_transforms())]
