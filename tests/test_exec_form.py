"""DO103 exec-form: only commands the shell adds nothing to become exec form."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.transform import Safety
from tests.rule_tables import table_tests


def run(source: str):
    return dockopt.fix(source, select=["DO103"], unsafe_fixes=True)


NO_OP = [
    pytest.param("FROM d\nCMD echo $HOME\n", id="a-variable-needs-the-shell"),
    pytest.param('FROM d\nCMD echo "${HOME}"\n', id="a-variable-inside-double-quotes-needs-the-shell"),
    pytest.param('FROM d\nCMD echo "$(date)"\n', id="a-command-substitution-needs-the-shell"),
    pytest.param("FROM d\nCMD echo `date`\n", id="backticks-need-the-shell"),
    pytest.param("FROM d\nCMD ls *.txt\n", id="a-glob-needs-the-shell"),
    pytest.param("FROM d\nCMD ls file?\n", id="a-question-mark-glob-needs-the-shell"),
    pytest.param("FROM d\nCMD cat ~/.profile\n", id="a-tilde-needs-the-shell"),
    pytest.param("FROM d\nCMD echo {a,b}\n", id="braces-are-left-to-the-shell"),
    pytest.param("FROM d\nCMD echo a\\ b\n", id="a-backslash-escape-is-left-to-the-shell"),
    pytest.param('FROM d\nCMD echo "a\\"b"\n', id="a-backslash-inside-double-quotes-is-left-to-the-shell"),
    pytest.param("FROM d\nCMD ./a && ./b\n", id="an-and-chain-needs-the-shell"),
    pytest.param("FROM d\nCMD ./a; ./b\n", id="a-sequence-needs-the-shell"),
    pytest.param("FROM d\nCMD ./a | tee log\n", id="a-pipe-needs-the-shell"),
    pytest.param("FROM d\nCMD ./a &\n", id="a-background-job-needs-the-shell"),
    pytest.param("FROM d\nCMD ./a > log 2>&1\n", id="a-redirection-needs-the-shell"),
    pytest.param("FROM d\nCMD (./a)\n", id="a-subshell-needs-the-shell"),
    pytest.param("FROM d\nCMD PORT=80 ./a\n", id="an-assignment-prefix-needs-the-shell"),
    pytest.param("FROM d\nCMD exec ./a\n", id="exec-is-a-shell-builtin"),
    pytest.param("FROM d\nCMD cd /app\n", id="cd-is-a-shell-builtin"),
    pytest.param("FROM d\nCMD ./a # comment\n", id="a-trailing-comment-needs-the-shell"),
    pytest.param("FROM d\nCMD if true; then ./a; fi\n", id="a-compound-command-needs-the-shell"),
    pytest.param("FROM d\nCMD echo 'unterminated\n", id="a-shell-syntax-error-is-left-alone"),
    pytest.param('FROM d\nCMD ["python", "app.py"]\n', id="exec-form-is-already-exec-form"),
    pytest.param("FROM d\nCMD [python app.py]\n", id="text-that-looks-like-json-is-left-alone"),
    pytest.param("FROM d\nRUN python app.py\n", id="run-is-not-touched"),
    pytest.param("FROM d\nHEALTHCHECK CMD curl -f http://localhost/\n", id="healthcheck-is-not-touched"),
    pytest.param('FROM d\nSHELL ["/bin/bash", "-c"]\nCMD python app.py\n', id="a-custom-shell-leaves-the-file-alone"),
    pytest.param("FROM mcr.microsoft.com/windows/nanoserver\nCMD ping localhost\n", id="a-windows-base-leaves-the-file-alone"),
]

FIXES = [
    pytest.param("FROM d\nCMD python app.py\n", 'FROM d\nCMD ["python", "app.py"]\n', id="a-plain-command-becomes-json"),
    pytest.param("FROM d\nENTRYPOINT /srv/run --port=8080\n", 'FROM d\nENTRYPOINT ["/srv/run", "--port=8080"]\n',
                 id="entrypoint-becomes-json"),
    pytest.param('FROM d\nCMD nginx -g "daemon off;"\n', 'FROM d\nCMD ["nginx", "-g", "daemon off;"]\n',
                 id="double-quotes-are-resolved-like-the-shell"),
    pytest.param("FROM d\nCMD echo 'costs $5' ''\n", 'FROM d\nCMD ["echo", "costs $5", ""]\n',
                 id="single-quotes-are-literal-and-empty-words-stay"),
    pytest.param("FROM d\nCMD run --opt='a \"b\"'\n", 'FROM d\nCMD ["run", "--opt=a \\"b\\""]\n', id="json-escapes-quotes-in-a-value"),
    pytest.param("from d\ncmd python app.py\n", 'from d\ncmd ["python", "app.py"]\n', id="a-lowercase-keyword-stays-lowercase"),
    pytest.param("FROM d\nCMD   python   app.py\n", 'FROM d\nCMD ["python", "app.py"]\n', id="extra-spaces-disappear"),
    pytest.param("FROM d\nCMD gunicorn \\\n  # bind\n  app:app\n", 'FROM d\n  # bind\nCMD ["gunicorn", "app:app"]\n',
                 id="a-continued-command-joins-and-keeps-its-comment-above"),
    pytest.param("# escape=`\nFROM d\nCMD python `\n  app.py\n", '# escape=`\nFROM d\nCMD ["python", "app.py"]\n',
                 id="a-backtick-escape-continuation-joins"),
    pytest.param("FROM d\nONBUILD CMD ./run.sh\n", 'FROM d\nONBUILD CMD ["./run.sh"]\n', id="onbuild-cmd-becomes-json"),
    pytest.param("FROM d\r\nCMD python app.py\r\n", 'FROM d\r\nCMD ["python", "app.py"]\r\n', id="crlf-line-endings-are-kept"),
    pytest.param("FROM d\nCMD python app.py", 'FROM d\nCMD ["python", "app.py"]', id="a-missing-final-newline-stays-missing"),
    pytest.param("FROM d\nCMD python3 -m http.server 8000\n", 'FROM d\nCMD ["python3", "-m", "http.server", "8000"]\n',
                 id="numbers-stay-strings"),
]


test_leaves_alone, test_fixes = table_tests("DO103", NO_OP, FIXES, quiet=True)


def test_it_is_unsafe_and_left_out_by_default():
    result = dockopt.fix("FROM d\nCMD python app.py\n", select=["DO103"])
    assert not result.changed
    assert [(f.safety, f.applied) for f in result.fixes] == [(Safety.UNSAFE, False)]


@pytest.mark.parametrize(
    "source, note",
    [
        pytest.param("FROM d\nENTRYPOINT ./a\nCMD [\"--x\"]\n", "CMD is now passed", id="entrypoint-followed-by-cmd-says-cmd-becomes-its-arguments"),
        pytest.param("FROM d\nENTRYPOINT [\"tini\", \"--\"]\nCMD ./a\n", "ENTRYPOINT now receives", id="cmd-under-an-exec-entrypoint-says-what-it-receives"),
        pytest.param("FROM d\nCMD [\"--x\"]\nENTRYPOINT ./a\n", "CMD is now passed", id="a-cmd-before-the-entrypoint-counts-too"),
    ],
)
def test_message_says_what_else_changes(source, note):
    [fix] = run(source).fixes
    assert note in fix.text


@pytest.mark.parametrize("pragma", ["# hadolint ignore=DL3025", "# dockopt: ignore=JSONArgsRecommended"])
def test_pragmas_suppress_it(pragma):
    source = f"FROM d\n{pragma}\nCMD ./a\n"
    assert run(source).output == source
