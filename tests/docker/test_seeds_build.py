"""Seeds as acceptance cases (issue 5), built for real: the DO501/DO502 rewrite builds, passes the
smoke test and is smaller than the seed's own Dockerfile."""

from __future__ import annotations

import pytest

from tests.docker import buildlab
from tests.test_seeds import SEEDS, rewrite

pytestmark = pytest.mark.docker


@pytest.mark.parametrize(
    ("seed", "name", "smoke"),
    [
        pytest.param("003", "Dockerfile", "nginx -v", id="seed-003-debian"),
        pytest.param("000", "Dockerfile.buildable", "python -c 'import fastapi, uvicorn'", id="seed-000-fastapi"),
    ],
)
def test_seed_rewrite_builds_and_is_smaller(seed, name, smoke, tmp_path):
    rewritten = tmp_path / "Dockerfile.rewritten"
    rewritten.write_bytes(rewrite(seed, name).output)
    comparison = buildlab.compare(SEEDS / seed / name, rewritten, SEEDS / seed, tmp_path / "compare.json", "--smoke", smoke, "--no-warm")
    assert comparison.returncode == 0, comparison.explain()
    assert comparison.rewritten.ok, comparison.explain()
    assert comparison.rewritten.facts["size_bytes"] < comparison.original.facts["size_bytes"]
