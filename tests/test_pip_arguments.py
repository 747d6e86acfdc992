"""package_managers.pip_install_arguments: the words after `pip install`, read as pip reads them."""

from __future__ import annotations

import pytest

from dockopt.package_managers import pip_install_arguments


def _read(words: str, uv: bool = False) -> list[tuple]:
    return [(a.option, a.value) for a in pip_install_arguments(words.split(), uv=uv)]


CASES = [
    pytest.param("-r req.txt flask", False, [("--requirement", "req.txt"), (None, "flask")], id="a short option takes the next word"),
    pytest.param("-rreq.txt", False, [("--requirement", "req.txt")], id="a short option takes the rest of its word"),
    pytest.param("--requirement=req.txt", False, [("--requirement", "req.txt")], id="a long option takes what follows ="),
    pytest.param("-Ur req.txt", False, [("--upgrade", None), ("--requirement", "req.txt")], id="a cluster ends with an option that takes a value"),
    pytest.param("-qqUc c.txt x", False, [("--quiet", None), ("--quiet", None), ("--upgrade", None), ("--constraint", "c.txt"), (None, "x")], id="a longer cluster"),
    pytest.param("--requirem req.txt", False, [("--requirement", "req.txt")], id="pip takes an unambiguous abbreviation"),
    pytest.param("--no-cache x", False, [("--no-cache-dir", None), (None, "x")], id="an abbreviated flag takes no value"),
    pytest.param("--extra-index u x", False, [("--extra-index-url", "u"), (None, "x")], id="an abbreviated option with a value"),
    pytest.param("--requirements req.txt", True, [("--requirement", "req.txt")], id="uv spells it --requirements"),
    pytest.param("--system --constraints c.txt x", True, [("--system", None), ("--constraint", "c.txt"), (None, "x")], id="uv flags and plural names"),
    pytest.param("-b b.txt --overrides o.txt", True, [("--build-constraints", "b.txt"), ("--overrides", "o.txt")], id="uv files with no pip twin"),
    pytest.param("-e . --editable=git+https://x", False, [("--editable", "."), ("--editable", "git+https://x")], id="editable values"),
    pytest.param("-- -weird-name", False, [(None, "-weird-name")], id="after -- every word is a requirement"),
]


@pytest.mark.parametrize(("words", "uv", "expected"), CASES)
def test_reads_like_pip(words, uv, expected):
    assert _read(words, uv) == expected


def test_a_word_after_an_unknown_option_may_be_its_value():
    arguments = pip_install_arguments(["--brand-new", "x.txt", "flask"])
    assert [(a.known, a.maybe_value) for a in arguments] == [(False, False), (True, True), (True, False)]


def test_an_ambiguous_abbreviation_is_unknown():
    assert not pip_install_arguments(["--requir", "x"])[0].known


def test_uv_does_not_take_abbreviations():
    assert not pip_install_arguments(["--requirem", "x"], uv=True)[0].known
