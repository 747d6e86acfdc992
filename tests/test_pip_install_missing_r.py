"""DO311 pip-install-missing-r: a requirements file given to pip as a package."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.context import BuildContext
from dockopt.transform import Safety


def fix(text: str, context=None):
    result = dockopt.fix(text, select=["DO311"], unsafe_fixes=True, context=context)
    assert result.error is None, result.error
    assert dockopt.fix(result.output, select=["DO311"], unsafe_fixes=True, context=context).output == result.output
    return result


NO_OP = [
    pytest.param("FROM python\nRUN pip install -r requirements.txt\n", id="with-r-is-right"),
    pytest.param("FROM python\nRUN pip install --requirement=requirements.txt\n", id="long-option-is-right"),
    pytest.param("FROM python\nRUN pip install -c constraints.txt flask\n", id="a-constraints-file-after-c-is-right"),
    pytest.param("FROM python\nRUN pip install flask==3.0\n", id="a-package-name"),
    pytest.param("FROM python\nRUN pip download requirements.txt\n", id="not-an-install"),
    pytest.param("FROM python\nRUN cat requirements.txt\n", id="not-pip"),
    pytest.param("FROM python\nRUN pip install https://example.com/pkgs.txt\n", id="a-url"),
    pytest.param("FROM python\nRUN pip install requirements\n", id="a-name-with-no-txt-and-no-context"),
]

FIX = [
    pytest.param("FROM python\nRUN pip install /setup/requirements.txt\n", "FROM python\nRUN pip install -r /setup/requirements.txt\n",
                 id="seed-001-absolute-path"),
    pytest.param("FROM python\nRUN pip3 install --no-cache-dir requirements.txt\n",
                 "FROM python\nRUN pip3 install --no-cache-dir -r requirements.txt\n", id="after-other-options"),
    pytest.param("FROM python\nRUN python -m pip install \\\n    dev-requirements.txt\n",
                 "FROM python\nRUN python -m pip install \\\n    -r dev-requirements.txt\n", id="python-m-pip-on-a-continuation-line"),
    pytest.param("FROM python\nRUN pip install -i https://idx a.txt && pip install b.txt\n",
                 "FROM python\nRUN pip install -i https://idx -r a.txt && pip install -r b.txt\n", id="every-file-in-the-run"),
]


@pytest.mark.parametrize("text", NO_OP)
def test_no_op(text):
    assert fix(text).output == text


@pytest.mark.parametrize(("text", "expected"), FIX)
def test_fix(text, expected):
    assert fix(text).output == expected


def test_a_requirements_file_without_txt_is_found_in_the_context(tmp_path):
    (tmp_path / "requirements").write_text("flask\n")
    result = fix("FROM python\nCOPY requirements .\nRUN pip install requirements\n", BuildContext(tmp_path))
    assert result.output.endswith("RUN pip install -r requirements\n")


def test_the_fix_is_unsafe():
    result = dockopt.fix("FROM python\nRUN pip install requirements.txt\n", select=["DO311"])
    assert not result.changed
    assert [f.safety for f in result.unsafe_left_out] == [Safety.UNSAFE]
