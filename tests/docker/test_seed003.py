"""Seed 003 (issue 3, "Done when"): the lab's first Dockerfile comes out as one install layer
that builds, is smaller, and (for the safe fixes) gives an equivalent image.

The lab starts from `FROM debian:wheezy`, `RUN apt-get update`, `RUN apt-get install -y samba nginx
openssl git wget curl`; the issue asks for it on `debian:bookworm` (fixtures/docker/seed003/).
"""

from __future__ import annotations

import pytest

import dockopt
from dockopt.document import Document
from tests.docker import buildlab

pytestmark = pytest.mark.docker

SEED = buildlab.REPO / "fixtures" / "docker" / "seed003" / "Dockerfile"
CONTEXT = SEED.parent

FIX_MODES = [pytest.param(False, id="safe-fixes"), pytest.param(True, id="unsafe-fixes-too")]

_comparisons: dict[bytes, buildlab.Comparison] = {}


def rewrite(unsafe: bool) -> bytes:
    result = dockopt.fix(SEED.read_bytes(), unsafe_fixes=unsafe, context=CONTEXT)
    assert result.error is None, result.error
    return result.output


def run_instructions(text: bytes) -> list[str]:
    doc = Document(text.decode())
    return [doc.raw(instr) for instr in doc.instructions if instr.cmd == "RUN"]


def compared(rewritten: bytes, tmp_path) -> buildlab.Comparison:
    """compare.py once per distinct rewrite: the safe and unsafe outputs may be the same text."""
    if rewritten not in _comparisons:
        path = tmp_path / "rewritten.Dockerfile"
        path.write_bytes(rewritten)
        _comparisons[rewritten] = buildlab.compare(SEED, path, CONTEXT, tmp_path / "compare.json")
    return _comparisons[rewritten]


@pytest.mark.parametrize("unsafe", FIX_MODES)
def test_seed003_comes_out_as_one_install_layer(unsafe):
    runs = run_instructions(rewrite(unsafe))
    assert len(runs) == 1, f"expected one RUN, got {len(runs)}:\n" + "\n".join(runs)
    assert "apt-get update" in runs[0] and "apt-get install" in runs[0]


@pytest.mark.parametrize("unsafe", FIX_MODES)
def test_seed003_rewrite_builds_smaller_with_fewer_layers(unsafe, tmp_path):
    rewritten = rewrite(unsafe)
    assert rewritten != SEED.read_bytes(), "dockopt left seed 003 unchanged"
    comparison = compared(rewritten, tmp_path)
    original, result = comparison.original, comparison.rewritten
    assert original.ok, f"the original seed 003 does not build: {original.explain()}"
    assert comparison.returncode == 0 and result.ok, f"the rewrite does not build:\n{comparison.explain()}"
    figures = f"original {original.summary()}, rewritten {result.summary()}\n{comparison.table}"
    assert result.facts["layers_nonzero"] < original.facts["layers_nonzero"], figures
    assert result.facts["size_bytes"] < original.facts["size_bytes"], figures


def test_seed003_safe_rewrite_is_equivalent(tmp_path):
    rewritten = tmp_path / "rewritten.Dockerfile"
    rewritten.write_bytes(rewrite(unsafe=False))
    result = buildlab.equiv(SEED, rewritten, CONTEXT)
    assert result.equivalent, result.explain()
