"""Where `../shared` is (the corpus, the apps and buildlab): next to the repository, or $DOCKOPT_SHARED.

Tests that need it skip with one line saying so when it is not there; they never fail for it.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCKOPT_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpus" / "dockerfiles"
MANIFEST = CORPUS / "manifest.tsv"


def missing_reason(path: Path) -> str:
    return f"{path} not found: put ../shared next to the repository (or set DOCKOPT_SHARED)"


def corpus_rows() -> list[dict[str, str]]:
    """The corpus manifest's rows, or [] when the corpus is not there."""
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_skip_param(*values) -> list:
    """A single skipped parameter set that says why, for a parametrized test over the corpus."""
    return [pytest.param(*values, marks=pytest.mark.skip(reason=missing_reason(MANIFEST)), id="no-corpus")]
