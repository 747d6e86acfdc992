"""The engine: selection, pragmas, safety, overlaps, fixed point, and refusing broken output."""

from __future__ import annotations

from pathlib import Path

import pytest

import dockopt
import dockopt.engine
from dockopt.edits import Edit
from dockopt.transform import Safety, Transform


def use(monkeypatch, *transforms):
    """Run the engine with exactly these transform classes."""
    monkeypatch.setattr(dockopt.engine, "selected", lambda select, ignore: list(transforms))


class MergeRuns(Transform):
    """Merge each pair of consecutive RUNs: neighbouring pairs overlap, so they take several rounds."""

    code = "DO901"
    name = "merge-runs"
    title = "test"
    order = 1

    def check(self, doc, ctx):
        runs = [i for i in doc.instructions if i.cmd == "RUN"]
        for first, second in zip(runs, runs[1:]):
            if second.index == first.index + 1:
                body = f"{first.args[0]} && {second.args[0]}"
                yield self.fix("merge", first, [Edit.replace(first.start, second.end, f"RUN {body}\n")])


class Boom(Transform):
    code = "DO902"
    name = "boom"
    title = "test"

    def check(self, doc, ctx):
        raise ValueError("kaboom")


class Garbage(Transform):
    """Writes something BuildKit's parser rejects."""

    code = "DO903"
    name = "garbage"
    title = "test"

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            if instruction.cmd == "CMD":
                yield self.fix("break it", instruction, [Edit.replace(instruction.start, instruction.end, 'CMD ["a", 1]\n')])


class Risky(Transform):
    code = "DO904"
    name = "risky"
    title = "test"
    safety = Safety.UNSAFE

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            if instruction.cmd == "USER":
                yield self.fix("drop USER", instruction, [Edit.delete(instruction.start, instruction.end)])


class Observer(Transform):
    code = "DO905"
    name = "observer"
    title = "test"

    def check(self, doc, ctx):
        yield self.fix("just saying", 0)


class FlipFlop(Transform):
    code = "DO906"
    name = "flip-flop"
    title = "test"

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            if instruction.cmd == "RUN":
                new = "RUN b\n" if instruction.args[0] == "a" else "RUN a\n"
                yield self.fix("flip", instruction, [Edit.replace(instruction.start, instruction.end, new)])


class OverDirectives(Transform):
    code = "DO907"
    name = "over-directives"
    title = "test"

    def check(self, doc, ctx):
        yield self.fix("insert at the top", 0, [Edit.insert(0, "# hello\n")])


# -- select=[] -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("FROM d\r\nMAINTAINER jo\r\nADD a b", id="a-str-with-crlf-and-no-final-newline"),
        pytest.param(b"\xef\xbb\xbfFROM d\nMAINTAINER jo\n", id="bytes-with-a-bom"),
        pytest.param(b"not \xff a dockerfile\x00", id="bytes-that-are-not-even-text"),
    ],
)
def test_selecting_nothing_returns_the_source_itself(source):
    result = dockopt.fix(source, select=[])
    assert result.output == source and type(result.output) is type(source)
    assert not result.changed and not result.fixes and result.error is None


def test_bytes_in_bytes_out_and_str_in_str_out():
    assert dockopt.fix(b"FROM d\nADD a.txt /b\n", select=["DO102"]).output == b"FROM d\nCOPY a.txt /b\n"
    assert dockopt.fix("FROM d\nADD a.txt /b\n", select=["DO102"]).output == "FROM d\nCOPY a.txt /b\n"


def test_unchanged_bytes_come_back_identical():
    source = b"FROM d\r\nCOPY a.txt /b"
    assert dockopt.fix(source).output == source


@pytest.mark.parametrize("selector", ["DO102", "DO1", "add-to-copy", "DL3020", "ALL"])
def test_select_by_code_prefix_name_alias_or_all(selector):
    assert dockopt.fix("FROM d\nADD a.txt /b\n", select=[selector]).changed


def test_ignore_wins_over_select():
    assert not dockopt.fix("FROM d\nADD a.txt /b\n", select=["DO1"], ignore=["DL3020"]).changed


# -- pragmas -------------------------------------------------------------------------------------

PRAGMAS = [
    pytest.param("FROM d\n# dockopt: ignore=DO102 # keep ADD here\nADD a.txt /b\nADD c.txt /d\n",
                 "FROM d\n# dockopt: ignore=DO102 # keep ADD here\nADD a.txt /b\nCOPY c.txt /d\n",
                 id="an-ignore-comment-covers-only-the-instruction-below"),
    pytest.param("FROM d\n# dockopt: ignore=add-to-copy\n# another comment\nADD a.txt /b\n",
                 "FROM d\n# dockopt: ignore=add-to-copy\n# another comment\nADD a.txt /b\n",
                 id="an-ignore-comment-reaches-through-a-block-of-comments"),
    pytest.param("# dockopt: global ignore=DO102\nFROM d\nADD a.txt /b\nADD c.txt /d\n",
                 "# dockopt: global ignore=DO102\nFROM d\nADD a.txt /b\nADD c.txt /d\n", id="a-global-ignore-covers-the-file"),
    pytest.param("FROM d\n# dockopt: skip-file\nADD a.txt /b\nMAINTAINER jo\n",
                 "FROM d\n# dockopt: skip-file\nADD a.txt /b\nMAINTAINER jo\n", id="skip-file-leaves-the-file-alone"),
    pytest.param("FROM d\n# hadolint ignore=DL4000\nMAINTAINER jo\nADD a.txt /b\n",
                 "FROM d\n# hadolint ignore=DL4000\nMAINTAINER jo\nCOPY a.txt /b\n", id="a-hadolint-ignore-suppresses-the-mapped-transform"),
    pytest.param("# hadolint global ignore=DL3020,DL4000\nFROM d\nMAINTAINER jo\nADD a.txt /b\n",
                 "# hadolint global ignore=DL3020,DL4000\nFROM d\nMAINTAINER jo\nADD a.txt /b\n", id="a-hadolint-global-ignore-takes-a-list"),
]


@pytest.mark.parametrize("source, expected", PRAGMAS)
def test_pragmas(source, expected):
    result = dockopt.fix(source, select=["DO101", "DO102"], unsafe_fixes=True)
    assert result.output == expected


def test_skip_file_says_why():
    assert dockopt.fix("# dockopt: skip-file\nFROM d\nADD a.txt /b\n").skipped == "skip-file pragma"


# -- safety, findings, directives ----------------------------------------------------------------


def test_unsafe_fixes_are_left_out_unless_asked(monkeypatch):
    use(monkeypatch, Risky)
    source = "FROM d\nUSER app\n"
    kept = dockopt.fix(source)
    assert kept.output == source
    assert [(f.code, f.applied) for f in kept.unsafe_left_out] == [("DO904", False)]
    applied = dockopt.fix(source, unsafe_fixes=True)
    assert applied.output == "FROM d\n"
    assert [(f.code, f.applied) for f in applied.applied] == [("DO904", True)]
    assert not applied.unsafe_left_out


def test_a_finding_is_reported_and_never_applied(monkeypatch):
    use(monkeypatch, Observer)
    result = dockopt.fix("FROM d\n")
    assert not result.changed
    assert [(f.code, f.safety, f.applied, f.line) for f in result.findings] == [("DO905", Safety.DISPLAY, False, 1)]


def test_nothing_is_written_above_or_over_parser_directives(monkeypatch):
    use(monkeypatch, OverDirectives)
    source = "# syntax=docker/dockerfile:1\nFROM d\n"
    assert dockopt.fix(source).output == source


# -- rounds --------------------------------------------------------------------------------------


def test_overlapping_fixes_are_retried_next_round(monkeypatch):
    use(monkeypatch, MergeRuns)
    result = dockopt.fix("FROM d\nRUN a\nRUN b\nRUN c\nRUN d\n")
    assert result.output == "FROM d\nRUN a && b && c && d\n"
    assert len(result.applied) == 3 and all(f.applied for f in result.applied)


def test_edits_keep_the_files_newline_style_and_missing_final_newline(monkeypatch):
    use(monkeypatch, MergeRuns)
    assert dockopt.fix("FROM d\r\nRUN a\r\nRUN b").output == "FROM d\r\nRUN a && b"


def test_rewrites_that_never_settle_are_an_error(monkeypatch):
    use(monkeypatch, FlipFlop)
    source = "FROM d\nRUN a\n"
    result = dockopt.fix(source)
    assert result.output == source
    assert result.error and "did not settle" in result.error and "DO906" in result.error


# -- a broken transform never costs the user their file ------------------------------------------


@pytest.mark.parametrize(
    "transform, says",
    [
        pytest.param(Boom, "ValueError: kaboom", id="a-transform-that-raises"),
        pytest.param(Garbage, "does not parse", id="a-transform-whose-output-buildkit-rejects"),
    ],
)
@pytest.mark.parametrize("source", [pytest.param("FROM d\nCMD a\n", id="str"), pytest.param(b"FROM d\nCMD a\n", id="bytes")])
def test_a_broken_transform_is_named_and_the_source_comes_back(monkeypatch, transform, says, source):
    use(monkeypatch, MergeRuns, transform)
    result = dockopt.fix(source)
    assert result.output == source
    assert not result.changed
    assert result.error is not None
    assert transform.code in result.error and transform.name in result.error and says in result.error


def test_a_broken_transform_after_good_ones_still_returns_the_source(monkeypatch):
    use(monkeypatch, MergeRuns, Boom)
    source = "FROM d\nRUN a\nRUN b\n"
    result = dockopt.fix(source)
    assert result.output == source and "DO902" in result.error


def test_an_unsafe_transform_explains_itself_only_to_who_asked_for_unsafe_fixes():
    """DO502's 'not split into stages: ...' answers a question only --unsafe-fixes asks."""
    source = "FROM python:3.11\nRUN apt-get update && apt-get install -y curl && pip install flask\nCMD [\"python\"]\n"
    quiet = dockopt.fix(source, select=["DO502"])
    asked = dockopt.fix(source, select=["DO502"], unsafe_fixes=True)
    assert [f for f in quiet.fixes if f.is_finding] == []
    assert [f.code for f in asked.fixes if f.is_finding] == ["DO502"]


def test_no_finding_speaks_of_an_instruction_another_fix_added():
    # DO401 adds the account's RUN after FROM; DO201's reason for keeping that RUN apart from the
    # user's first RUN would name a line the user's file does not have (the blank line 2).
    source = 'FROM alpine:3.19\n\nRUN apk add --no-cache nodejs\n\nCOPY . .\nENTRYPOINT ["node", "server.js"]\n'
    result = dockopt.fix(source, unsafe_fixes=True)
    assert "RUN addgroup" in result.output
    assert not [item for item in result.fixes if item.code == "DO201"]
    assert dockopt.fix(source, select=["DO201"]).fixes == []  # nor does the rule alone find anything


def test_an_unsafe_fix_left_out_carries_its_edits_in_the_user_s_file():
    from dockopt.results import apply_text_edits

    source = "FROM python:3.12\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n"
    (item,) = [found for found in dockopt.fix(source).fixes if found.code == "DO501"]
    assert not item.applied and item.safety is Safety.UNSAFE
    assert apply_text_edits(source, list(item.fix_edits)) == dockopt.fix(source, select=["DO501"], unsafe_fixes=True).output


def test_an_unsafe_fix_computed_after_another_fix_carries_no_edits():
    # DO211 (safe) moves `apt-get update` into the install first; DO213 then reads a text that is
    # not the user's, so what it would do alone there cannot be told from it.
    source = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"
    (item,) = [found for found in dockopt.fix(source).fixes if found.code == "DO213"]
    assert not item.applied and item.fix_edits is None


def test_a_fix_on_a_copy_another_fix_made_is_placed_on_the_user_s_line_and_said_once():
    # DO502 repeats `ENV PYTHONUNBUFFERED 1` in the runtime stage; DO107 then rewrites both copies.
    # Both stand for line 3 of the user's file, where one result says it once (it was said twice,
    # and the copy's result sat on lines 18-19: a blank line and EXPOSE).
    case = Path(__file__).resolve().parents[1] / "fixtures" / "DO502" / "apt-comment-goes-with-the-builder"
    source = case.with_name(case.name + ".before.Dockerfile").read_text(encoding="utf-8")
    result = dockopt.fix(source, unsafe_fixes=True, context=case.with_name(case.name + ".context"))
    assert result.output.count("ENV PYTHONUNBUFFERED=1") == 2
    assert [(item.line, item.end_line) for item in result.fixes if item.code == "DO107"] == [(3, 3)]
    idents = [item.ident for item in result.fixes]
    assert len(idents) == len(set(idents))
    for item in result.fixes:
        assert item.ident not in item.together_with and len(item.together_with) == len(set(item.together_with))
