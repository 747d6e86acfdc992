"""Generate `docs/rules/` from the transforms' own docstrings, so the docs cannot drift.

    python -m dockopt.rule_docs docs/rules
"""

from __future__ import annotations

import sys
from pathlib import Path

from dockopt.registry import all_transforms
from dockopt.transform import Transform


def page(transform: type[Transform]) -> str:
    aliases = ", ".join(f"`{a}`" for a in transform.aliases) or "none"
    return (
        f"# {transform.code} `{transform.name}`\n\n"
        f"{transform.title}\n\n"
        f"- Fix safety: **{transform.safety_label()}**\n"
        f"- Severity: **{transform.severity.value}** (for `dockopt check --fail-level`)\n"
        f"- Also known as: {aliases}\n\n"
        f"{transform.doc()}\n"
    )


def index() -> str:
    lines = ["# dockopt rules", "", "| code | name | safety | severity | title |", "|---|---|---|---|---|"]
    for transform in sorted(all_transforms(), key=lambda t: t.code):
        lines.append(
            f"| [{transform.code}]({filename(transform)}) | `{transform.name}` | {transform.safety_label()} "
            f"| {transform.severity.value} | {transform.title} |"
        )
    return "\n".join(lines) + "\n"


def filename(transform: type[Transform]) -> str:
    return f"{transform.code}-{transform.name}.md"


def expected_files() -> dict[str, str]:
    files = {filename(t): page(t) for t in all_transforms()}
    files["README.md"] = index()
    return files


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    for stale in folder.glob("DO*.md"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"))
