#!/usr/bin/env python3
"""What DO330's `.dockerignore` changes in real builds: context sent, image size, and a warm
rebuild after a commit (a change inside `.git` only).

    python bench/dockerignore.py                 # the buildlab demo app, 60 MB of git history, a venv
    python bench/dockerignore.py --history-mb 200

Makes a context in a temp folder (the demo app of ../shared/buildlab, a git history of
`--history-mb` MB of blobs, a `.venv`, `__pycache__`, `.env`), runs `dockopt fix --unsafe-fixes
--select DO330 --write` on a copy of the Dockerfile, and builds both with `docker build` (docker
20.10, BuildKit) on two copies of that one context: the original with no `.dockerignore`, the
rewrite with the `.dockerignore` dockopt wrote. Prints for each: the bytes BuildKit reports for
"transferring context" on the first build of a new folder, the image size, and, after `git
commit --allow-empty` (which writes only under .git), the warm rebuild's time and whether
`COPY . .` and the steps below it ran again. Timings are wall-clock and noisy; tests never assert them.

(buildlab's compare.py cannot show the last figure: its warm rebuild copies the context to a new
folder, and that copy alone makes BuildKit re-run `COPY . .`.)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO.parent / "shared" / "buildlab" / "demo"
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
DOCKERFILE = """FROM python:3.10-slim
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python -c "import greeting" && ls -A /app > /app/listing.txt
CMD ["python", "app.py"]
"""


def sh(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True, **kw)


def make_context(folder: Path, history_mb: int) -> None:
    folder.mkdir()
    for name in ("app.py", "greeting.py", "requirements.txt"):
        shutil.copy(DEMO / name, folder / name)
    (folder / "Dockerfile").write_text(DOCKERFILE)
    sh("git", "init", "-q", ".", cwd=folder)
    sh("git", "config", "user.email", "bench@example.com", cwd=folder)
    sh("git", "config", "user.name", "bench", cwd=folder)
    for number in range(max(1, history_mb // 5)):
        (folder / "blob.bin").write_bytes(os.urandom(5_000_000))
        sh("git", "add", "blob.bin", cwd=folder)
        sh("git", "commit", "-qm", f"blob {number}", cwd=folder)
    sh("git", "rm", "-q", "blob.bin", cwd=folder)
    sh("git", "commit", "-qm", "drop the blob", cwd=folder)
    sh(sys.executable, "-m", "venv", "--without-pip", ".venv", cwd=folder)
    sh(sys.executable, "-m", "compileall", "-q", ".", "-x", r"\.venv", cwd=folder)
    (folder / ".env").write_text("SECRET_KEY=do-not-ship\n")


def build(folder: Path, tag: str) -> dict:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    start = time.monotonic()
    done = subprocess.run(
        [DOCKER, "build", "--network", "host", "--progress", "plain", "-t", tag, "."],
        cwd=folder, env=env, capture_output=True, text=True,
    )
    seconds = time.monotonic() - start
    if done.returncode:
        raise SystemExit(f"build failed in {folder}:\n{done.stderr[-3000:]}")
    log = done.stderr
    sent = re.findall(r"transferring context: ([\d.]+\s*[kMG]?B)", log)
    steps = re.findall(r"^#(\d+) \[\d+/\d+\] (.+)$", log, re.M)
    ran = [name for number, name in dict(steps).items() if not name.startswith("FROM ") and re.search(rf"^#{number} DONE", log, re.M)]
    return {"seconds": seconds, "sent": sent[-1] if sent else "?", "ran": ran}


def size(tag: str) -> int:
    return int(subprocess.run([DOCKER, "image", "inspect", "-f", "{{.Size}}", tag], capture_output=True, text=True, check=True).stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history-mb", type=int, default=60, help="size of the git history's blobs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dockopt-bench-") as temp:
        base = Path(temp) / "base"
        make_context(base, options.history_mb)
        before, after = Path(temp) / "before", Path(temp) / "after"
        shutil.copytree(base, before, symlinks=True)
        shutil.copytree(base, after, symlinks=True)
        fixed = subprocess.run(
            [sys.executable, "-m", "dockopt", "fix", "--unsafe-fixes", "--select", "DO330", "--write", "Dockerfile"],
            cwd=after, capture_output=True, text=True,
        )
        print(f"$ dockopt fix --unsafe-fixes --select DO330 --write Dockerfile  (exit {fixed.returncode})")
        print((after / ".dockerignore").read_text(), end="")
        tags = {"before": f"dockopt-bench-before-{os.getpid()}", "after": f"dockopt-bench-after-{os.getpid()}"}
        rows = {}
        try:
            for name, folder in (("before", before), ("after", after)):
                cold = build(folder, tags[name])
                sh("git", "commit", "-q", "--allow-empty", "-m", "a commit: only .git changes", cwd=folder)
                warm = build(folder, tags[name])
                rows[name] = (cold, size(tags[name]), warm)
        finally:
            subprocess.run([DOCKER, "rmi", "-f", *tags.values()], capture_output=True)
        print(f"\n{'':28}{'no .dockerignore':>24}{'DO330 .dockerignore':>24}")
        (cb, sb, wb), (ca, sa, wa) = rows["before"], rows["after"]
        print(f"{'context sent (first build)':28}{cb['sent']:>24}{ca['sent']:>24}")
        print(f"{'image size':28}{sb / 1e6:>21.1f} MB{sa / 1e6:>21.1f} MB")
        print(f"{'rebuild after a commit':28}{wb['seconds']:>22.1f} s{wa['seconds']:>22.1f} s")
        print(f"{'  steps re-run':28}{len(wb['ran']):>24}{len(wa['ran']):>24}")
        for name, warm in (("before", wb), ("after", wa)):
            print(f"  {name} re-ran: {'; '.join(warm['ran']) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
