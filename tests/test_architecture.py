"""The layout the design card fixes: one transform per module, and rules that never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRANSFORMS = sorted(p for p in (ROOT / "transforms").glob("*.py") if p.name != "__init__.py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", TRANSFORMS, ids=[p.stem for p in TRANSFORMS])
def test_a_transform_imports_no_other_transform(path: Path):
    others = sorted(name for name in _imports(path) if name.startswith(("dockopt.transforms", "transforms")))
    assert not others, f"{path.name} imports {others}: shared knowledge belongs in core (src/dockopt) or data"


@pytest.mark.parametrize("path", TRANSFORMS, ids=[p.stem for p in TRANSFORMS])
def test_every_module_in_transforms_is_one_transform(path: Path):
    from dockopt.registry import all_transforms

    assert not path.name.startswith("_"), "helpers shared by rules live in core, not in transforms/"
    defined = [t for t in all_transforms() if t.__module__ == f"dockopt.transforms.{path.stem}"]
    assert len(defined) == 1, f"{path.name} defines {len(defined)} transforms"


def test_core_never_imports_a_transform():
    for path in sorted((ROOT / "src" / "dockopt").rglob("*.py")):
        if path.name == "registry.py":
            continue  # discovers them
        others = sorted(name for name in _imports(path) if name.startswith("dockopt.transforms"))
        assert not others, f"{path.relative_to(ROOT)} imports {others}"
