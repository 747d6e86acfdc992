"""The cache policy on real builds: a fixture rewritten with `cache = "mount"` builds, and its image
holds the same files as the one rewritten with the default "clean" (the caches, which equiv.py
leaves out of the comparison, are on the mount in one and deleted in the other).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dockopt
from tests.docker import buildlab

pytestmark = pytest.mark.docker

FIXTURES = buildlab.REPO / "fixtures"

CASES = [
    pytest.param(FIXTURES / "DO254" / "no-cache-dir", id="pip-install-on-a-cache-mount"),
    pytest.param(FIXTURES / "DO253" / "chain-with-cleanup", id="apt-get-install-on-cache-mounts"),
]


@pytest.mark.parametrize("case", CASES)
def test_mount_policy_gives_the_files_of_the_clean_policy(case: Path, tmp_path):
    before = case.with_name(case.name + ".before.Dockerfile").read_text()
    folder = case.with_name(case.name + ".context")
    context = folder if folder.is_dir() else buildlab.DEFAULT_CONTEXT
    written = {}
    for policy in ("clean", "mount"):
        output = dockopt.fix(before, cache=policy, context=context).output
        written[policy] = tmp_path / f"{policy}.Dockerfile"
        written[policy].write_text(output)
    assert "--mount=type=cache" in written["mount"].read_text()
    assert "--mount" not in written["clean"].read_text()
    result = buildlab.equiv(written["clean"], written["mount"], context)
    assert result.both_built, result.explain()
    assert result.equivalent, result.explain()
