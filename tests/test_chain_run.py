"""DO201 chain-run: which RUNs merge, and the exact text they merge into."""

from __future__ import annotations

import pytest

import dockopt
from dockopt.document import Document
from dockopt.registry import by_code
from tests.rule_tables import assert_fixes, assert_leaves_alone, assert_says_why, assert_stable


def fix(text: str) -> str:
    return assert_stable("DO201", text, unsafe_fixes=False).output


def runs(text: str) -> int:
    return sum(1 for instruction in Document(text).instructions if instruction.cmd == "RUN")


NO_OP = [
    pytest.param("FROM debian\nRUN a\n", id="a-lone-run-has-nothing-to-merge-with"),
    pytest.param("FROM debian\nRUN --network=none a\nRUN b\n", id="different-network-flags-stay-apart"),
    pytest.param(
        "FROM debian\nRUN --mount=type=cache,target=/a a\nRUN --mount=type=cache,target=/b b\n",
        id="different-mounts-stay-apart",
    ),
    pytest.param("FROM debian\nRUN --mount=type=tmpfs,target=/t a\nRUN --mount=type=tmpfs,target=/t b\n", id="a-tmpfs-starts-empty-in-every-run"),
    pytest.param("FROM debian\nRUN --mount=type=bind,rw,target=/s a\nRUN --mount=type=bind,rw,target=/s b\n", id="a-writable-bind-mount-is-reset-in-every-run"),
    pytest.param("FROM debian\nRUN <<EOF\na\nEOF\nRUN b\n", id="a-heredoc-stays-apart"),
    pytest.param('FROM debian\nRUN ["a"]\nRUN b\n', id="exec-form-stays-apart"),
    pytest.param('FROM debian\nRUN a\nSHELL ["/bin/bash", "-c"]\nRUN b\n', id="a-shell-instruction-ends-the-run"),
    pytest.param("FROM debian\nRUN a\nENV X=1\nRUN b\n", id="an-env-instruction-ends-the-run"),
    pytest.param("FROM debian\nRUN a\nONBUILD RUN b\nRUN c\n", id="onbuild-run-is-not-a-run-of-the-stage"),
    pytest.param("FROM debian\nONBUILD RUN a\nONBUILD RUN b\n", id="two-onbuild-runs-stay-apart"),
    pytest.param("FROM debian AS one\nRUN a\nFROM debian\nRUN b\n", id="runs-of-different-stages-stay-apart"),
    pytest.param("FROM debian\nRUN a &\nRUN b\n", id="a-background-job-would-outlive-its-run"),
    pytest.param("FROM debian\nRUN a\nRUN { b & }\n", id="a-nested-background-job-stays-apart"),
    pytest.param("FROM debian\nRUN service mysql start && mysql < init.sql\nRUN b\n", id="a-started-service-would-outlive-its-run"),
    pytest.param("FROM debian\nRUN nohup server\nRUN b\n", id="nohup-would-outlive-its-run"),
    pytest.param("FROM debian\nRUN redis-server --daemonize yes\nRUN b\n", id="a-daemonizing-flag-would-outlive-its-run"),
    pytest.param("FROM debian\nRUN echo 1.2.3.4 h >> /etc/hosts\nRUN ping h\n", id="etc-hosts-is-mounted-afresh-every-run"),
    pytest.param("FROM debian\nRUN a ((\nRUN b\n", id="a-body-that-does-not-parse-stays-apart"),
    pytest.param("FROM debian\nRUN set -eux; a; b\nRUN c\n", id="set-e-would-be-switched-off-by-a-following-and"),
    pytest.param("FROM debian\nRUN set -o errexit; a\nRUN c\n", id="set-o-errexit-would-be-switched-off"),
    pytest.param("FROM debian\nRUN set $OPTS; a\nRUN c\n", id="set-with-unknown-options-may-turn-on-errexit"),
    pytest.param("FROM debian\nRUN trap 'exit 1' ERR; a\nRUN c\n", id="an-err-trap-would-be-switched-off"),
    pytest.param("FROM debian\nRUN . /venv/bin/activate && a\nRUN c\n", id="a-sourced-script-may-turn-on-errexit"),
    pytest.param("FROM debian\nRUN a # why\nRUN b\n", id="nothing-can-follow-a-trailing-shell-comment"),
    pytest.param("FROM debian\nRUN a\nRUN b; c # why\n", id="a-commented-body-that-needs-braces-stays-apart"),
    pytest.param(
        'FROM debian\nSHELL ["powershell", "-Command"]\nRUN a\nRUN b\n',
        id="powershell-is-not-a-posix-shell",
    ),
    pytest.param('FROM debian\nSHELL ["cmd", "/S", "/C"]\nRUN a\nRUN b\n', id="cmd-is-not-a-posix-shell"),
    pytest.param("FROM debian\nRUN a\n# install dependencies\nRUN b\n", id="a-section-comment-keeps-its-step-apart"),
    pytest.param("FROM debian\nRUN a\n\nRUN b\n", id="a-blank-line-keeps-two-paragraphs-apart"),
    pytest.param("FROM golang\nCOPY . .\nRUN go mod download\nRUN go vet ./...\n", id="a-dependency-install-keeps-its-own-layer"),
    pytest.param("FROM python\nRUN apt-get update\nRUN pip install -r requirements.txt\n", id="a-requirements-install-keeps-its-own-layer"),
    pytest.param("FROM debian\n# dockerfmt-ignore\nRUN a\nRUN b\n", id="a-formatter-directive-keeps-its-run-as-written"),
    pytest.param("FROM debian\n# checkov:skip=CKV_DOCKER_9 reason\nRUN a\nRUN b\n", id="a-scanner-directive-keeps-its-run-as-written"),
    pytest.param("FROM debian\n# trivy:ignore:AVD-DS-0017\nRUN a\nRUN b\n", id="a-trivy-directive-keeps-its-run-as-written"),
    pytest.param(
        "FROM debian\nRUN a && \\\n  b\nRUN c && \\\n      d\n", id="bodies-with-different-continuation-indents-stay-apart"
    ),
    pytest.param("FROM debian\nRUN a && b && c\nRUN d\n", id="a-run-of-three-commands-is-a-step-of-its-own"),
    pytest.param("FROM debian\nRUN d\nRUN a | b | c\n", id="a-pipeline-of-three-is-three-commands"),
    pytest.param("FROM debian\nRUN export X=1 && \\\n    b\nRUN c\n", id="a-long-body-would-need-a-subshell-around-its-lines"),
    pytest.param("FROM debian\nRUN a\nRUN b; \\\n    c\n", id="a-long-body-would-need-braces-around-its-lines"),
    pytest.param("FROM debian\nRUN a\n# [START deps]\nRUN b\n# [END deps]\nRUN c\n", id="region-tags-keep-their-steps-apart"),
    pytest.param("FROM debian\nRUN a\n# RUN old-step\nRUN b\n", id="a-commented-out-run-stays-between-its-neighbours"),
    pytest.param("FROM debian\nRUN export X=1\nRUN b\n", id="an-export-alone-is-a-no-op-not-merged"),
    pytest.param("FROM debian\nRUN a\nRUN X=1\n", id="an-assignment-alone-is-a-no-op-not-merged"),
    pytest.param("FROM debian\nRUN a\nRUN cd /tmp && export X=1\n", id="cd-and-export-alone-are-a-no-op"),
    pytest.param(
        "FROM debian\nRUN a \\\n    && b\nRUN c && \\\n    d\n",
        id="bodies-with-different-and-placement-stay-apart",
    ),
    pytest.param("FROM debian\nRUN a && \\\n    b \\\n    && c\nRUN d\n", id="a-body-that-mixes-and-placement-stays-apart"),
    pytest.param("FROM debian\nRUN a\nRUN b\nCOPY x y\n# hadolint ignore=DL3059\nRUN c\nRUN d\n", id="a-dl3059-pragma-elsewhere-keeps-the-file-apart"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-ec"]\nRUN a\nRUN b\n', id="a-shell-with-errexit-stays-apart"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-o", "errexit", "-c"]\nRUN a\nRUN b\n', id="a-shell-with-o-errexit-stays-apart"),
    pytest.param("FROM debian\nSHELL /bin/bash -c\nRUN a\nRUN b\n", id="a-shell-not-in-json-form-is-unknown"),
    pytest.param(
        'FROM debian AS base\nSHELL ["pwsh", "-c"]\nFROM base\nRUN a\nRUN b\n',
        id="a-stage-inherits-the-shell-of-the-stage-it-builds-on",
    ),
    pytest.param("FROM mcr.microsoft.com/windows/servercore\nRUN a\nRUN b\n", id="a-windows-base-runs-cmd"),
    pytest.param("FROM --platform=windows/amd64 img\nRUN a\nRUN b\n", id="a-windows-platform-runs-cmd"),
    pytest.param("FROM debian\nENV BASH_ENV=/etc/x\nRUN a\nRUN b\n", id="bash-env-may-run-code-before-every-body"),
    pytest.param("FROM debian\nRUN a\n# hadolint ignore=DL3059\nRUN b\n", id="a-hadolint-pragma-keeps-the-run-apart"),
    pytest.param("FROM debian\nRUN a\n# dockopt: ignore=chain-run\nRUN b\n", id="a-dockopt-pragma-keeps-the-run-apart"),
    pytest.param("FROM debian\nRUN a\n# hadolint ignore=DL3008\nRUN b\n", id="any-pragma-keeps-pointing-at-its-own-run"),
    pytest.param("FROM debian\n# hadolint global ignore=DL3059\nRUN a\nRUN b\n", id="a-global-pragma-suppresses-the-merge"),
    pytest.param("FROM debian\nRUN a\n# odd \\\nRUN b\n", id="a-comment-ending-in-the-escape-character-is-ambiguous"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN shopt -so errexit; false\nRUN b\n',
                 id="shopt-o-errexit-is-set-e-and-must-come-last"),
    pytest.param("FROM debian\nRUN eval 'set -e'; false\nRUN b\n", id="eval-of-set-e-must-come-last"),
    pytest.param('FROM debian\nRUN eval "$X"\nRUN b\n', id="eval-of-unknown-text-must-come-last"),
    pytest.param("FROM debian\nRUN command set -e; false\nRUN b\n", id="command-set-e-is-set-e"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN a\nRUN echo "$_" > f\n',
                 id="dollar-underscore-reads-the-previous-command"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN false | true\nRUN echo "${PIPESTATUS[*]}" > f\n',
                 id="pipestatus-reads-the-previous-pipeline"),
    pytest.param('FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN [[ ab =~ (b) ]]\nRUN echo "${BASH_REMATCH[1]}" > f\n',
                 id="bash-rematch-reads-the-previous-match"),
]


@pytest.mark.parametrize("text", NO_OP)
def test_leaves_alone(text):
    assert_leaves_alone("DO201", text, unsafe_fixes=False)


FIXES = [
    pytest.param("FROM debian\nRUN a\nRUN b\n", "FROM debian\nRUN a && \\\n    b\n", id="two-runs-become-one"),
    pytest.param(
        "FROM debian\nRUN a\nRUN b\nRUN c\n", "FROM debian\nRUN a && \\\n    b && \\\n    c\n", id="three-runs-become-one"
    ),
    pytest.param(
        "FROM debian\nRUN cd /src && make\nRUN make install\n",
        "FROM debian\nRUN (cd /src && make) && \\\n    make install\n",
        id="a-cd-stays-inside-a-subshell",
    ),
    pytest.param(
        "FROM debian\nRUN export X=1; a\nRUN b\n",
        "FROM debian\nRUN (export X=1; a) && \\\n    b\n",
        id="an-export-stays-inside-a-subshell",
    ),
    pytest.param(
        "FROM debian\nRUN X=1 a\nRUN b\n", "FROM debian\nRUN X=1 a && \\\n    b\n", id="an-assignment-prefix-needs-no-subshell"
    ),
    pytest.param(
        "FROM debian\nRUN umask 077 && a\nRUN f() { :; }; f\nRUN c\n",
        "FROM debian\nRUN (umask 077 && a) && \\\n    (f() { :; }; f) && \\\n    c\n",
        id="umask-and-functions-stay-inside-subshells",
    ),
    pytest.param(
        "FROM debian\nRUN for i in 1 2; do echo $i; done\nRUN b\n",
        "FROM debian\nRUN (for i in 1 2; do echo $i; done) && \\\n    b\n",
        id="a-for-loop-variable-stays-inside-a-subshell",
    ),
    pytest.param(
        "FROM debian\nRUN echo ${X:=1}\nRUN b\n",
        "FROM debian\nRUN (echo ${X:=1}) && \\\n    b\n",
        id="an-assigning-expansion-stays-inside-a-subshell",
    ),
    pytest.param(
        "FROM debian\nRUN a $(cd /tmp && pwd)\nRUN b\n",
        "FROM debian\nRUN a $(cd /tmp && pwd) && \\\n    b\n",
        id="a-cd-inside-command-substitution-needs-no-subshell",
    ),
    pytest.param(
        "FROM debian\nRUN (cd x; a)\nRUN b\n", "FROM debian\nRUN (cd x; a) && \\\n    b\n", id="an-existing-subshell-is-enough"
    ),
    pytest.param(
        "FROM debian\nRUN (cd x); cd y\nRUN b\n",
        "FROM debian\nRUN ( (cd x); cd y) && \\\n    b\n",
        id="a-subshell-inside-a-subshell-keeps-a-space-so-it-is-not-arithmetic",
    ),
    pytest.param(
        "FROM debian\nRUN a\nRUN cd /x && b\n", "FROM debian\nRUN a && \\\n    cd /x && b\n", id="the-last-body-may-change-the-shell"
    ),
    pytest.param(
        "FROM debian\nRUN a; b\nRUN c\n", "FROM debian\nRUN { a; b; } && \\\n    c\n", id="a-semicolon-body-is-grouped"
    ),
    pytest.param(
        "FROM debian\nRUN a;\nRUN c\n", "FROM debian\nRUN { a; } && \\\n    c\n", id="a-trailing-semicolon-is-grouped"
    ),
    pytest.param(
        "FROM debian\nRUN a || true\nRUN b\n", "FROM debian\nRUN { a || true; } && \\\n    b\n", id="an-or-body-is-grouped"
    ),
    pytest.param(
        "FROM debian\nRUN a\nRUN b || true\n",
        "FROM debian\nRUN a && \\\n    { b || true; }\n",
        id="an-or-body-is-grouped-when-last-too",
    ),
    pytest.param(
        "FROM debian\nRUN a || b > f\nRUN c\nRUN d || g 2>&1\n",
        "FROM debian\nRUN { a || b > f; } && \\\n    c && \\\n    { d || g 2>&1; }\n",
        id="an-or-body-ending-in-a-redirect-is-grouped",
    ),
    pytest.param(
        "FROM debian\nRUN a | b\nRUN ! c && d\n", "FROM debian\nRUN a | b && \\\n    ! c && d\n", id="pipes-and-and-chains-need-no-group"
    ),
    pytest.param(
        "FROM debian\nRUN a\nRUN set -eux; b\n",
        "FROM debian\nRUN a && \\\n    { set -eux; b; }\n",
        id="set-e-may-be-in-the-last-body",
    ),
    pytest.param(
        "FROM debian\nRUN set -e; a\nRUN b\nRUN c\n",
        "FROM debian\nRUN set -e; a\nRUN b && \\\n    c\n",
        id="a-merge-starts-after-a-set-e-body",
    ),
    pytest.param(
        "FROM debian\nRUN exit 0\nRUN b\n", "FROM debian\nRUN (exit 0) && \\\n    b\n", id="exit-leaves-only-its-subshell"
    ),
    pytest.param(
        "FROM debian\r\nRUN a\r\nRUN b\r\n", "FROM debian\r\nRUN a && \\\r\n    b\r\n", id="crlf-stays-crlf"
    ),
    pytest.param(
        "# escape=`\nFROM debian\nRUN a\nRUN b\n",
        "# escape=`\nFROM debian\nRUN a && `\n    b\n",
        id="a-backtick-escape-continues-with-a-backtick",
    ),
    pytest.param(
        "FROM debian\nRUN x \\\n  && y\nRUN a\nRUN b\n",
        "FROM debian\nRUN x \\\n  && y \\\n  && a \\\n  && b\n",
        id="and-at-line-start-and-two-space-indent-as-the-file-does",
    ),
    pytest.param(
        "FROM debian\nRUN x && \\\n\ty\nRUN a\n", "FROM debian\nRUN x && \\\n\ty && \\\n\ta\n", id="tab-indent-as-the-file-does"
    ),
    pytest.param("FROM debian\nrun a\nrun b\n", "FROM debian\nrun a && \\\n    b\n", id="lowercase-run-is-kept"),
    pytest.param(
        "FROM debian\nRUN --mount=type=cache,target=/c a\nRUN --mount=type=cache,target=/c \\\n    b\n",
        "FROM debian\nRUN --mount=type=cache,target=/c a && \\\n    b\n",
        id="equal-mounts-merge-and-the-flag-line-goes",
    ),
    pytest.param(
        "FROM debian\nRUN --network=host --mount=type=secret,id=s a\nRUN --mount=type=secret,id=s --network=host b\n",
        "FROM debian\nRUN --network=host --mount=type=secret,id=s a && \\\n    b\n",
        id="the-same-flags-in-another-order-merge",
    ),
    pytest.param(
        "FROM debian\nRUN a \\\n    # note\n    b\nRUN c\n",
        "FROM debian\nRUN a \\\n    # note\n    b && \\\n    c\n",
        id="comments-inside-a-body-are-kept",
    ),
    pytest.param(
        "FROM debian\nRUN a\nRUN b # why\n", "FROM debian\nRUN a && \\\n    b # why\n", id="a-trailing-comment-may-end-the-merge"
    ),
    pytest.param(
        'FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nRUN c\n',
        'FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b && \\\n    c\n',
        id="bash-with-pipefail-merges",
    ),
    pytest.param(
        "FROM debian AS a\nRUN a\nRUN b\nFROM debian\nRUN c\nRUN d\n",
        "FROM debian AS a\nRUN a && \\\n    b\nFROM debian\nRUN c && \\\n    d\n",
        id="each-stage-merges-on-its-own",
    ),
    pytest.param(
        "FROM debian\nRUN a\nRUN b\nCOPY x /x\nRUN c\nRUN d\n",
        "FROM debian\nRUN a && \\\n    b\nCOPY x /x\nRUN c && \\\n    d\n",
        id="a-copy-splits-two-merges",
    ),
    pytest.param("FROM debian\n  RUN a\n  RUN b\n", "FROM debian\n  RUN a && \\\n      b\n", id="an-indented-run-indents-its-continuation"),
    pytest.param("FROM debian\nRUN a\nRUN b", "FROM debian\nRUN a && \\\n    b", id="a-missing-final-newline-stays-missing"),
]


@pytest.mark.parametrize("before, after", FIXES)
def test_fixes(before, after):
    assert_fixes("DO201", before, after, unsafe_fixes=False)
    assert runs(after) < runs(before)


def test_a_hadolint_pragma_anywhere_keeps_every_run_of_the_file_apart():
    text = "FROM debian\nRUN a\nRUN b\n# hadolint ignore=DL3059\nRUN c\nRUN d\nRUN e\n"
    assert fix(text) == text


def test_a_long_body_that_changes_the_shell_can_still_come_last():
    text = "FROM debian\nRUN a\nRUN export X=1 && \\\n    b\n"
    assert fix(text) == "FROM debian\nRUN a && \\\n    export X=1 && \\\n    b\n"


def test_the_placement_of_the_bodies_wins_over_the_files():
    text = "FROM debian\nRUN x \\\n    && y\nRUN a && \\\n    b\nRUN c\n"
    assert fix(text) == "FROM debian\nRUN x \\\n    && y\nRUN a && \\\n    b && \\\n    c\n"


def test_a_pragma_in_another_dockerfile_of_the_repository_keeps_runs_apart(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "Dockerfile").write_text("FROM debian\n# hadolint ignore=DL3059\nRUN a\nRUN b\n")
    (tmp_path / "api").mkdir()
    text = "FROM debian\nRUN a\nRUN b\n"
    assert dockopt.fix(text, select=["DO201"], context=tmp_path / "api").output == text
    assert dockopt.fix(text, select=["DO201"]).output != text


def test_a_hadolint_config_that_ignores_dl3059_keeps_runs_apart(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL3008\n  - DL3059\n")
    text = "FROM debian\nRUN a\nRUN b\n"
    assert dockopt.fix(text, select=["DO201"], context=tmp_path).output == text


def test_the_repository_is_read_once_per_run_and_again_after_forget(tmp_path):
    from dockopt.repository import ignored_rules
    from dockopt.run_memory import forget

    (tmp_path / ".git").mkdir()
    other = tmp_path / "worker.Dockerfile"
    other.write_text("FROM debian\nRUN a\n")
    mine = tmp_path / "Dockerfile"
    mine.write_text("FROM debian\n# hadolint ignore=DL3059\nRUN a\nRUN b\n")
    assert ignored_rules(mine, besides=mine) == {}  # the file being fixed speaks for itself
    assert ignored_rules(other, besides=other) == {"DL3059": "Dockerfile:2"}
    other.write_text("FROM debian\n# hadolint ignore=DL3008\nRUN a\n")
    forget()  # the language server's step between two analyses
    assert ignored_rules(mine, besides=mine) == {"DL3008": "worker.Dockerfile:2"}


def test_test_fixture_dockerfiles_do_not_speak_for_the_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "Dockerfile").write_text("FROM debian\n# hadolint ignore=DL3059\nRUN a\n")
    text = "FROM debian\nRUN a\nRUN b\n"
    assert dockopt.fix(text, select=["DO201"], context=tmp_path).output != text


def test_an_engine_pragma_on_the_first_run_suppresses_the_merge():
    text = "FROM debian\n# dockopt: ignore=DO201\nRUN a\nRUN b\n"
    assert fix(text) == text


def test_the_fix_is_safe_and_points_at_the_first_run():
    result = dockopt.fix("FROM debian\nRUN z\nRUN a\nRUN b\n", select=["DO201"])
    [applied] = result.applied
    assert applied.safety is dockopt.Safety.SAFE
    assert applied.line == 2
    assert "lines 2, 3, 4" in applied.text


def test_known_ids_select_it():
    transform = by_code("DO201")
    assert transform.name == "chain-run"
    assert transform.matches("DL3059")
    assert "## Fix safety" in transform.doc()


# -- the merged body does what the separate RUNs did, in a real shell ---------------------------

# Each body records the shell state it sees, changes some of it, or fails in its own way.
BODIES = [
    'echo "pwd=${PWD##*/} x=${X-unset} y=${Y-unset} umask=$(umask) i=${i-unset} opts=$-" >> "$LOG"',
    "mkdir -p sub && cd sub",
    "export X=1",
    "Y=2",
    "umask 077; touch masked",
    "set -u",
    "set -eux; false; echo after-false >> \"$LOG\"",
    "set -e; true; echo ran-with-e >> \"$LOG\"",
    "false",
    "false; true",
    "false || true",
    'false || echo fallback >> "$LOG"',
    'test -e nothing && echo yes >> "$LOG" || echo no >> "$LOG"',
    "true || false; false",
    "exit 3",
    "exit 0; echo unreachable >> \"$LOG\"",
    "f() { echo f >> \"$LOG\"; }; f",
    "trap 'echo trapped >> \"$LOG\"' EXIT",
    "for i in 1 2; do :; done",
    "echo ${Z:=3} >> \"$LOG\"",
    "cd sub 2>/dev/null; echo here > here-file",
    "! true",
    "true | false && echo piped >> \"$LOG\"",
    "if true; then X=4; fi; echo if >> \"$LOG\"",
    "shopt -so errexit; false; echo after-shopt >> \"$LOG\"",
    "eval 'set -e'; false; echo after-eval >> \"$LOG\"",
    "command set -e; false; echo after-command >> \"$LOG\"",
    'eval "cd sub"; echo evaled >> "$LOG"',
    'echo "last=$_" >> "$LOG"',
]
SHELLS = [shell for shell in ("/bin/dash", "/bin/bash") if __import__("os").path.exists(shell)]


# One driver process per case: spawning from a process that runs Go's runtime is slow.
_DRIVER = """
run() { dir=$1; shift; mkdir -p "$dir" && cd "$dir" || exit 99
  for body in "$@"; do "$SH" -c "$body" || { echo "$?"; return; }; done; echo 0; }
(run separate/work "$@"); (eval "set -- $MERGED"; run merged/work "$@")
"""


def _statuses(shell, folder, bodies, merged):
    import shlex
    import subprocess

    env = {"PATH": "/usr/bin:/bin", "LOG": "log", "SH": shell, "MERGED": shlex.join(merged)}
    out = subprocess.run(["/bin/sh", "-c", _DRIVER, "driver", *bodies], cwd=folder, env=env, capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def _files(folder):
    return {str(p.relative_to(folder)): (p.read_text() if p.is_file() else "dir") for p in sorted(folder.rglob("*"))}


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("first", range(len(BODIES)))
def test_merged_body_behaves_like_the_separate_runs(first, shell, tmp_path):
    for second in range(len(BODIES)):
        bodies = [BODIES[first], BODIES[second]]
        text = "FROM debian\n" + "".join(f"RUN {body}\n" for body in bodies)
        merged = [i.args[0] for i in Document(fix(text)).instructions if i.cmd == "RUN"]
        if len(merged) == len(bodies):
            continue
        folder = tmp_path / str(second)
        folder.mkdir()
        expected, got = _statuses(shell, folder, bodies, merged)
        where = f"{shell}: {bodies!r} -> {merged!r}"
        assert (got == 0) == (expected == 0), where
        if expected == 0:
            assert _files(folder / "merged") == _files(folder / "separate"), where


# Where hadolint's DL3059 sees consecutive RUNs that stay apart, DO201 says why.
APART = [
    pytest.param("RUN echo a\n# b next\nRUN echo b\n", 4, "a comment or blank line between them", id="a comment between them"),
    pytest.param("RUN --network=none echo a\nRUN echo b\n", 3, "their flags", id="different flags"),
    pytest.param("RUN useradd app\nRUN echo b\n", 3, "creating an account", id="an account of its own"),
    pytest.param("RUN export X=1\nRUN echo b\n", 3, "it only changes the shell", id="a RUN that only changes the shell"),
]


@pytest.mark.parametrize(("body", "line", "fragment"), APART)
def test_says_why_runs_stay_apart(body, line, fragment):
    assert_says_why("DO201", "FROM debian\n" + body, line, fragment, unsafe_fixes=False)


def test_no_reason_for_runs_hadolint_also_keeps_apart():
    source = "FROM debian\nRUN a && b && c\nRUN echo d\n"  # more than two commands: a step of its own
    assert dockopt.fix(source, select=["DO201"]).fixes == []
