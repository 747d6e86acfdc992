"""`dockopt verify`'s warm rebuild: which source file it edits, and an edit that breaks nothing."""

from __future__ import annotations

import pytest

from dockopt.verify import edit_source, pick_source_file

PICKS = [
    pytest.param(["requirements.txt", "app.py", "pkg/models.py"], "app.py", id="the-shallowest-python-file"),
    pytest.param(["setup.py", "tests/test_app.py", "src/app/main.py"], "src/app/main.py", id="never-setup-or-a-test"),
    pytest.param(["Makefile", "sample.txt", "wordfreq.c", "table.c"], "table.c", id="c-sources-not-the-makefile"),
    pytest.param(["package.json", "tsconfig.json", "src/server.ts", "src/server.test.ts"], "src/server.ts",
                 id="typescript-sources-not-tsconfig-or-tests"),
    pytest.param(["go.mod", "main.go", "main_test.go"], "main.go", id="go-sources-not-go-mod-or-tests"),
    pytest.param(["main.go", "tools/gen.py"], "tools/gen.py", id="python-first-as-before"),
    pytest.param(["README.md", "config.json"], None, id="nothing-a-comment-can-be-added-to"),
]


@pytest.mark.parametrize(("files", "expected"), PICKS)
def test_pick_source_file(tmp_path, files, expected):
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert pick_source_file(tmp_path) == expected


def test_ignored_files_are_not_picked(tmp_path):
    (tmp_path / ".dockerignore").write_text("scripts\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "a.py").write_text("x = 1\n")
    (tmp_path / "server.js").write_text("x\n")
    assert pick_source_file(tmp_path) == "server.js"


EDITS = [
    pytest.param("app.py", "x = 1\n", "x = 1\n# edited by dockopt verify M\n", id="python-gets-a-hash-comment"),
    pytest.param("main.go", "package main", "package main\n// edited by dockopt verify M\n", id="go-without-a-final-newline"),
    pytest.param("tool.c", "int x;\n", "int x;\n/* edited by dockopt verify M */\n", id="c-gets-a-block-comment"),
    pytest.param("server.ts", "", "// edited by dockopt verify M\n", id="an-empty-file"),
]


@pytest.mark.parametrize(("name", "before", "after"), EDITS)
def test_edit_source_appends_a_comment(tmp_path, name, before, after):
    path = tmp_path / name
    path.write_text(before)
    edit_source(path, "M")
    assert path.read_text() == after
