"""The layout the design card fixes: one transform per module, and rules that never import each other."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import get_type_hints

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRANSFORMS = sorted(p for p in (ROOT / "transforms").glob("*.py") if p.name != "__init__.py")


@lru_cache(maxsize=None)
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> set[str]:
    tree = _tree(path)
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


def _transform_classes() -> list[type]:
    from dockopt.registry import all_transforms

    return sorted(all_transforms(), key=lambda t: t.code)


@pytest.mark.parametrize("transform", _transform_classes(), ids=lambda t: t.name)
def test_check_is_typed_as_the_contract_says(transform: type):
    """`check(self, doc: Document, ctx: Context) -> Iterator[Fix]`, so mypy checks each rule's body
    against the core types (and a rule cannot drift from the contract unnoticed)."""
    from dockopt.document import Document
    from dockopt.results import Fix
    from dockopt.transform import Context, Transform

    assert transform.check is not Transform.check, f"{transform.__name__} does not implement check"
    assert list(inspect.signature(transform.check).parameters) == ["self", "doc", "ctx"]
    assert get_type_hints(transform.check) == {"doc": Document, "ctx": Context, "return": Iterator[Fix]}


def test_core_never_imports_a_transform():
    for path in sorted((ROOT / "src" / "dockopt").rglob("*.py")):
        if path.name == "registry.py":
            continue  # discovers them
        others = sorted(name for name in _imports(path) if name.startswith("dockopt.transforms"))
        assert not others, f"{path.relative_to(ROOT)} imports {others}"


def _module_graph() -> dict[str, set[str]]:
    """Imports between dockopt's core modules that run (not those under `if TYPE_CHECKING:`)."""
    root = ROOT / "src" / "dockopt"
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(("dockopt", *parts))
        modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = _tree(path)
        typing_only = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                       for sub in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(target for target in targets if target in graph and target != name)
    return graph


def test_core_modules_import_no_circle():
    graph = _module_graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            circle = visit(node)
            assert circle is None, "import circle: " + " -> ".join(circle)
