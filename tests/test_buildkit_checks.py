"""BuildKit's own checks (as tally embeds them) find none of the mechanical warnings after
`dockopt fix --unsafe-fixes` on the corpus: the DO104-DO112 rules fix exactly what BuildKit flags.

Needs tally (`pip install tally-cli`); skips with one line when it is not installed.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from tests.shared import CORPUS, missing_reason

pytestmark = pytest.mark.slow  # lints the whole corpus twice with an external tool

ROOT = Path(__file__).resolve().parent.parent
# The checks a dockopt rule fixes in every case BuildKit flags (JSONArgsRecommended and
# MaintainerDeprecated are mapped too, but DO103 leaves shell features in shell form, by design).
FIXED_CHECKS = (
    "ConsistentInstructionCasing", "FromAsCasing", "StageNameCasing", "LegacyKeyValueFormat", "NoEmptyContinuation",
    "RedundantTargetPlatform", "ExposeProtoCasing", "MultipleInstructionsDisallowed", "WorkdirRelativePath",
    "MaintainerDeprecated",
)

# Findings dockopt leaves on purpose, each with the reason.
LEFT_ON_PURPOSE = {
    ("WorkdirRelativePath", "containerd__containerd/integration__images__volume-copy-up__Dockerfile_windows"):
        "WORKDIR C:/bin is absolute on the Windows base it is for; BuildKit's check reads it as a Linux path",
    ("WorkdirRelativePath", "containerd__containerd/integration__images__volume-ownership__Dockerfile_windows"):
        "the same Windows path",
}


def _bench():
    spec = importlib.util.spec_from_file_location("buildkit_checks", ROOT / "bench" / "buildkit_checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tally() -> str | None:
    return shutil.which("tally") or next((str(p) for p in [Path(sys.executable).parent / "tally"] if p.exists()), None)


def test_no_mechanical_buildkit_warning_is_left_on_the_corpus(tmp_path):
    tally = _tally()
    if tally is None:
        pytest.skip("tally is not installed (pip install tally-cli): BuildKit's checks cannot be run")
    if not CORPUS.is_dir():
        pytest.skip(missing_reason(CORPUS))
    bench = _bench()
    _, fixed = bench.fixed_copies(CORPUS, tmp_path)
    after = bench.tally_findings(fixed, tally)
    left = {name: [(file, line) for file, line in after[name] if (name, file) not in LEFT_ON_PURPOSE]
            for name in FIXED_CHECKS}
    left = {name: found for name, found in left.items() if found}
    assert not left, left
