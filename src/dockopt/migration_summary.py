"""The organisation summary of `dockopt migrate`: one row per repository, as text, markdown or JSON.

A row says how many Dockerfiles were scanned, changed and failed, how many fixes were applied,
what happened to the repository (committed / written / up to date / skipped / failed) and either
why it was skipped or failed, or the expected effect: measured when `--verify` built the images,
otherwise an estimate from the base-image size table that says it is one.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dockopt.migrate import MigrateOptions, RepoOutcome
    from dockopt.reporting import Streams

HEADER = ("repository", "files", "changed", "failed", "fixes", "result", "notes")


def effect(repo: RepoOutcome) -> dict[str, Any]:
    """Image size and rebuild effect of the repository's rewrites: measured, or estimated."""
    from dockopt.report import estimated_base_size

    changed = repo.changed()
    verdicts = [item.verdict for item in changed if item.verdict is not None]
    if verdicts:
        pairs = [(v.original.size_bytes, v.rewritten.size_bytes) for v in verdicts if v.original.size_bytes and v.rewritten.size_bytes]
        warm = [(v.original.warm_seconds, v.rewritten.warm_seconds) for v in verdicts if v.original.warm_seconds is not None and v.rewritten.warm_seconds is not None]
        return {
            "measured": True,
            "size_before_mb": round(sum(a for a, _ in pairs) / 1e6, 1) if pairs else None,
            "size_after_mb": round(sum(b for _, b in pairs) / 1e6, 1) if pairs else None,
            "rebuild_before_s": round(sum(a for a, _ in warm), 1) if warm else None,
            "rebuild_after_s": round(sum(b for _, b in warm), 1) if warm else None,
        }
    before = after = 0
    for item in changed:
        old, new = item.result.base_before, item.result.base_after
        old_size, new_size = estimated_base_size(old), estimated_base_size(new)
        if old != new and old_size is not None and new_size is not None:
            before, after = before + old_size, after + new_size
    codes = set(repo.fixes())
    return {
        "measured": False,
        "base_before_mb": before or None,
        "base_after_mb": after or None,
        "install_cached_on_source_edit": any(code.startswith("DO3") for code in codes),
    }


def effect_text(facts: dict[str, Any]) -> str:
    if facts["measured"]:
        parts = []
        if facts["size_before_mb"] is not None:
            parts.append(f"image {facts['size_before_mb']:g} → {facts['size_after_mb']:g} MB")
        if facts["rebuild_before_s"] is not None:
            parts.append(f"rebuild {facts['rebuild_before_s']:g} → {facts['rebuild_after_s']:g} s")
        return "; ".join(parts) + " (measured)" if parts else "builds and passes (measured)"
    parts = []
    if facts["base_before_mb"]:
        parts.append(f"base ~{facts['base_before_mb']} → ~{facts['base_after_mb']} MB")
    if facts["install_cached_on_source_edit"]:
        parts.append("source edits keep the install cached")
    return "; ".join(parts) + " (est.)" if parts else ""


def _result(repo: RepoOutcome, options: MigrateOptions) -> str:
    if repo.status == "changed":
        return "committed" if options.commit else "written"
    return {"up-to-date": "up to date"}.get(repo.status, repo.status)


def _notes(repo: RepoOutcome) -> str:
    if repo.status in ("skipped", "failed"):
        return repo.reason or ""
    text = effect_text(effect(repo))
    if repo.previous:
        text += ("; " if text else "") + f"replaces {repo.previous[:7]}"
    return text


def rows(repos: list[RepoOutcome], options: MigrateOptions) -> list[tuple[str, ...]]:
    table: list[tuple[str, ...]] = []
    for repo in repos:
        counts = (
            (str(len(repo.files)), str(len(repo.changed())), str(len(repo.failed())), str(sum(repo.fixes().values())))
            if repo.files
            else ("-", "-", "-", "-")
        )
        table.append((repo.shown, *counts, _result(repo, options), _notes(repo)))
    return table


def totals(repos: list[RepoOutcome]) -> dict[str, Any]:
    status = Counter(repo.status for repo in repos)
    fixes: Counter[str] = Counter()
    for repo in repos:
        if repo.status in ("changed", "up-to-date"):
            fixes.update(repo.fixes())
    return {
        "repositories": len(repos),
        "changed": status["changed"],
        "up_to_date": status["up-to-date"],
        "skipped": status["skipped"],
        "failed": status["failed"],
        "dockerfiles_rewritten": sum(len(r.changed()) for r in repos if r.status in ("changed", "up-to-date")),
        "dockerfiles_failed": sum(len(r.failed()) for r in repos),
        "fixes": sum(fixes.values()),
        "fixes_by_code": dict(sorted(fixes.items())),
    }


def _totals_line(repos: list[RepoOutcome]) -> str:
    t = totals(repos)
    line = (
        f"{t['repositories']} repositor{'y' if t['repositories'] == 1 else 'ies'}: {t['changed']} changed, "
        f"{t['up_to_date']} up to date, {t['skipped']} skipped, {t['failed']} failed; "
        f"{t['dockerfiles_rewritten']} Dockerfile(s) rewritten with {t['fixes']} fix(es)"
    )
    if t["fixes_by_code"]:
        line += " (" + ", ".join(f"{code} ×{count}" for code, count in t["fixes_by_code"].items()) + ")"
    if t["dockerfiles_failed"]:
        line += f"; {t['dockerfiles_failed']} Dockerfile(s) failed"
    return line + "."


def _footer(repos: list[RepoOutcome], options: MigrateOptions) -> list[str]:
    lines = []
    if options.commit:
        lines.append(f"Branch {options.branch}: local only, nothing was pushed.")
    bodies = [repo.pr_body for repo in repos if repo.pr_body]
    if bodies:
        lines.append("Pull-request bodies (the first line is the title):")
        lines += [f"  {_display(path)}" for path in bodies]
    return lines


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def render(repos: list[RepoOutcome], options: MigrateOptions, output_format: str) -> str:
    if output_format == "json":
        return render_json(repos, options)
    if output_format == "markdown":
        return render_markdown(repos, options)
    return render_text(repos, options)


def render_text(repos: list[RepoOutcome], options: MigrateOptions) -> str:
    table = [HEADER, *rows(repos, options)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    numeric = {1, 2, 3, 4}

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.rjust(widths[i]) if i in numeric and row is not HEADER else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        return "  ".join(cells).rstrip()

    out = [line(HEADER), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in table[1:]]
    out.append(_totals_line(repos))
    out += _footer(repos, options)
    return "\n".join(out) + "\n"


def render_markdown(repos: list[RepoOutcome], options: MigrateOptions) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|---:|---|---|"]
    for row in rows(repos, options):
        cells = [f"`{row[0]}`", *row[1:]]
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    out += ["", _totals_line(repos)]
    footer = _footer(repos, options)
    if footer:
        out.append("")
        out += [f"- `{item.strip()}`" if item.startswith("  ") else item for item in footer]
    return "\n".join(out) + "\n"


def render_json(repos: list[RepoOutcome], options: MigrateOptions) -> str:
    items = []
    for repo in repos:
        items.append(
            {
                "repository": repo.shown,
                "root": repo.root,
                "status": repo.status,
                "reason": repo.reason,
                "base_branch": repo.base_branch,
                "base_commit": repo.base_commit,
                "branch": options.branch if options.commit and repo.commit else None,
                "commit": repo.commit,
                "replaced": repo.previous,
                "files": [
                    {
                        "path": item.path,
                        "status": {"ok": "unchanged"}.get(item.result.status, item.result.status),
                        "fixes": sorted({fix["code"] for fix in item.applied}),
                        "error": item.result.error,
                    }
                    for item in repo.files
                ],
                "fixes_by_code": dict(sorted(repo.fixes().items())),
                "effect": effect(repo) if repo.status in ("changed", "up-to-date") else None,
                "pr_title": repo.pr_title if repo.pr_body else None,
                "pr_body": repo.pr_body,
            }
        )
    payload: dict[str, object] = {"branch": options.branch if options.commit else None, "mode": "commit" if options.commit else "no-commit"}
    payload.update(repositories=items, totals=totals(repos))
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def write_summary(target: str, repos: list[RepoOutcome], options: MigrateOptions, streams: Streams) -> bool:
    kind = "json" if target.endswith(".json") else "markdown" if target.endswith(".md") else "text"
    temporary = f"{target}.dockopt-tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(render(repos, options, kind))
        os.replace(temporary, target)
    except OSError as exc:
        streams.error(target, f"cannot write the summary: {exc.strerror or exc}")
        return False
    return True
