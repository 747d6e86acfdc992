"""The engine parses again only the instructions a pass changed (`Document(text, previous=)`):
the result must always be what BuildKit's parser makes of the whole text."""

from __future__ import annotations

import random

import dockerfile
import pytest

import dockopt
import dockopt.document as document_module
from dockopt.document import Document
from tests.fixture_cases import all_cases
from tests.shared import CORPUS, corpus_rows, missing_reason

BEFORE = "FROM x\nRUN a\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n"

EDITED = {
    "one line changed": "FROM x\nRUN a && z\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
    "a continuation swallows the next RUN": "FROM x\nRUN a \\\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
    "a heredoc opened": "FROM x\nRUN a <<EOF\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
    "a heredoc body changed": "FROM x\nRUN a\n# c\nRUN b\nRUN <<EOF\necho 2\nEOF\nCMD x\n",
    "instructions deleted": "FROM x\nCMD x\n",
    "all deleted but one": "FROM x\n",
    "the first line changed": "FROM y\nRUN a\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
    "a line added at the end": BEFORE + "USER 1\n",
    "a line added at the start": "ARG V=1\n" + BEFORE,
    "a heredoc body emptied": "FROM x\nRUN a\n# c\nRUN b\nRUN <<EOF\nEOF\nCMD x\n",
    "the same text": BEFORE,
    "CRLF lines": BEFORE.replace("\n", "\r\n"),
    "an instruction inserted between two": "FROM x\nRUN a\nUSER 1\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
    "two distant changes": "FROM x\nRUN a\n# c\nRUN b && c\nRUN <<EOF\necho\nEOF\nCMD y\n",
    "an escape directive added": "# escape=`\n" + BEFORE.replace("RUN a", "RUN a `"),
    "a directive repeated (an error)": "# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\n" + BEFORE,
    "a directive-like comment after the directives": "FROM x\n# escape=`\nRUN a\n# c\nRUN b\nRUN <<EOF\necho\nEOF\nCMD x\n",
}


@pytest.mark.parametrize("after", EDITED.values(), ids=EDITED.keys())
def test_an_edited_text_parses_as_a_whole_parse_would(after: str):
    before = Document(BEFORE)
    assert _outcome(after, before) == _outcome(after)


@pytest.mark.parametrize("after", EDITED.values(), ids=EDITED.keys())
def test_a_wrong_hint_of_where_the_text_changed_costs_nothing_but_time(after: str):
    for changes in ([(0, 0, 0)], [(3, 4, 1)], [(1, 2, 5), (6, 6, 2)], [(9, 9, 0)], [(1, 2, 0), (2, 2, 1)], [(0, 9, 1)]):
        before = Document(BEFORE)
        assert _outcome(after, before, changes) == _outcome(after)


@pytest.mark.parametrize(
    "before, after",
    [
        # A continuation left open at the end of the file takes in what is added after it.
        ("FROM x\nRUN a \\\n", "FROM x\nRUN a \\\nUSER 1\n"),
        ("FROM x\nRUN a \\\n\n", "FROM x\nRUN a \\\n\nUSER 1\n"),
        ("FROM x\nRUN a \\\n# c\n", "FROM x\nRUN a \\\n# c\nUSER 1\n"),
        # A heredoc left open is an error either way.
        ("FROM x\nRUN a\n", "FROM x\nRUN a\nRUN <<EOF\n"),
    ],
)
def test_an_instruction_that_ends_with_the_file_is_parsed_again_when_lines_follow(before: str, after: str):
    try:
        expected = _whole(after)
    except dockerfile.GoParseError:
        with pytest.raises(dockopt.DockerfileParseError):
            Document(after, previous=Document(before), changes=[(len(before.splitlines()), len(before.splitlines()), 1)])
        return
    for changes in (None, [(len(before.splitlines()), len(before.splitlines()), 1)]):
        assert _commands(Document(after, previous=Document(before), changes=changes)) == expected


def test_a_backtick_escape_file_keeps_its_escape_in_the_parsed_middle():
    before = "# escape=`\nFROM x\nRUN a `\n  b\nRUN c\nCMD d\n"
    after = "# escape=`\nFROM x\nRUN a `\n  b `\n  c\nRUN c\nCMD d\n"
    assert _commands(Document(after, previous=Document(before))) == _whole(after)


def test_a_broken_edit_gives_the_whole_parse_s_error():
    with pytest.raises(dockopt.DockerfileParseError) as whole:
        Document("FROM x\nRUN <<EOF\n")
    with pytest.raises(dockopt.DockerfileParseError) as incremental:
        Document("FROM x\nRUN <<EOF\n", previous=Document("FROM x\nRUN a\n"))
    assert str(incremental.value) == str(whole.value)


@pytest.mark.slow
def test_every_pass_of_the_default_run_over_fixtures_and_corpus_parses_as_a_whole_parse(monkeypatch: pytest.MonkeyPatch):
    # Every spliced parse the engine makes is compared with BuildKit's parse of the whole text.
    compared = []
    splice = document_module._splice

    def checked(previous: Document, doc: Document, changes):
        found = splice(previous, doc, changes)
        if found is not None:
            assert found == tuple(dockerfile.parse_string(doc.text)), doc.text
            compared.append(doc.text)
        return found

    monkeypatch.setattr(document_module, "_splice", checked)
    rows = corpus_rows()
    if not rows:
        pytest.skip(missing_reason(CORPUS))
    sources = [case.before for case in all_cases()] + [CORPUS / row["stored_path"] for row in rows]
    for path in sources:
        for unsafe in (False, True):
            document_module._PARSED.clear()
            try:
                dockopt.fix(path.read_bytes(), context=path.parent, unsafe_fixes=unsafe)
            except dockopt.DockoptError:
                pass
    assert len(compared) > 1000


def _commands(doc: Document) -> tuple:
    return doc._commands


def _whole(text: str) -> tuple:
    return tuple(dockerfile.parse_string(text.lstrip("\ufeff")))


EDITS = ("delete", "repeat", "insert a RUN", "continue", "open a heredoc", "insert a blank", "insert a comment")


@pytest.mark.slow
def test_random_edits_of_corpus_files_parse_as_a_whole_parse():
    # Deleted, repeated and inserted lines, continuations and heredocs left open, with no hint,
    # with the right hint and with a wrong one: the same commands as a whole parse, or the same error.
    rows = corpus_rows()
    if not rows:
        pytest.skip(missing_reason(CORPUS))
    rng = random.Random(11)
    compared = 0
    for row in rows:
        try:
            old = Document((CORPUS / row["stored_path"]).read_bytes().decode("utf-8"))
        except (dockopt.DockoptError, UnicodeDecodeError):
            continue
        for _ in range(3):
            new, changes = list(old.lines), []
            for _ in range(rng.randint(1, 3)):
                at, edit = rng.randrange(len(new) + 1), rng.choice(EDITS)
                if at == len(new) and edit in ("delete", "repeat", "continue", "open a heredoc"):
                    continue
                if edit == "delete":
                    del new[at]
                elif edit == "repeat":
                    new.insert(at, new[at])
                elif edit in ("insert a RUN", "insert a blank", "insert a comment"):
                    new.insert(at, {"insert a RUN": "RUN echo inserted\n", "insert a blank": "\n"}.get(edit, "# note\n"))
                else:
                    new[at] = new[at].rstrip("\r\n") + (" \\\n" if edit == "continue" else " <<EOF\n")
                changes.append((at, at + 1, rng.randint(0, 2)))
            text = "".join(new)
            whole = _outcome(text)
            for hint in (None, sorted(changes)):
                document_module._PARSED.clear()
                assert _outcome(text, old, hint) == whole, text
                compared += 1
    assert compared > 1000


def _outcome(text: str, previous: Document | None = None, changes: list | None = None) -> object:
    """The commands of `text` (parsed again from `previous` if given), or the error's words."""
    document_module._PARSED.clear()
    try:
        return Document(text, previous=previous, changes=changes)._commands
    except dockopt.DockerfileParseError as exc:
        return str(exc)
