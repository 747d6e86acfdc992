"""The report for reviewers (`dockopt fix --report report.md|report.json`).

Per file: the diff, each change with its code, rationale and safety, and the expected effect:
measured when `--verify` ran, otherwise an estimate that says it is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from dockopt.registry import by_code


@dataclass
class FileReport:
    path: str
    status: str  # changed / unchanged / error / skipped
    diff: str = ""
    fixes: list[dict[str, Any]] = field(default_factory=list)  # Fix.as_dict()
    error: str | None = None
    base_before: str | None = None  # final stage's base image, before and after
    base_after: str | None = None
    verify: dict[str, Any] | None = None  # Verdict.as_dict() when --verify ran


def rationale(code: str) -> str:
    """The first paragraph of the transform's `## Why` section."""
    transform = by_code(code)
    if transform is None:
        return ""
    match = re.search(r"## Why\n(.*?)(?:\n\n|\n##|$)", transform.doc(), re.S)
    if not match:
        return transform.title
    paragraph = " ".join(match.group(1).split())
    first = re.match(r"(.+?[.!?])(?:\s|$)", paragraph)  # a table cell reads best as one sentence
    return first.group(1) if first else paragraph


@lru_cache(maxsize=1)
def _sizes() -> dict[str, int]:
    # MB by "repository:variant"; its "_comment" key has no colon, so no lookup ever finds it
    sizes: dict[str, int] = json.loads(resources.files("dockopt").joinpath("data/base_image_sizes.json").read_text())
    return sizes


def estimated_base_size(image: str | None) -> int | None:
    """Approximate size in MB of a base image, from the table kept as data."""
    if not image or "$" in image:
        return None
    reference = image.split("@", 1)[0]
    repository, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    for prefix in ("docker.io/library/", "library/", "docker.io/"):
        if repository.startswith(prefix):
            repository = repository[len(prefix) :]
    tag = tag.lower()
    variant = "alpine" if "alpine" in tag else "slim" if "slim" in tag else "jre" if "jre" in tag else "full"
    if repository.startswith("gcr.io/distroless/"):
        flavour = repository.rsplit("/", 1)[-1].split("-", 1)[0]  # static-debian12 -> static
        repository, variant = f"gcr.io/distroless/{flavour}", "distroless"
    return _sizes().get(f"{repository}:{variant}")


def final_base_image(text: str) -> str | None:
    """The image the final stage starts from, ARGs resolved (through `FROM <stage>` too)."""
    import io

    from dockerfile_parse import DockerfileParser

    from dockopt.document import Document

    try:
        parents: list[str] = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8"))).parent_images
        stages = Document(text).stages
    except Exception:  # the report is best effort: an odd file gets no estimate, not a crash
        return None
    if len(parents) != len(stages) or not stages:
        return None
    names = {stage.name: index for index, stage in enumerate(stages) if stage.name}
    index, seen = len(stages) - 1, set()
    while parents[index].lower() in names and index not in seen:
        seen.add(index)
        index = names[parents[index].lower()]
    return parents[index]


def expected_effect(report: FileReport) -> str:
    if report.verify:
        original, rewritten = report.verify["original"], report.verify["rewritten"]
        parts = []
        if original.get("size_bytes") and rewritten.get("size_bytes"):
            parts.append(f"image {original['size_bytes'] / 1e6:.1f} MB → {rewritten['size_bytes'] / 1e6:.1f} MB")
        if original.get("warm_seconds") is not None and rewritten.get("warm_seconds") is not None:
            parts.append(f"rebuild after a source edit {original['warm_seconds']:.1f} s → {rewritten['warm_seconds']:.1f} s")
        if original.get("user") != rewritten.get("user"):
            parts.append(f"runs as {rewritten.get('user')} instead of {original.get('user')}")
        verdict = "builds and passes the smoke test" if report.verify.get("agrees") else "REFUSED: the rewrite did not build or failed its smoke test"
        return "Measured with `dockopt verify`: " + ("; ".join(parts) + "; " if parts else "") + verdict + "."
    notes = []
    before, after = estimated_base_size(report.base_before), estimated_base_size(report.base_after)
    if report.base_before != report.base_after and before is not None and after is not None:
        notes.append(f"base image {report.base_before} (~{before} MB) → {report.base_after} (~{after} MB)")
    codes = {fix["code"] for fix in report.fixes if fix["applied"]}
    if any(code.startswith("DO2") for code in codes):
        notes.append("fewer layers and no package-manager caches left in the image")
    if any(code.startswith("DO3") for code in codes):
        notes.append("editing a source file no longer re-runs the dependency install")
    if any(code.startswith("DO4") for code in codes):
        notes.append("the container no longer runs as root")
    if not notes:
        return ""
    return "Estimate (not measured; run with `--verify` to measure): " + "; ".join(notes) + "."


def render_markdown(reports: list[FileReport], title: str = "dockopt: Dockerfile rewrites for review") -> str:
    changed = [r for r in reports if r.status == "changed"]
    failed = [r for r in reports if r.status == "error"]
    fix_count = sum(1 for r in reports for f in r.fixes if f["applied"])
    lines = [
        f"# {title}",
        "",
        f"{len(reports)} Dockerfile(s) scanned: {len(changed)} changed, {len(failed)} failed; {fix_count} change(s) applied.",
        "",
    ]
    for report in reports:
        if report.status == "unchanged" and not report.fixes:
            continue
        lines += [f"## `{report.path}`", ""]
        if report.error:
            lines += [f"**Error:** {report.error}", ""]
            continue
        effect = expected_effect(report)
        if effect:
            lines += [effect, ""]
        applied = [f for f in report.fixes if f["applied"]]
        other = [f for f in report.fixes if not f["applied"]]
        if applied:
            lines += ["| line | rule | safety | change | why |", "|---:|---|---|---|---|"]
            for fix in applied:
                lines.append(f"| {fix['line']} | {fix['code']} `{fix['name']}` | {fix['safety']} | {_cell(fix['text'])} | {_cell(rationale(fix['code']))} |")
            lines.append("")
        if other:
            lines += ["Not applied (unsafe fixes left out, and findings to fix by hand):", ""]
            for fix in other:
                kind = "finding" if fix["safety"] == "finding" else f"{fix['safety']} fix left out"
                lines.append(f"- line {fix['line']}: {fix['code']} `{fix['name']}` ({kind}): {fix['text']}")
            lines.append("")
        if report.diff:
            lines += ["<details><summary>Diff</summary>", "", "```diff", report.diff.rstrip("\n"), "```", "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(reports: list[FileReport]) -> str:
    payload = [
        {**report.__dict__, "expected_effect": expected_effect(report), "rationales": {f["code"]: rationale(f["code"]) for f in report.fixes}}
        for report in reports
    ]
    return json.dumps({"files": payload}, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
