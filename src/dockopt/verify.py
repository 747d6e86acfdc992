"""`dockopt verify`: build the original and the rewritten Dockerfile for real and compare them.

Everything goes through the user's own `docker` CLI with BuildKit. Each step has a time limit,
and every image and container made here is removed at the end, whatever happened.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dockopt.errors import DockoptError

BUILD_TIMEOUT = 1800
RUN_TIMEOUT = 120
_STEP_RE = re.compile(r"^#(\d+) \[(?:[\w.-]+ )?\s*(\d+)/(\d+)\] (.*)$")
_CACHED_RE = re.compile(r"^#(\d+) CACHED$")
_SKIP_FOR_EDIT = re.compile(
    r"(^|/)(requirements[^/]*|setup|conftest|test_[^/]*|[^/]*_test)\.py$|(^|/)tests?/|_test\.go$|\.(test|spec)\.[jt]sx?$|\.d\.ts$"
)
# The source files a developer edits, by extension, and a comment line each can end with unchanged
# (anything else, a Makefile or tsconfig.json, could break the build). Python first, as before.
_COMMENTS = {
    ".py": "# {}", ".go": "// {}", ".c": "/* {} */", ".h": "/* {} */", ".cc": "// {}", ".cpp": "// {}",
    ".ts": "// {}", ".tsx": "// {}", ".js": "// {}", ".mjs": "// {}", ".cjs": "// {}", ".jsx": "// {}",
    ".rb": "# {}", ".rs": "// {}", ".java": "// {}", ".kt": "// {}", ".sh": "# {}",
}


class EngineError(DockoptError):
    """No usable Docker engine."""


@dataclass
class Measurement:
    label: str
    build_ok: bool = False
    error: str | None = None
    size_bytes: int | None = None
    layers: int | None = None
    cold_seconds: float | None = None
    warm_seconds: float | None = None
    warm_steps_run: list[str] = field(default_factory=list)
    warm_steps_cached: int | None = None
    user: str | None = None
    smoke_ok: bool | None = None
    smoke_detail: str | None = None
    smoke_digest: str | None = None


@dataclass
class Verdict:
    original: Measurement
    rewritten: Measurement
    touched: str | None  # the source file edited for the warm rebuild

    @property
    def agrees(self) -> bool:
        """The rewrite builds, and its smoke test passes wherever the original's did."""
        if not self.rewritten.build_ok:
            return False
        if self.original.smoke_ok and not self.rewritten.smoke_ok:
            return False
        return True

    def as_dict(self) -> dict[str, object]:
        return {"original": asdict(self.original), "rewritten": asdict(self.rewritten), "touched": self.touched, "agrees": self.agrees}


@dataclass
class Smoke:
    command: str | None = None  # run with `sh -c` in the image
    port: int | None = None  # run the image's own CMD and GET http://127.0.0.1:PORT/PATH
    path: str = "/"


def docker_binary() -> str:
    """The docker CLI to use: $DOCKER, else the first `docker` on PATH that can build with BuildKit."""
    chosen = os.environ.get("DOCKER")
    candidates = [chosen] if chosen else [shutil.which("docker"), "/usr/bin/docker"]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and _has_buildkit(candidate):
            return candidate
    raise EngineError("no Docker engine: install docker (with BuildKit) and make sure `docker info` answers")


def _has_buildkit(binary: str) -> bool:
    try:
        info = subprocess.run([binary, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=20)
        if info.returncode != 0:
            return False
        # A v23+ client builds with BuildKit only through buildx; older clients have it built in.
        probe = subprocess.run([binary, "buildx", "version"], capture_output=True, text=True, timeout=20)
        if probe.returncode == 0:
            return True
        version = subprocess.run([binary, "version", "--format", "{{.Client.Version}}"], capture_output=True, text=True, timeout=20)
        major = int((version.stdout.strip() or "0").split(".")[0])
        return major < 23
    except (OSError, subprocess.SubprocessError, ValueError):
        return False


class Builder:
    def __init__(self, docker: str, build_args: list[str], target: str | None, timeout: int = BUILD_TIMEOUT):
        self.docker = docker
        self.build_args = build_args
        self.target = target
        self.timeout = timeout
        self.images: list[str] = []
        self.containers: list[str] = []
        self.env = {**os.environ, "DOCKER_BUILDKIT": "1"}

    def build(self, dockerfile: Path, context: Path, tag: str, no_cache: bool) -> tuple[bool, float, str]:
        command = [self.docker, "build", "--network", "host", "--progress", "plain", "-f", str(dockerfile), "-t", tag]
        for arg in self.build_args:
            command += ["--build-arg", arg]
        if self.target:
            command += ["--target", self.target]
        if no_cache:
            command.append("--no-cache")
        command.append(str(context))
        self.images.append(tag)
        started = time.monotonic()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, env=self.env)
        except subprocess.TimeoutExpired:
            return False, time.monotonic() - started, f"build timed out after {self.timeout} s"
        return done.returncode == 0, time.monotonic() - started, done.stdout + done.stderr

    def inspect(self, tag: str, measurement: Measurement) -> None:
        done = subprocess.run(
            [self.docker, "image", "inspect", "--format", "{{.Size}}|{{.Config.User}}|{{len .RootFS.Layers}}", tag],
            capture_output=True, text=True, timeout=60,
        )
        if done.returncode == 0:
            size, user, layers = done.stdout.strip().split("|")
            measurement.size_bytes = int(size)
            measurement.user = user or "root"
            measurement.layers = int(layers)

    def smoke(self, tag: str, smoke: Smoke, measurement: Measurement) -> None:
        if smoke.command:
            try:
                done = subprocess.run(
                    [self.docker, "run", "--rm", "--network", "host", "--entrypoint", "sh", tag, "-c", smoke.command],
                    capture_output=True, text=True, timeout=RUN_TIMEOUT,
                )
            except subprocess.TimeoutExpired:
                measurement.smoke_ok, measurement.smoke_detail = False, f"timed out after {RUN_TIMEOUT} s"
                return
            measurement.smoke_ok = done.returncode == 0
            measurement.smoke_detail = f"exit {done.returncode}"
            measurement.smoke_digest = hashlib.sha256(done.stdout.encode()).hexdigest()[:12]
        elif smoke.port:
            name = f"dockopt-verify-{uuid.uuid4().hex[:10]}"
            self.containers.append(name)
            started = subprocess.run([self.docker, "run", "-d", "--name", name, "--network", "host", tag], capture_output=True, text=True, timeout=60)
            if started.returncode != 0:
                measurement.smoke_ok, measurement.smoke_detail = False, "container did not start"
                return
            status, body = _poll(f"http://127.0.0.1:{smoke.port}{smoke.path}", self.docker, name)
            measurement.smoke_ok = status is not None and 200 <= status < 400
            measurement.smoke_detail = f"HTTP {status}" if status else "no answer"
            measurement.smoke_digest = hashlib.sha256(body).hexdigest()[:12] if body is not None else None
            subprocess.run([self.docker, "rm", "-f", name], capture_output=True, timeout=60)

    def cleanup(self) -> None:
        for name in self.containers:
            subprocess.run([self.docker, "rm", "-f", name], capture_output=True, timeout=60)
        if self.images:
            subprocess.run([self.docker, "rmi", "-f", *self.images], capture_output=True, timeout=120)


def _poll(url: str, docker: str, container: str, wait: float = 30.0) -> tuple[int | None, bytes | None]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback only
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            running = subprocess.run([docker, "inspect", "-f", "{{.State.Running}}", container], capture_output=True, text=True, timeout=30)
            if running.stdout.strip() != "true":
                return None, None
            time.sleep(0.5)
    return None, None


def pick_source_file(context: Path) -> str | None:
    """The application file a developer would edit: the shallowest source file (Python first) that
    is not a manifest or a test, and that a comment line can be appended to."""
    from dockopt.context import BuildContext

    build = BuildContext(context)
    found = [
        f for f in build.files()
        if not f.startswith(".") and posixpath.splitext(f)[1] in _COMMENTS and not _SKIP_FOR_EDIT.search(f)
    ]
    found.sort(key=lambda f: (not f.endswith(".py"), f.count("/"), f))
    return found[0] if found else None


def edit_source(path: Path, marker: str) -> None:
    """Append a comment line holding `marker`: a one-line source edit that changes no behaviour."""
    text = path.read_bytes()
    comment = _COMMENTS[path.suffix].format(f"edited by dockopt verify {marker}")
    with open(path, "ab") as handle:
        handle.write(("\n" if text and not text.endswith(b"\n") else "").encode() + comment.encode() + b"\n")


def _warm_steps(log: str) -> tuple[list[str], int]:
    """Steps that re-ran, and how many were cached, in a `--progress plain` build log."""
    steps: dict[str, str] = {}
    cached: set[str] = set()
    for line in log.splitlines():
        match = _STEP_RE.match(line)
        if match and not match.group(4).startswith("FROM"):
            steps.setdefault(match.group(1), f"[{match.group(2)}/{match.group(3)}] {match.group(4)}")
        elif cached_match := _CACHED_RE.match(line):
            cached.add(cached_match.group(1))
    run = [text for number, text in steps.items() if number not in cached]
    return run, len([n for n in steps if n in cached])


def verify(
    original: Path,
    rewritten_text: str,
    context: Path,
    smoke: Smoke | None = None,
    build_args: list[str] | None = None,
    target: str | None = None,
    warm: bool = True,
    timeout: int = BUILD_TIMEOUT,
    ignore_file: str | None = None,
) -> Verdict:
    """Build both files on the same context and measure them. Raises EngineError without an engine.

    `ignore_file` is the `.dockerignore` text the rewrite comes with (DO330): the rewritten builds
    read it as BuildKit's `<Dockerfile>.dockerignore` beside the rewritten file, which wins over
    the context's own, so the context itself is never changed."""
    docker = docker_binary()
    smoke = smoke or Smoke()
    builder = Builder(docker, build_args or [], target, timeout)
    tag = f"dockopt-verify-{uuid.uuid4().hex[:10]}"
    touched = pick_source_file(context) if warm else None
    with tempfile.TemporaryDirectory(prefix="dockopt-verify-") as scratch:
        scratch_path = Path(scratch)
        rewritten = scratch_path / "Dockerfile.rewritten"
        rewritten.write_text(rewritten_text, encoding="utf-8")
        if ignore_file is not None:
            rewritten.with_name(rewritten.name + ".dockerignore").write_text(ignore_file, encoding="utf-8")
        edited_context = scratch_path / "context"
        if touched:
            shutil.copytree(context, edited_context, symlinks=True)
            # Unique per run: an edit seen before would hit that run's build cache.
            edit_source(edited_context / touched, uuid.uuid4().hex)
        try:
            results = []
            for label, dockerfile in (("original", original), ("rewritten", rewritten)):
                measurement = Measurement(label)
                ok, seconds, log = builder.build(dockerfile, context, f"{tag}-{label}", no_cache=True)
                measurement.build_ok, measurement.cold_seconds = ok, round(seconds, 1)
                if not ok:
                    measurement.error = _last_lines(log)
                    results.append(measurement)
                    continue
                builder.inspect(f"{tag}-{label}", measurement)
                builder.smoke(f"{tag}-{label}", smoke, measurement)
                if touched:
                    ok, seconds, log = builder.build(dockerfile, edited_context, f"{tag}-{label}-warm", no_cache=False)
                    if ok:
                        measurement.warm_seconds = round(seconds, 1)
                        measurement.warm_steps_run, measurement.warm_steps_cached = _warm_steps(log)
                results.append(measurement)
        finally:
            builder.cleanup()
    return Verdict(results[0], results[1], touched)


def _last_lines(log: str, count: int = 12) -> str:
    return "\n".join(log.strip().splitlines()[-count:])


def format_table(verdict: Verdict) -> str:
    """The side-by-side table `dockopt verify` prints."""
    a, b = verdict.original, verdict.rewritten
    rows = [
        ("build", _ok(a.build_ok), _ok(b.build_ok), ""),
        ("image size", _mb(a.size_bytes), _mb(b.size_bytes), _ratio(a.size_bytes, b.size_bytes)),
        ("layers", _str(a.layers), _str(b.layers), ""),
        ("cold build", _sec(a.cold_seconds), _sec(b.cold_seconds), _ratio(a.cold_seconds, b.cold_seconds)),
        ("warm rebuild (1 source edit)", _sec(a.warm_seconds), _sec(b.warm_seconds), _ratio(a.warm_seconds, b.warm_seconds)),
        ("  steps re-run", _steps(a), _steps(b), ""),
        ("final user", a.user or "-", b.user or "-", ""),
        ("smoke test", _smoke(a), _smoke(b), ""),
    ]
    header = ("", "original", "rewritten", "rewritten/original")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    if verdict.touched:
        lines.append(f"warm rebuild edited: {verdict.touched}")
        for m in (a, b):
            if m.warm_steps_run:
                lines.append(f"  {m.label} re-ran: " + "; ".join(m.warm_steps_run))
    if not b.build_ok and b.error:
        lines.append("rewritten build failed:\n" + b.error)
    lines.append("verdict: " + ("OK" if verdict.agrees else "REFUSED: the rewrite does not build or its smoke test fails"))
    return "\n".join(lines)


def _ok(value: bool) -> str:
    return "ok" if value else "FAILED"


def _mb(value: int | None) -> str:
    return f"{value / 1e6:.1f} MB" if value is not None else "-"


def _sec(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "-"


def _str(value: object) -> str:
    return "-" if value is None else str(value)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:.2f}x" if a and b is not None else ""


def _steps(m: Measurement) -> str:
    if m.warm_steps_cached is None:
        return "-"
    return f"{len(m.warm_steps_run)} run / {m.warm_steps_cached} cached"


def _smoke(m: Measurement) -> str:
    if m.smoke_ok is None:
        return "-" if m.build_ok else "-"
    return f"{'PASS' if m.smoke_ok else 'FAIL'} ({m.smoke_detail})"
