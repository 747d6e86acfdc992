"""BuildKit check warnings on the corpus before and after `dockopt fix --unsafe-fixes`.

BuildKit's checks are counted with tally (`pip install tally-cli`), which embeds them. Prints one
line per check: findings before, after, and the files still warned about after.

    python bench/buildkit_checks.py [CORPUS_DIR]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

CHECKS = (
    "ConsistentInstructionCasing", "FromAsCasing", "StageNameCasing", "LegacyKeyValueFormat",
    "NoEmptyContinuation", "RedundantTargetPlatform", "ExposeProtoCasing", "MultipleInstructionsDisallowed",
    "WorkdirRelativePath", "JSONArgsRecommended", "MaintainerDeprecated",
)


def tally_findings(files: list[Path], tally: str) -> dict[str, list[tuple[str, int]]]:
    """check name -> [(file, line)] of tally's BuildKit findings."""
    found: dict[str, list[tuple[str, int]]] = {name: [] for name in CHECKS}
    for start in range(0, len(files), 100):
        for item in _lint(files[start : start + 100], tally):
            for violation in item.get("violations", []):
                rule = violation["rule"].removeprefix("buildkit/")
                if rule in found:
                    found[rule].append((Path(item["file"]).name.replace("#", "/"), violation["location"]["start"]["line"]))
    return found


def _lint(files: list[Path], tally: str) -> list[dict]:
    """tally's report of each file; a file tally cannot parse stops its whole run, so a batch that
    fails is split until the file is found (and left out)."""
    run = subprocess.run([tally, "lint", "--no-config", "--slow-checks", "off", "--format", "json", *map(str, files)],
                         capture_output=True, text=True)
    try:
        return json.loads(run.stdout).get("files", [])
    except json.JSONDecodeError:
        if len(files) == 1:
            return []
        middle = len(files) // 2
        return _lint(files[:middle], tally) + _lint(files[middle:], tally)


def fixed_copies(corpus: Path, out: Path) -> tuple[list[Path], list[Path]]:
    """(originals, fixed copies) of every corpus file dockopt reads."""
    import dockopt
    from dockopt.errors import DockoptError

    originals, fixed = [], []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "manifest.tsv"):
        data = path.read_bytes()
        try:
            output = dockopt.fix(data, unsafe_fixes=True).output
        except DockoptError:
            continue
        name = path.relative_to(corpus).as_posix().replace("/", "#")  # findings name the corpus file
        (out / "before").mkdir(exist_ok=True)
        (out / "after").mkdir(exist_ok=True)
        (out / "before" / name).write_bytes(data)
        (out / "after" / name).write_bytes(output)
        originals.append(out / "before" / name)
        fixed.append(out / "after" / name)
    return originals, fixed


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "shared/corpus/dockerfiles"
    tally = shutil.which("tally") or str(Path(sys.executable).parent / "tally")
    with tempfile.TemporaryDirectory() as tmp:
        originals, fixed = fixed_copies(corpus, Path(tmp))
        before, after = tally_findings(originals, tally), tally_findings(fixed, tally)
    print(f"{len(originals)} files; BuildKit check findings (tally) before -> after dockopt fix --unsafe-fixes")
    for name in CHECKS:
        files = Counter(file for file, _ in after[name])
        print(f"{name:32} {len(before[name]):5} -> {len(after[name]):4}  {dict(files) if files else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
