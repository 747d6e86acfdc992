"""DO311 pip-install-missing-r: a requirements file given to pip as a package."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.context import BuildContext
from dockopt.transform import Safety
from tests.rule_tables import assert_stable, table_tests


def fix(text: str, context=None):
    return assert_stable("DO311", text, context=context)


NO_OP = [
    pytest.param("FROM python\nRUN pip install -r requirements.txt\n", id="with-r-is-right"),
    pytest.param("FROM python\nRUN pip install --requirement=requirements.txt\n", id="long-option-is-right"),
    pytest.param("FROM python\nRUN pip install -c constraints.txt flask\n", id="a-constraints-file-after-c-is-right"),
    pytest.param("FROM python\nRUN pip install flask==3.0\n", id="a-package-name"),
    pytest.param("FROM python\nRUN pip download requirements.txt\n", id="not-an-install"),
    pytest.param("FROM python\nRUN cat requirements.txt\n", id="not-pip"),
    pytest.param("FROM python\nRUN pip install https://example.com/pkgs.txt\n", id="a-url"),
    pytest.param("FROM python\nRUN pip install requirements\n", id="a-name-with-no-txt-and-no-context"),
    pytest.param("FROM python\nRUN uv pip install --system --requirements requirements.txt\n",
                 id="uv-spells-the-long-option-requirements"),
    pytest.param("FROM python\nRUN uv pip install --system --requirement=requirements.txt\n", id="uv-long-option-with-equals"),
    pytest.param("FROM python\nRUN uv pip install --constraints c.txt --overrides o.txt flask\n",
                 id="uv-constraints-and-overrides-take-files"),
    pytest.param("FROM python\nRUN uv pip install -b build.txt flask\n", id="uv-build-constraints-take-a-file"),
    pytest.param("FROM python\nRUN uv --no-cache pip install -rrequirements.txt\n", id="uv-global-option-and-attached-short-value"),
    pytest.param("FROM python\nRUN pip install -rrequirements.txt\n", id="an-attached-short-value"),
    pytest.param("FROM python\nRUN pip install -Ur requirements.txt\n", id="a-cluster-of-short-options-ending-in-r"),
    pytest.param("FROM python\nRUN pip install -qc constraints.txt flask\n", id="a-cluster-ending-in-c"),
    pytest.param("FROM python\nRUN pip install --requirem requirements.txt\n", id="an-abbreviated-long-option"),
    pytest.param("FROM python\nRUN pip install --constraint constraints.txt flask\n", id="constraint-long-option"),
    pytest.param("FROM python\nRUN pip install --editable requirements.txt\n", id="an-editable-value-is-not-a-package"),
    pytest.param("FROM python\nRUN pip install --log pip-log.txt flask\n", id="a-log-file-value"),
    pytest.param("FROM python\nRUN pip install --report report.txt flask\n", id="a-report-file-value"),
    pytest.param("FROM python\nRUN python3 -m pip install --find-links=links.txt flask\n", id="find-links-with-equals"),
    pytest.param("FROM python\nRUN pip install --some-new-option notes.txt flask\n",
                 id="a-word-after-an-unknown-option-may-be-its-value"),
    pytest.param("FROM python\nRUN pip3 install --extra-index https://idx --user flask\n", id="an-abbreviation-with-a-url-value"),
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
    pytest.param("FROM python\nRUN uv pip install --system requirements.txt\n",
                 "FROM python\nRUN uv pip install --system -r requirements.txt\n", id="uv-pip-install-after-a-flag"),
    pytest.param("FROM python\nRUN pip install --requirement=base.txt dev.txt\n",
                 "FROM python\nRUN pip install --requirement=base.txt -r dev.txt\n", id="a-file-after-an-attached-long-value"),
    pytest.param("FROM python\nRUN pip install -rbase.txt dev.txt\n",
                 "FROM python\nRUN pip install -rbase.txt -r dev.txt\n", id="a-file-after-an-attached-short-value"),
    pytest.param("FROM python\nRUN if [ -f extra.txt ]; then pip install extra.txt; fi\n",
                 "FROM python\nRUN if [ -f extra.txt ]; then pip install -r extra.txt; fi\n", id="inside-an-if-body"),
    pytest.param("FROM python\nRUN sudo -H pip install --upgrade requirements.txt\n",
                 "FROM python\nRUN sudo -H pip install --upgrade -r requirements.txt\n", id="through-sudo"),
]


test_leaves_alone, test_fixes = table_tests("DO311", NO_OP, FIX)


def test_a_requirements_file_without_txt_is_found_in_the_context(tmp_path):
    (tmp_path / "requirements").write_text("flask\n")
    result = fix("FROM python\nCOPY requirements .\nRUN pip install requirements\n", BuildContext(tmp_path))
    assert result.output.endswith("RUN pip install -r requirements\n")


def test_the_fix_is_unsafe():
    result = dockopt.fix("FROM python\nRUN pip install requirements.txt\n", select=["DO311"])
    assert not result.changed
    assert [f.safety for f in result.unsafe_left_out] == [Safety.UNSAFE]
