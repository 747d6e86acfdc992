#!/usr/bin/env python3
"""Benchmark dockopt on large build contexts: the app-write scan (app_facts.analyse) of DO401.

    python bench/app_facts.py                             # sphinx and django sdists from PyPI
    python bench/app_facts.py --package flask==3.0.3      # another project
    python bench/app_facts.py --cache ~/.cache/dockopt-bench --runs 5

Each package is downloaded from PyPI (`pip download`, an sdist unless --wheel) into a temporary
folder, unpacked there (never into the repository), and used as the build context of three
Dockerfiles. Each run is a fresh Python process that fixes the three Dockerfiles in turn with
`--unsafe-fixes` (so DO401 reads the context), and prints per Dockerfile the wall and CPU
seconds and a hash of the output. The script prints the figures of every run and says whether
all runs gave the same bytes. Timings are noisy on a shared machine: CPU seconds suffer less
from other load. Tests never assert these figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PACKAGES = ["sphinx==7.2.6", "django==4.2.16"]
DOCKERFILES = {
    "Dockerfile": 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install .\nEXPOSE 8000\nCMD ["python", "-m", "{module}"]\n',
    "Dockerfile.worker": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . /srv\nRUN pip install -e .\nCMD ["python", "-m", "{module}"]\n',
    "Dockerfile.dev": 'FROM python:3.11\nWORKDIR /code\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "{module}", "--help"]\n',
}
# Runs in a fresh interpreter, so every run starts with cold caches, as a user's first call does.
CHILD = r"""
import hashlib, json, sys, time
from pathlib import Path
import dockopt
from dockopt import app_facts
dockopt.fix(b"FROM python:3.11\nRUN true\n")  # import and warm up everything but the context scan
results = []
for path in sys.argv[1:]:
    path = Path(path)
    wall, cpu = time.perf_counter(), time.process_time()
    result = dockopt.fix(path.read_bytes(), context=path.parent, unsafe_fixes=True)
    results.append({
        "dockerfile": str(path),
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "sha256": hashlib.sha256(result.output).hexdigest(),
        "fixes": sorted(f.code for f in result.fixes if f.applied),
    })
facts = app_facts.analyse(Path(sys.argv[1]).parent)
print(json.dumps({"results": results, "files": len(facts.files), "complete": facts.complete,
                  "skipped": len(facts.skipped)}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", action="append", help=f"a PyPI requirement (default: {', '.join(DEFAULT_PACKAGES)})")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per context (default 3)")
    parser.add_argument("--wheel", action="store_true", help="download wheels instead of sdists (no build step)")
    parser.add_argument("--cache", type=Path, help="keep the downloads here between invocations")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    packages = args.package or DEFAULT_PACKAGES
    say = (lambda *a: None) if args.json else print
    report: dict = {"packages": {}}
    same_everywhere = True
    with tempfile.TemporaryDirectory(prefix="dockopt-bench-") as tmp:
        downloads = args.cache or Path(tmp) / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        for requirement in packages:
            archive = download(requirement, downloads, args.wheel)
            context = Path(tmp) / "contexts" / archive.name.split(".tar")[0].split("-py")[0]
            module = unpack(archive, context)
            dockerfiles = []
            for name, text in DOCKERFILES.items():
                (context / name).write_text(text.replace("{module}", module))
                dockerfiles.append(context / name)
            runs = [run_child(dockerfiles) for _ in range(args.runs)]
            hashes = {tuple(r["sha256"] for r in run["results"]) for run in runs}
            same = len(hashes) == 1
            same_everywhere &= same
            report["packages"][requirement] = {"python_files": count_python(context), "runs": runs, "same_bytes": same}
            say(f"\n{requirement}: {count_python(context)} Python files in the context, "
                f"{runs[0]['files']} analysed, complete={runs[0]['complete']}")
            say(f"  {'dockerfile':<20} " + "  ".join(f"run {i + 1} wall/cpu s" for i in range(len(runs))) + "   median cpu s")
            for index, path in enumerate(dockerfiles):
                cells = [f"{run['results'][index]['wall']:6.3f}/{run['results'][index]['cpu']:5.3f}  " for run in runs]
                median = statistics.median(run["results"][index]["cpu"] for run in runs)
                say(f"  {path.name:<20} " + "  ".join(cells) + f"   {median:.3f}")
            say(f"  {len(runs)} runs gave {'the same bytes' if same else 'DIFFERENT bytes'} for every Dockerfile")
    report["same_bytes"] = same_everywhere
    if args.json:
        print(json.dumps(report, indent=1))
    return 0 if same_everywhere else 1


def download(requirement: str, folder: Path, wheel: bool) -> Path:
    kind = ["--only-binary", ":all:"] if wheel else ["--no-binary", ":all:"]
    before = set(folder.iterdir())
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *kind, "-d", str(folder), requirement],
        check=True, stdin=subprocess.DEVNULL,
    )
    name = requirement.split("==")[0].lower().replace("-", "_")
    new = sorted(set(folder.iterdir()) - before) or sorted(
        p for p in folder.iterdir() if p.name.lower().replace("-", "_").startswith(name)
    )
    return new[-1]


def unpack(archive: Path, context: Path) -> str:
    """Unpack into `context` (an sdist's top folder removed); the name of its top-level package."""
    shutil.rmtree(context, ignore_errors=True)
    context.mkdir(parents=True)
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(context)
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(context, filter="data")
        [top] = list(context.iterdir())
        for item in top.iterdir():
            item.rename(context / item.name)
        top.rmdir()
    packages = sorted(p.name for p in context.iterdir() if (p / "__init__.py").is_file())
    return packages[0] if packages else "http.server"


def run_child(dockerfiles: list[Path]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, dockerfiles)], capture_output=True, text=True, check=True,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def count_python(context: Path) -> int:
    return sum(1 for _ in context.rglob("*.py"))


if __name__ == "__main__":
    sys.exit(main())
