#!/usr/bin/env python3
"""Measure the default rewrite (`--unsafe-fixes`) of the real apps in fixtures/apps, built for real.

    python bench/apps.py                          # every app's Dockerfile.naive
    python bench/apps.py go-stdlib-server c-wordfreq
    python bench/apps.py --json out.json          # also every verdict, as JSON

For each app it runs `dockopt verify PATH --unsafe-fixes --format json` with the smoke test of
tests/docker/test_apps.py (cold builds of the original and the rewrite, each then rebuilt with the
cache after a one-line source edit), and prints one row per app: image sizes and their ratio, the
warm rebuild's seconds and steps re-run, the final user and the smoke tests. Then the median size
ratio per language, for issue 9's targets (Go 0.05, C 0.25, Node 0.35, naive Python median 0.25).

It needs the local engine with the buildlab stand-ins (../shared/buildlab/setup.sh). Builds run
one after the other; timings are wall-clock and noisy on a shared machine. Tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.docker.test_apps import CASES, INSTALL  # noqa: E402  (the smoke tests live with the suite)

LANGUAGES = {"golang": "Go", "node": "Node", "debian": "C", "python": "Python"}


def language(dockerfile: Path) -> str:
    first = next(line for line in dockerfile.read_text().splitlines() if line.upper().startswith("FROM "))
    repository = first.split()[1].split(":")[0].rsplit("/", 1)[-1]
    return LANGUAGES.get(repository, repository)


def verify(case, dockopt: str) -> dict:
    folder = REPO / "fixtures" / "apps" / case.app
    command = [dockopt, "verify", str(folder / case.name), "--context", str(folder), "--unsafe-fixes", "--format", "json"]
    if case.smoke.port:
        command += ["--port", str(case.smoke.port), "--path", case.smoke.path]
    elif case.smoke.command:
        command += ["--smoke", case.smoke.command]
    done = subprocess.run(command, capture_output=True, text=True)
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"error": (done.stderr or done.stdout).strip()[-500:]}


def mb(value) -> str:
    return f"{value / 1e6:.1f}" if value else "-"


def seconds(value) -> str:
    return f"{value:.1f}" if value is not None else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="app folders (default: every app with a Dockerfile.naive)")
    parser.add_argument("--json", metavar="OUT", help="also write every verdict to OUT")
    parser.add_argument("--dockopt", default=str(Path(sys.executable).with_name("dockopt")), help="the dockopt to run")
    args = parser.parse_args()
    cases = [c for c in CASES if c.name == "Dockerfile.naive" and (not args.apps or c.app in args.apps)]
    header = ("app", "lang", "original MB", "rewritten MB", "ratio", "warm s before", "warm s after",
              "installs re-run after", "user after", "smoke before/after")
    rows, verdicts, ratios = [], {}, {}
    for case in cases:
        print(f"[bench] {case.app} ...", file=sys.stderr, flush=True)
        verdict = verify(case, args.dockopt)
        verdicts[case.app] = verdict
        lang = language(REPO / "fixtures" / "apps" / case.app / case.name)
        if "original" not in verdict:
            rows.append((case.app, lang, "error: " + verdict.get("error", "?")[:80], *[""] * 7))
            continue
        a, b = verdict["original"], verdict["rewritten"]
        ratio = b["size_bytes"] / a["size_bytes"] if a.get("size_bytes") and b.get("size_bytes") else None
        if ratio is not None:
            ratios.setdefault(lang, []).append(ratio)
        installs = [step for step in b.get("warm_steps_run") or [] if INSTALL.search(step)]
        smoke = "/".join("PASS" if m.get("smoke_ok") else ("FAIL" if m.get("smoke_ok") is False else "-") for m in (a, b))
        rows.append((case.app, lang, mb(a.get("size_bytes")), mb(b.get("size_bytes")), f"{ratio:.3f}" if ratio else "-",
                     seconds(a.get("warm_seconds")), seconds(b.get("warm_seconds")), str(len(installs)) if b.get("build_ok") else "-",
                     b.get("user") or "-", smoke))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    for lang, values in sorted(ratios.items()):
        print(f"median size ratio, {lang}: {statistics.median(values):.3f} over {len(values)} app(s)")
    if args.json:
        Path(args.json).write_text(json.dumps(verdicts, indent=2) + "\n")
    return 0 if all("original" in v and v.get("agrees") for v in verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
