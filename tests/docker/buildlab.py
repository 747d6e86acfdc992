"""Run the scripts of ../shared/buildlab (equiv.py, measure.py, standin_tags.py) and read their JSON.

The scripts need only the standard library, so they run under this interpreter. Every build goes
through them, one at a time: the machine has two cores, and measure.py prunes cache mounts
engine-wide, so builds must not overlap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.shared import REPO, SHARED

BUILDLAB = SHARED / "buildlab"
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
DEFAULT_CONTEXT = REPO / "fixtures" / "docker" / "default-context"

# Written at package install time from random bytes (dbus, systemd postinst scripts), so they
# differ between two builds of the same Dockerfile; equiv.py does not leave them out by itself.
RANDOM_PER_BUILD = ("/etc/machine-id", "/var/lib/dbus/machine-id")

# Generous: a cold apt or pip build on two cores takes minutes, not hours. A hung build must end
# the test, not the CI job.
SCRIPT_TIMEOUT = 1500


def _env() -> dict[str, str]:
    return dict(os.environ, DOCKER=DOCKER, DOCKER_BUILDKIT="1")


def run_script(name: str, *args: str | Path, timeout: float = SCRIPT_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BUILDLAB / name), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=_env(),
    )


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _json_object(stdout: str) -> dict:
    """The JSON object a script printed (anything before its opening brace is ignored)."""
    start = stdout.find("{")
    return json.loads(stdout[start:]) if start >= 0 else {}


def missing_base_images(dockerfile: Path, build_args: list[str] = ()) -> dict[str, str]:
    """Image references of `dockerfile` that no stand-in can serve here, with the reason.

    `standin_tags.py --dry-run` tags nothing; it only says what it would do.
    """
    args = [dockerfile, "--dry-run", "--json"]
    for build_arg in build_args:
        args += ["--build-arg", build_arg]
    proc = run_script("standin_tags.py", *args, timeout=120)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"standin_tags.py failed (exit {proc.returncode}):\n{_tail(proc.stderr + proc.stdout)}")
    report = _json_object(proc.stdout)
    return {ref["image"]: ref.get("reason", "missing") for ref in report.get("refs", []) if ref["status"] == "missing"}


@dataclass
class Equivalence:
    """What equiv.py said about two Dockerfiles built on one context."""

    returncode: int
    report: dict = field(default_factory=dict)
    stderr: str = ""

    @property
    def equivalent(self) -> bool:
        return self.returncode == 0 and self.report.get("equivalent") is True

    @property
    def both_built(self) -> bool:
        """Exit 0 (equivalent) or 1 (differ) means both images were built and compared."""
        return self.returncode in (0, 1) and self.report.get("equivalent") is not None

    @property
    def original_failed(self) -> bool:
        return str(self.report.get("error", "")).startswith("original does not build")

    @property
    def error(self) -> str:
        return str(self.report.get("error") or _tail(self.stderr, 5) or f"exit {self.returncode}")

    @property
    def failure(self) -> str:
        """The error with the build log's last line, which names the step that failed."""
        last = next((line for line in reversed(self.report.get("log_tail", [])) if line.strip()), "")
        return f"{self.error}: {last.strip()}" if last else self.error

    def explain(self) -> str:
        """Enough of equiv.py's answer to act on from a test failure."""
        if self.both_built:
            differences = self.report.get("differences", [])
            shown = "\n".join(differences[:40])
            more = f"\n... {len(differences) - 40} more" if len(differences) > 40 else ""
            return f"{len(differences)} differences:\n{shown}{more}"
        log = "\n".join(self.report.get("log_tail", [])[-20:])
        return f"{self.error}\n{log}\n{_tail(self.stderr, 10)}".rstrip()


# Files that hold the day they were written: /etc/shadow's last-password-change field counts
# days, so a layer that `useradd` ran in, cached on another day, differs there from a fresh one.
DATED_BY_BUILD_DAY = ("/etc/shadow", "/etc/shadow-")


def equiv(original: Path, rewritten: Path, context: Path, *extra: str) -> Equivalence:
    """Build both files on `context` (BuildKit cache on) and compare filesystem and config.

    When the only differences are in files dated by the build day, one image may come from a
    cache of another day: both are built again without the cache to tell."""
    result = _equiv(original, rewritten, context, *extra)
    differences = result.report.get("differences") or []
    if result.returncode == 1 and differences and "--no-cache" not in extra and all(
        any(line.startswith(f"changed: {path}: ") for path in DATED_BY_BUILD_DAY) for line in differences
    ):
        return _equiv(original, rewritten, context, *extra, "--no-cache")
    return result


def _equiv(original: Path, rewritten: Path, context: Path, *extra: str) -> Equivalence:
    ignores = [arg for path in RANDOM_PER_BUILD for arg in ("--ignore", path)]
    proc = run_script("equiv.py", original, rewritten, context, "--json", *ignores, *extra)
    try:
        report = _json_object(proc.stdout)
    except json.JSONDecodeError:
        report = {}
    return Equivalence(proc.returncode, report, proc.stderr)


@dataclass
class Measurement:
    """What measure.py said about one Dockerfile (cold build, no warm rebuild)."""

    returncode: int
    facts: dict
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.facts.get("ok"))

    def explain(self) -> str:
        log = "\n".join((self.facts.get("build") or {}).get("log_tail", [])[-20:])
        return f"{self.facts.get('error')}\n{log}\n{_tail(self.stderr, 10)}".rstrip()

    def summary(self) -> str:
        size = self.facts.get("size_bytes")
        megabytes = f"{size / 1e6:.1f} MB" if size else "?"
        return f"{megabytes}, {self.facts.get('layers_nonzero')} non-empty layers"


def measure(dockerfile: Path, context: Path, out: Path, *extra: str) -> Measurement:
    """Cold-build `dockerfile` (measure.py always builds --no-cache) and read its facts."""
    proc = run_script("measure.py", dockerfile, context, "--no-warm", "--json", out, *extra)
    facts = json.loads(out.read_text()) if out.exists() else {}
    return Measurement(proc.returncode, facts, proc.stderr)


@dataclass
class Comparison:
    """What compare.py said: both cold builds measured, and its side-by-side table."""

    returncode: int
    original: Measurement
    rewritten: Measurement
    table: str

    def explain(self) -> str:
        return f"{self.table}\n--- rewritten ---\n{self.rewritten.explain()}".rstrip()


def compare(original: Path, rewritten: Path, context: Path, out: Path, *extra: str) -> Comparison:
    """Cold-build both files, one after the other (compare.py exits 1 when the rewrite fails)."""
    proc = run_script("compare.py", original, rewritten, context, "--no-warm", "--json", out, *extra)
    both = json.loads(out.read_text()) if out.exists() else {}
    return Comparison(
        proc.returncode,
        Measurement(proc.returncode, both.get("original", {})),
        Measurement(proc.returncode, both.get("rewritten", {}), proc.stderr),
        proc.stdout.strip(),
    )
