"""Every transform on real apps (issue 6): each app's own Dockerfile and a naive one written for it.

- rewritten with --unsafe-fixes, the image builds and answers the app's smoke test as the
  original does;
- rewritten with safe fixes only, equiv.py finds the same filesystem and config.

Builds use the engine's cache (the originals are rebuilt only when their inputs change), so the
suite stays within CI's budget; `dockopt verify` measures cold builds for users.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

import dockopt
from dockopt.verify import Builder, Measurement, Smoke
from tests.docker import buildlab

pytestmark = pytest.mark.docker

APPS = buildlab.REPO / "fixtures" / "apps"
ACCOUNT_FILES = 64 * 1024  # /etc/passwd, group, shadow... of a user DO401 adds

# (app folder, Dockerfile, smoke test) as each app's SOURCE.txt says.
CASES = [
    ("docker-init-flask", "Dockerfile", Smoke(port=8080)),
    ("docker-init-flask", "Dockerfile.naive", Smoke(port=8080)),
    ("fastapi-awesome-compose", "Dockerfile.naive", Smoke(port=8000)),
    ("flask-catnip", "Dockerfile", Smoke(port=5000)),
    ("flask-catnip", "Dockerfile.naive", Smoke(port=5000)),
    ("flask-redis-hits", "Dockerfile", Smoke(command="python -c 'import app'")),
    ("flask-redis-hits", "Dockerfile.naive", Smoke(command="python -c 'import app'")),
    ("uv-docker-example", "Dockerfile.naive", Smoke(port=8000)),
    ("voting-vote", "Dockerfile", Smoke(port=80)),
    ("voting-vote", "Dockerfile.naive", Smoke(port=80)),
]
IDS = [f"{app}/{name}" for app, name, _ in CASES]

# Files a build writes differently every time, whatever the Dockerfile: `uv sync` builds and
# installs the project itself, and records that build's own hashes and cache key.
PER_BUILD = {
    "uv-docker-example": ("--ignore", "/app/.venv/lib/*/site-packages/uv_docker_example-*.dist-info/RECORD",
                          "--ignore", "/app/.venv/lib/*/site-packages/uv_docker_example-*.dist-info/uv_cache.json"),
}


def _needs_standins(dockerfile: Path) -> None:
    missing = buildlab.missing_base_images(dockerfile)
    if missing:
        pytest.skip(f"no stand-in base image here: {missing}")


def _without_syntax_line(dockerfile: Path, folder: Path) -> Path:
    """A copy without a leading `# syntax=` directive: its frontend image is on Docker Hub, which
    this engine cannot reach (measure.py and equiv.py do the same)."""
    lines = dockerfile.read_bytes().splitlines(keepends=True)
    if lines and lines[0].lstrip(b"# ").lower().startswith(b"syntax"):
        lines = lines[1:]
    copy = folder / f"{dockerfile.name}.original"
    copy.write_bytes(b"".join(lines))
    return copy


def _build_and_smoke(builder: Builder, dockerfile: Path, context: Path, smoke: Smoke) -> Measurement:
    measurement = Measurement(dockerfile.name)
    tag = f"dockopt-apps-{uuid.uuid4().hex[:10]}"
    ok, _, log = builder.build(dockerfile, context, tag, no_cache=False)
    measurement.build_ok, measurement.error = ok, None if ok else log[-3000:]
    if ok:
        builder.inspect(tag, measurement)
        builder.smoke(tag, smoke, measurement)
    return measurement


@pytest.mark.parametrize(("app", "name", "smoke"), CASES, ids=IDS)
def test_unsafe_rewrite_builds_and_passes_the_smoke_test(app, name, smoke, docker_engine, tmp_path):
    context = APPS / app
    original = _without_syntax_line(context / name, tmp_path)
    _needs_standins(original)
    buildlab.run_script("standin_tags.py", original, "-q")
    result = dockopt.fix(original.read_bytes(), unsafe_fixes=True, context=context)
    assert result.error is None, result.error
    rewritten = tmp_path / "Dockerfile.rewritten"
    rewritten.write_bytes(result.output)
    buildlab.run_script("standin_tags.py", rewritten, "-q")
    builder = Builder(docker_engine, [], None, timeout=buildlab.SCRIPT_TIMEOUT)
    try:
        before = _build_and_smoke(builder, original, context, smoke)
        after = _build_and_smoke(builder, rewritten, context, smoke)
    finally:
        builder.cleanup()
    assert before.build_ok, f"the original does not build here:\n{before.error}"
    assert after.build_ok, f"the rewrite does not build:\n{result.output.decode()}\n{after.error}"
    assert after.smoke_ok == before.smoke_ok, (
        f"smoke test: original {before.smoke_detail}, rewrite {after.smoke_detail}\n{result.output.decode()}"
    )
    # Never bigger, but for the few KiB of account files a new non-root user adds (DO401).
    assert after.size_bytes <= before.size_bytes + ACCOUNT_FILES, "a rewrite must never make the image bigger"


@pytest.mark.parametrize(("app", "name", "smoke"), CASES, ids=IDS)
def test_safe_rewrite_builds_an_equivalent_image(app, name, smoke, docker_engine, tmp_path):
    context = APPS / app
    original = context / name
    _needs_standins(original)
    result = dockopt.fix(original.read_bytes(), context=context)
    assert result.error is None, result.error
    if not result.changed:
        pytest.skip("no safe fix applies")
    rewritten = tmp_path / "Dockerfile.rewritten"
    rewritten.write_bytes(result.output)
    check = buildlab.equiv(original, rewritten, context, *PER_BUILD.get(app, ()))
    assert check.equivalent, check.explain()
