#!/usr/bin/env python3
"""Compare the speed of two revisions of dockopt on the same files, run after run.

    python bench/compare_revisions.py 4404fb0 HEAD                 # 10 alternating CLI runs each
    python bench/compare_revisions.py v0.1.0 HEAD --runs 5 --limit 300
    python bench/compare_revisions.py 4404fb0 HEAD --instructions  # valgrind's count, not the clock

A shared VM's speed drifts by a third from one minute to the next, so two figures taken apart
say little. This checks each revision out in a temporary git worktree and runs
`dockopt fix --check --quiet` over the corpus with one and then the other, alternately, so both
meet the same drift; it prints the median and best wall time and CPU time of each. Both run as
`python -S` with the revision's `src/` first on the path (no editable-install hook, the same
start-up for both), bytecode compiled first.

`--instructions` counts the machine instructions of one in-process run (`--jobs 1`) of each
revision under valgrind instead (`apt-get install valgrind`): the same count every time, so a
few percent show; slow (about a minute per 300 files).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from run import CORPUS, REPO, corpus_files  # bench/run.py, beside this script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="a git revision (commit, tag, branch)")
    parser.add_argument("new", help="another git revision")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.tsv")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N files (0: all)")
    parser.add_argument("--runs", type=int, default=10, help="runs of each revision (alternating)")
    parser.add_argument("--jobs", type=int, default=0, help="--jobs for dockopt (0: its default)")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind")
    args = parser.parse_args()

    files = corpus_files(args.corpus, args.limit)
    if not files:
        print(f"compare: no corpus at {args.corpus} (expected manifest.tsv)", file=sys.stderr)
        return 2
    if args.instructions and shutil.which("valgrind") is None:
        print("compare: --instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dockopt-compare-") as scratch:
        trees = {label: checkout(revision, Path(scratch) / label) for label, revision in (("old", args.old), ("new", args.new))}
        try:
            if args.instructions:
                for label, tree in trees.items():
                    count = instructions(tree, files)
                    print(f"{label} ({revision_name(label, args)}): {count / 1e9:.3f} G instructions, --jobs 1, {len(files)} files")
                return 0
            figures: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
            for _ in range(args.runs):
                for label, tree in trees.items():
                    figures[label].append(run(tree, files, args.jobs))
            print(f"{len(files)} files, {args.runs} alternating runs each, `dockopt fix --check --quiet`"
                  + (f" --jobs {args.jobs}" if args.jobs else ""))
            for label, runs in figures.items():
                wall = [w for w, _ in runs]
                cpu = [c for _, c in runs]
                print(f"{label} ({revision_name(label, args)}): wall median {statistics.median(wall):.2f} s, best {min(wall):.2f} s;"
                      f" CPU median {statistics.median(cpu):.2f} s, best {min(cpu):.2f} s")
            old, new = (statistics.median(w for w, _ in figures[label]) for label in ("old", "new"))
            print(f"new/old wall (medians): {new / old:.2f}")
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    return 0


def revision_name(label: str, args: argparse.Namespace) -> str:
    return args.old if label == "old" else args.new


def checkout(revision: str, where: Path) -> Path:
    """The revision in a worktree, laid out as the installed package is (transforms/ and
    templates/ inside src/dockopt), its bytecode compiled."""
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--force", str(where), revision],
                   check=True, capture_output=True)
    package = where / "src" / "dockopt"
    for name in ("transforms", "templates"):
        if (where / name).is_dir() and not (package / name).exists():
            (package / name).symlink_to(where / name, target_is_directory=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(where / "src"), str(where / "transforms")], capture_output=True)
    return where


def environment(tree: Path) -> dict[str, str]:
    site = sysconfig.get_paths()["purelib"]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(tree / "src"), site])
    env["DOCKOPT_NO_RESULT_CACHE"] = "1"  # each run fixes every file (older revisions have no cache)
    return env


def command(files: list[Path], jobs: int) -> list[str]:
    extra = ["--jobs", str(jobs)] if jobs else []
    return [sys.executable, "-S", "-m", "dockopt", "fix", "--check", "--quiet", *extra, *map(str, files)]


def run(tree: Path, files: list[Path], jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its workers) of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(command(files, jobs), env=environment(tree), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    assert child.stderr is not None
    errors = child.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) not in (0, 1, 2) or "Traceback" in errors:
        raise SystemExit(f"compare: {tree.name} failed:\n{errors[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def instructions(tree: Path, files: list[Path]) -> int:
    """Instructions valgrind counts for one `--jobs 1` run (the process and any it starts)."""
    probe = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes", "--cachegrind-out-file=/dev/null",
         *command(files, 1)],
        env={**environment(tree), "PYTHONHASHSEED": "0"}, capture_output=True, text=True,
    )
    return sum(int(found.replace(",", "")) for found in re.findall(r"I\s+refs:\s+([\d,]+)", probe.stderr))


if __name__ == "__main__":
    sys.exit(main())
