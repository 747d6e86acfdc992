"""DO401 on real builds: the rewrite builds, passes the same smoke test, and runs as a non-root user;
where the image must stay root, the file is left alone with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dockopt
from tests.docker import buildlab
from tests.shared import SHARED

pytestmark = pytest.mark.docker

FIXTURES = buildlab.REPO / "fixtures" / "DO401"
APPS = SHARED / "corpus" / "apps"

NOTE_SMOKE = (
    "python -c \"import notes; c = notes.app.test_client(); r = c.post('/notes/a', data='x'); "
    "assert r.status_code == 200, r.status_code\""
)

CASES = [
    pytest.param(APPS / "flask-catnip" / "Dockerfile", APPS / "flask-catnip", ["--port", "5000", "--path", "/"], id="flask-catnip"),
    pytest.param(
        FIXTURES / "app-writes-data-folder.before.Dockerfile",
        FIXTURES / "app-writes-data-folder.context",
        ["--smoke", NOTE_SMOKE],
        id="an-app-that-writes-data-can-still-write-it",
    ),
    pytest.param(
        FIXTURES / "app-writes-its-own-folder.before.Dockerfile",
        FIXTURES / "app-writes-its-own-folder.context",
        ["--smoke", "python bot.py"],
        id="an-app-that-writes-into-its-folder-can-still-write-it",
    ),
    pytest.param(
        FIXTURES / "app-writes-a-folder-a-run-made.before.Dockerfile",
        FIXTURES / "app-writes-a-folder-a-run-made.context",
        ["--smoke", "python -c \"import app; r = app.app.test_client().get('/'); assert r.status_code == 200, r.status_code\""],
        id="an-app-that-writes-into-a-folder-a-root-run-made-can-still-write-it",
    ),
]


def rewrite(dockerfile: Path, context: Path) -> dockopt.FixResult:
    result = dockopt.fix(dockerfile.read_text(), select=["DO401"], unsafe_fixes=True, context=context)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("dockerfile, context, smoke", CASES)
def test_the_rewrite_builds_passes_the_smoke_test_and_is_not_root(dockerfile, context, smoke, tmp_path):
    if not APPS.is_dir() and str(dockerfile).startswith(str(APPS)):
        pytest.skip(f"{APPS} is not here")
    result = rewrite(dockerfile, context)
    assert result.changed, [f.message for f in result.fixes]
    rewritten = tmp_path / "rewritten.Dockerfile"
    rewritten.write_text(result.output)
    comparison = buildlab.compare(dockerfile, rewritten, context, tmp_path / "compare.json", *smoke)
    assert comparison.returncode == 0, comparison.explain()
    assert comparison.rewritten.ok, comparison.explain()
    assert comparison.rewritten.facts.get("runs_as_root") is False, comparison.explain()


def test_voting_vote_on_port_80_is_left_alone_with_the_reason():
    app = APPS / "voting-vote"
    if not app.is_dir():
        pytest.skip(f"{app} is not here")
    result = rewrite(app / "Dockerfile", app)
    assert not result.changed
    (finding,) = result.fixes
    assert "port 80" in finding.message
