"""Golden pairs built for real: safe rewrites give an equivalent image, unsafe ones still build.

For each pair in fixtures/<CODE>/ the rewrite is recomputed here rather than read from the .after
file, because the golden file also holds unsafe fixes:

- safe: `dockopt.fix(before, select=[CODE], unsafe_fixes=False)` (every transform for `ALL/`).
  When it changes the file, equiv.py must find the same filesystem and image config.
- unsafe: the same with `unsafe_fixes=True`, for pairs with their own `.context/` folder whose
  unsafe rewrite goes beyond the safe one. It only has to build.

Pairs without a `.context/` folder build on fixtures/docker/default-context/. A pair whose base
image has no stand-in here (alpine, node, ...) or whose original does not build on this engine
(heredocs need a newer BuildKit frontend) is skipped with the reason. Builds use the BuildKit
cache, so a second run only re-hashes the images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import dockopt
from tests.docker import buildlab
from tests.fixture_cases import Case, all_cases

pytestmark = pytest.mark.docker


@dataclass(frozen=True)
class Rewrite:
    case: Case
    unsafe: bool
    output: bytes | None  # None when dockopt failed on the fixture: the test reports it
    problem: str | None = None

    @property
    def id(self) -> str:
        return self.case.id


def _select(case: Case) -> list[str] | None:
    return None if case.code == "ALL" else [case.code]


def _rewrite(case: Case, unsafe: bool) -> Rewrite:
    try:
        result = dockopt.fix(
            case.before.read_bytes(), select=_select(case), unsafe_fixes=unsafe, context=case.context, **case.settings
        )
    except Exception as error:  # a broken fixture must show up as a failing test, not a collection error
        return Rewrite(case, unsafe, None, f"dockopt.fix raised {error!r}")
    if result.error:
        return Rewrite(case, unsafe, None, result.error)
    return Rewrite(case, unsafe, result.output if isinstance(result.output, bytes) else result.output.encode())


def _collect() -> tuple[list[Rewrite], list[Rewrite]]:
    safe, unsafe = [], []
    for case in all_cases():
        before = case.before.read_bytes()
        safe_rewrite = _rewrite(case, unsafe=False)
        if safe_rewrite.output != before:
            safe.append(safe_rewrite)
        if case.context is not None:
            unsafe_rewrite = _rewrite(case, unsafe=True)
            if unsafe_rewrite.output not in (before, safe_rewrite.output):
                unsafe.append(unsafe_rewrite)
    return safe, unsafe


SAFE_REWRITES, UNSAFE_REWRITES = _collect()


def _build_inputs(rewrite: Rewrite, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(original, rewritten, context) ready for equiv.py, or a skip saying why it cannot build here."""
    assert rewrite.problem is None, rewrite.problem
    missing = buildlab.missing_base_images(rewrite.case.before)
    if missing:
        image, reason = next(iter(missing.items()))
        pytest.skip(f"base image {image} has no stand-in here ({reason})")
    rewritten = tmp_path / "rewritten.Dockerfile"
    rewritten.write_bytes(rewrite.output)
    return rewrite.case.before, rewritten, rewrite.case.context or buildlab.DEFAULT_CONTEXT


def _skip_if_original_fails(result: buildlab.Equivalence) -> None:
    if result.original_failed:
        pytest.skip(result.failure)  # nothing to compare against


@pytest.mark.parametrize("rewrite", SAFE_REWRITES, ids=[r.id for r in SAFE_REWRITES])
def test_safe_rewrite_builds_an_equivalent_image(rewrite, tmp_path):
    original, rewritten, context = _build_inputs(rewrite, tmp_path)
    result = buildlab.equiv(original, rewritten, context)
    _skip_if_original_fails(result)
    assert result.equivalent, f"safe rewrite of {rewrite.id} is not equivalent: {result.explain()}"


@pytest.mark.parametrize("rewrite", UNSAFE_REWRITES, ids=[r.id for r in UNSAFE_REWRITES])
def test_unsafe_rewrite_still_builds(rewrite, tmp_path):
    original, rewritten, context = _build_inputs(rewrite, tmp_path)
    # equiv.py rather than measure.py: it uses the BuildKit cache and says which file failed.
    # Differences are expected here (the fixes are unsafe); only a failed build counts.
    result = buildlab.equiv(original, rewritten, context)
    _skip_if_original_fails(result)
    assert result.both_built, f"unsafe rewrite of {rewrite.id} does not build: {result.explain()}"
