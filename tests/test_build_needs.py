"""What a stage needs from its base image: lock files read as data, whatever their shape."""

from __future__ import annotations

import pytest

from dockopt.build_needs import stage_needs
from dockopt.context import BuildContext
from dockopt.document import Document
from dockopt.transform import Context

PIPENV = "FROM python:3.11\nRUN pipenv install --deploy --system\n"


@pytest.mark.parametrize(
    "lock",
    [
        pytest.param("[]", id="valid-json-but-not-an-object"),
        pytest.param('{"default": []}', id="default-not-an-object"),
        pytest.param('{"default": {"flask": "==3.0"}}', id="a-package-entry-not-an-object"),
    ],
)
def test_a_pipfile_lock_of_another_shape_makes_the_needs_unsure(tmp_path, lock):
    (tmp_path / "Pipfile.lock").write_text(lock)
    doc = Document(PIPENV)
    needs = stage_needs(doc, doc.stages, Context(build=BuildContext(tmp_path)))
    assert needs.unsure == ["line 2: Pipfile.lock is not shaped as pipenv writes it"]


def test_a_pipfile_lock_as_pipenv_writes_it_is_read(tmp_path):
    (tmp_path / "Pipfile.lock").write_text('{"default": {"flask": {"version": "==3.0.0"}}}')
    doc = Document(PIPENV)
    assert stage_needs(doc, doc.stages, Context(build=BuildContext(tmp_path))).unsure == []
