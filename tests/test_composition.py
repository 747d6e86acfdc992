"""The default run is the product: running every pass must reach what any pass reaches alone.

For every golden fixture, app, seed, the bundled example and every corpus file, each structural or
cache pass is run alone (with --unsafe-fixes, as the default run of a user who asked for them) and
the property it exists for is measured on its output: the install above the source copy, the stage
split, a non-root final user, the slim base, no apt lists or package caches left behind, no lone
`apt-get update`. The whole run must keep every property a pass reached alone, unless a bigger fix
supersedes it (the stage split over the slim base). And a second `--write` finds nothing to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

import dockopt
from dockopt.document import Document
from dockopt.errors import DockoptError
from dockopt.image import Reads
from dockopt.manifests import InstallRun, classify_run
from tests.fixture_cases import FIXTURES, all_cases
from tests.shared import CORPUS, corpus_rows, corpus_skip_param

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

ROOT = Path(__file__).resolve().parent.parent


# -- what each pass is for, measured on a Dockerfile ---------------------------------------------


@dataclass(frozen=True)
class Measure:
    installs_below_source: int  # dependency installs a source edit re-runs
    stages: int
    root_at_run_time: bool
    final_base: str
    apt_lists_left: int  # RUNs that download apt lists and leave them in the layer
    lone_apt_updates: int
    pip_caches_left: int
    npm_caches_left: int


_APT_UPDATE = re.compile(r"\bapt(-get)?\s+(-\S+\s+)*update\b")
_PIP_INSTALL = re.compile(r"\bpip[0-9.]*\s+(-\S+\s+)*install\b")
_NPM_INSTALL = re.compile(r"\bnpm\s+(install|ci|i)\b")


def measure(text: str, root: Path | None) -> Measure:
    doc = Document(text)
    image = doc.image
    installs = 0
    apt_left = lone_updates = pip_left = npm_left = 0
    for instruction in doc.instructions:
        if instruction.cmd != "RUN":
            continue
        body = doc.logical(instruction).text
        if image.reads(instruction, root) is Reads.SOURCE:
            run = classify_run(doc, instruction, image.workdir(instruction))
            if isinstance(run, InstallRun) and run.tools:
                installs += 1
        ships = image.ships(doc.stage_of(instruction))  # a cache left in a builder stage costs the image nothing
        if _APT_UPDATE.search(body):
            if "/var/lib/apt/lists" not in body and "type=cache" not in body and ships:
                apt_left += 1
            view = doc.shell(instruction)
            if view is not None and len(view.commands) == 1:
                lone_updates += 1
        if _PIP_INSTALL.search(body) and "--no-cache-dir" not in body and "type=cache" not in body:
            pip_left += 1
        if _NPM_INSTALL.search(body) and "cache clean" not in body and "type=cache" not in body and ships:
            npm_left += 1
    final = doc.final_stage
    runtime = image.runtime(final)
    user = runtime.user if runtime else None
    root_user = user is None or user.split(":")[0] in ("root", "0", "")
    return Measure(installs, len(doc.stages), root_user, runtime.base_image if runtime else "", apt_left, lone_updates,
                   pip_left, npm_left)


# Each pass and the property it improves: (better(alone, original), kept(full, alone, original)).
PASSES = {
    "DO301": (lambda a, o: a.installs_below_source < o.installs_below_source,
              lambda f, a, o: f.installs_below_source <= a.installs_below_source),
    # A slim base that is the split's own runtime image reaches the same size with a smaller diff.
    "DO502": (lambda a, o: a.stages > o.stages, lambda f, a, o: f.stages >= a.stages or f.final_base == a.final_base),
    "DO401": (lambda a, o: o.root_at_run_time and not a.root_at_run_time, lambda f, a, o: not f.root_at_run_time),
    "DO501": (lambda a, o: a.final_base != o.final_base,
              lambda f, a, o: f.final_base != o.final_base or f.stages > o.stages),
    "DO214": (lambda a, o: a.apt_lists_left < o.apt_lists_left, lambda f, a, o: f.apt_lists_left <= a.apt_lists_left),
    "DO211": (lambda a, o: a.lone_apt_updates < o.lone_apt_updates, lambda f, a, o: f.lone_apt_updates <= a.lone_apt_updates),
    "DO240": (lambda a, o: a.pip_caches_left < o.pip_caches_left, lambda f, a, o: f.pip_caches_left <= a.pip_caches_left),
    "DO245": (lambda a, o: a.npm_caches_left < o.npm_caches_left, lambda f, a, o: f.npm_caches_left <= a.npm_caches_left),
}


# -- the inputs ----------------------------------------------------------------------------------


def _inputs() -> list:
    found = []
    for case in all_cases():
        found.append(pytest.param(case.before, case.context, id=f"fixture/{case.id}"))
    for dockerfile in sorted((FIXTURES / "apps").glob("*/Dockerfile*")) + sorted((FIXTURES / "seeds").glob("*/Dockerfile*")):
        found.append(pytest.param(dockerfile, dockerfile.parent, id=str(dockerfile.relative_to(FIXTURES))))
    found.append(pytest.param(FIXTURES / "example" / "Dockerfile", FIXTURES / "example", id="example"))
    rows = corpus_rows()
    for row in rows:
        found.append(pytest.param(CORPUS / row["stored_path"], None, id=f"corpus/{row['stored_path']}"))
    if not rows:
        found.extend(corpus_skip_param(None, None))
    return found


@lru_cache(maxsize=None)
def _run(path: Path, context: Path | None, select: str | None) -> str | None:
    try:
        result = dockopt.fix(path.read_bytes().decode("utf-8"), select=[select] if select else None,
                             unsafe_fixes=True, context=context)
    except (DockoptError, UnicodeDecodeError):
        return None
    return None if result.error else result.output


@pytest.mark.parametrize("path, context", _inputs())
def test_the_whole_run_keeps_what_each_pass_reaches_alone(path: Path, context: Path | None):
    try:
        source = path.read_bytes().decode("utf-8")
        before = measure(source, context)
    except (DockoptError, UnicodeDecodeError):
        pytest.skip("not a Dockerfile dockopt accepts (refused with a clear error elsewhere)")
    full_text = _run(path, context, None)
    assert full_text is not None, "the whole run failed"
    full = measure(full_text, context)
    lost = []
    for code, (better, kept) in PASSES.items():
        alone_text = _run(path, context, code)
        if alone_text is None or alone_text == source:
            continue
        alone = measure(alone_text, context)
        if better(alone, before) and not kept(full, alone, before):
            lost.append(f"{code}: alone {alone}, whole run {full}")
    assert not lost, "the whole run lost what a pass reaches alone:\n" + "\n".join(lost)
    again = dockopt.fix(full_text, unsafe_fixes=True, context=context)
    assert again.output == full_text, "a second run still finds something to do"
