"""The script behind the GitHub Action (`action.yml`): `python -m dockopt.github_action`.

Inputs come as the action passes them, in environment variables:

    INPUT_MODE    check (default): lint; fix: write the fixes
    INPUT_PATHS   Dockerfiles or folders, separated by spaces or new lines (default: .)
    INPUT_ARGS    more dockopt options, shell-quoted (`--fail-level warning --unsafe-fixes`)
    INPUT_SARIF   check mode: "true" writes SARIF for code scanning instead of annotations

check mode runs `dockopt check` with `--format github` (annotations on the pull request) or
`--format sarif` (a file the next step uploads to code scanning). fix mode runs
`dockopt fix --write` with a report, and leaves the report, which reads as a pull-request body,
as the job summary ($GITHUB_STEP_SUMMARY) and as a file for the next step. The outputs go to
$GITHUB_OUTPUT (`exit-code`, `sarif`, `report`, `changed`); the exit code is dockopt's, so the
job fails as `dockopt check` would.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path


def main() -> int:
    mode = os.environ.get("INPUT_MODE", "check").strip() or "check"
    paths = shlex.split(os.environ.get("INPUT_PATHS", "") or ".")
    args = shlex.split(os.environ.get("INPUT_ARGS", ""))
    temp = Path(os.environ.get("RUNNER_TEMP") or os.getcwd())
    if mode == "check":
        return _check(paths, args, temp, os.environ.get("INPUT_SARIF", "").strip().lower() == "true")
    if mode == "fix":
        return _fix(paths, args, temp)
    sys.stderr.write(f"dockopt: error: the action's mode is check or fix, not {mode!r}\n")
    return 2


def _check(paths: list[str], args: list[str], temp: Path, sarif: bool) -> int:
    if sarif:
        target = temp / "dockopt.sarif"
        code = _dockopt("check", "--format", "sarif", "--output-file", str(target), *args, "--", *paths)
        _outputs(**{"exit-code": code, "sarif": target if target.exists() else ""})
        return code
    code = _dockopt("check", "--format", "github", *args, "--", *paths)
    _outputs(**{"exit-code": code})
    return code


def _fix(paths: list[str], args: list[str], temp: Path) -> int:
    from dockopt.report import FileReport, render_markdown

    data = temp / "dockopt-report.json"
    code = _dockopt("fix", "--write", "--report", str(data), *args, "--", *paths)
    reports = []
    if data.exists():
        fields = FileReport.__dataclass_fields__
        reports = [FileReport(**{key: value for key, value in item.items() if key in fields}) for item in json.loads(data.read_text())["files"]]
    markdown = temp / "dockopt-report.md"
    markdown.write_text(render_markdown(reports), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown.read_text(encoding="utf-8"))
    changed = any(report.status == "changed" for report in reports)
    _outputs(**{"exit-code": code, "report": markdown, "changed": "true" if changed else "false"})
    return code


def _dockopt(*args: str) -> int:
    """dockopt as the user's shell would run it; its output goes straight to the job's log."""
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", "dockopt", *args]).returncode


def _outputs(**values: object) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key}={value}\n")


if __name__ == "__main__":
    raise SystemExit(main())
