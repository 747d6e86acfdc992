#!/usr/bin/env python3
"""hadolint's findings on the corpus before and after `dockopt fix --unsafe-fixes`, per rule.

    python bench/hadolint_rules.py                        # the rules of issue 12 part 2
    python bench/hadolint_rules.py DL3047 DL3021          # chosen rules

For each rule: findings before, findings after, and of those left, how many are in a file where
dockopt reported (without rewriting) a finding of its own for that rule, which says why it was
left. The corpus has no build contexts, so fixes that need one (a wildcard's matches) do not run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dockopt  # noqa: E402
from dockopt.registry import all_transforms  # noqa: E402
from tests.shared import CORPUS, corpus_rows  # noqa: E402

RULES = ("DL3003", "DL3004", "DL3021", "DL3044", "DL3046", "DL3047", "DL4006")


def hadolint(files: list[Path]) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for start in range(0, len(files), 100):
        chunk = files[start : start + 100]
        done = subprocess.run([shutil.which("hadolint"), "--no-fail", "--format", "json", *map(str, chunk)],
                              capture_output=True, text=True, check=False)
        for item in json.loads(done.stdout or "[]"):
            found.setdefault(Path(item["file"]).name, Counter())[item["code"]] += 1
    return found


def main() -> None:
    rules = tuple(sys.argv[1:]) or RULES
    owners = {alias: transform.code for transform in all_transforms() for alias in transform.aliases}
    rows = corpus_rows()
    explained: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        before_dir, after_dir = Path(tmp, "before"), Path(tmp, "after")
        before_dir.mkdir()
        after_dir.mkdir()
        names = []
        for number, row in enumerate(rows):
            data = (CORPUS / row["stored_path"]).read_bytes()
            name = f"{number:04d}.Dockerfile"
            (before_dir / name).write_bytes(data)
            try:
                result = dockopt.fix(data, unsafe_fixes=True)
            except Exception:  # a crash is test_corpus's business; count the file as unchanged
                result = None
            output = data if result is None or result.error else result.output
            (after_dir / name).write_bytes(output if isinstance(output, bytes) else output.encode())
            if result is not None:
                explained[name] = {fix.code for fix in result.fixes if not fix.applied}
            names.append(name)
        before = hadolint([before_dir / name for name in names])
        after = hadolint([after_dir / name for name in names])
    print(f"{len(names)} corpus files; hadolint findings before and after `dockopt fix --unsafe-fixes`")
    print(f"{'rule':8} {'dockopt':8} {'before':>7} {'after':>6} {'left, explained':>16}")
    for rule in rules:
        code = owners.get(rule, "-")
        total_before = sum(counts[rule] for counts in before.values())
        total_after = sum(counts[rule] for counts in after.values())
        told = sum(counts[rule] for name, counts in after.items() if code in explained.get(name, ()))
        print(f"{rule:8} {code:8} {total_before:7d} {total_after:6d} {told:16d}")


if __name__ == "__main__":
    main()
