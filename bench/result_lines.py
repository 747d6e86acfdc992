"""Do the default run's results sit where each rule alone puts them?

For every corpus file, runs all rules (`--unsafe-fixes`) and then each reported rule alone, and
counts the results whose line is not one of the lines that rule reports alone. Those exist only
after another fix (a merge that a cleanup made possible, a reason given on the merged RUN): the
line then still names the user's instruction. Prints the counts per rule and a few examples.

    python bench/result_lines.py [--limit N] [--examples N]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    import dockopt

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument("--examples", type=int, default=10, help="examples to print")
    args = parser.parse_args()
    manifest = args.corpus / "manifest.tsv"
    if not manifest.is_file():
        print(f"result_lines: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with manifest.open(newline="", encoding="utf-8") as handle:
        files = [args.corpus / row["stored_path"] for row in csv.DictReader(handle, delimiter="\t")]
    files = files[: args.limit] if args.limit else files

    total, elsewhere, examples = 0, Counter[str](), []
    for path in files:
        try:
            source = path.read_bytes().decode("utf-8")
            result = dockopt.fix(source, unsafe_fixes=True)
        except (dockopt.DockoptError, UnicodeDecodeError):
            continue
        alone: dict[str, set[int]] = {}
        for item in result.fixes:
            total += 1
            if item.code not in alone:
                alone[item.code] = {found.line for found in dockopt.fix(source, select=[item.code], unsafe_fixes=True).fixes}
            if item.line not in alone[item.code]:
                elsewhere[item.code] += 1
                if len(examples) < args.examples:
                    examples.append(f"  {path.relative_to(args.corpus)}:{item.line} {item.code} {item.text[:90]}"
                                    f"  (alone: {sorted(alone[item.code]) or 'none'})")
    share = 100 * sum(elsewhere.values()) / max(total, 1)
    print(f"{len(files)} files, {total} results; {sum(elsewhere.values())} ({share:.1f}%) not on a line their rule alone reports")
    for code, count in elsewhere.most_common():
        print(f"  {code}: {count}")
    if examples:
        print("examples:")
        print("\n".join(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
