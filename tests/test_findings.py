"""The findings of issue 3: reported with a line, never rewritten."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_finds, assert_leaves_alone

FLAGGED = [
    pytest.param("DO260", "FROM debian\nUSER app\nRUN sudo apt-get install -y curl\n", 3, id="sudo-after-a-non-root-user-is-flagged"),
    pytest.param("DO260", "FROM debian\nRUN set -e; \\\n  sudo -u app make\n", 3, id="sudo-on-a-continuation-line-points-at-that-line"),
    pytest.param("DO261", "FROM debian\nRUN cd /app && make\nRUN make install\n", 2, id="top-level-cd-before-a-later-run-is-flagged"),
    pytest.param("DO251", "FROM debian\nRUN export PATH=/opt/x/bin:$PATH\n", 2, id="an-export-alone-is-flagged"),
    pytest.param("DO251", "FROM debian\nRUN echo a\nRUN X=1 Y=2\n", 3, id="assignments-alone-are-flagged"),
    pytest.param("DO251", "FROM debian\nRUN set -eux && umask 022\n", 2, id="shell-options-alone-are-flagged"),
    pytest.param("DO251", "FROM debian\nRUN cd /app && export X=1\n", 2, id="cd-and-export-are-flagged"),
    pytest.param("DO262", "FROM debian\nENV DB_PASSWORD=hunter2\n", 2, id="password-in-env-is-flagged"),
    pytest.param("DO262", "FROM debian\nARG GITHUB_TOKEN\n", 2, id="token-in-arg-is-flagged"),
    pytest.param("DO262", "FROM debian\nENV awsSecretAccessKey=x\n", 2, id="camel-case-secret-is-flagged"),
    pytest.param("DO262", "FROM debian\nENV GPG_PRIVATE_KEY=A821E680E5FA6305\n", 2, id="a-private-gpg-key-is-flagged"),
    pytest.param("DO262", "FROM debian\nENV GPG_KEY=hunter2\n", 2, id="a-gpg-key-that-is-no-key-id-is-flagged"),
    pytest.param("DO263", "FROM debian\nRUN curl -fsSL https://x.example/i.sh | sh\n", 2, id="curl-piped-to-sh-is-flagged"),
    pytest.param("DO263", "FROM debian\nRUN wget -qO- https://x.example/i.sh | /bin/bash -s -- -y\n", 2, id="wget-piped-to-bash-by-path-is-flagged"),
]

QUIET = [
    pytest.param("DO260", "FROM debian\nRUN echo sudo\n", id="the-word-sudo-as-an-argument-is-not-a-command"),
    pytest.param("DO261", "FROM debian\nRUN (cd /src && make) && make install\n", id="cd-inside-a-subshell-is-intended"),
    pytest.param("DO261", "FROM debian\nRUN for d in a b; do cd $d; done\n", id="cd-inside-a-loop-is-left-alone"),
    pytest.param("DO251", "FROM debian\nRUN export V=$(make version) && echo $V > /v\n", id="a-run-that-runs-a-program-does-something"),
    pytest.param("DO251", "FROM debian\nRUN export V=$(make version)\n", id="a-command-substitution-runs-a-program"),
    pytest.param("DO251", "FROM debian\nRUN . /venv/bin/activate\n", id="source-runs-a-script"),
    pytest.param("DO251", "FROM debian\nRUN X=1 make\n", id="an-assignment-prefix-is-for-the-command"),
    pytest.param("DO251", "FROM debian\nRUN cd /app\n", id="a-lone-cd-is-cd-instead-of-workdirs"),
    pytest.param("DO251", "FROM debian\nRUN export X=1 > /x\n", id="a-redirect-writes-a-file"),
    pytest.param("DO262", "FROM debian\nENV PASSWORD_FILE=/run/secrets/db\n", id="a-path-to-a-secret-file-is-fine"),
    pytest.param("DO262", "FROM debian\nARG PUBLIC_KEY_URL=https://x.example/k\n", id="public-keys-are-not-secrets"),
    pytest.param("DO262", "FROM debian\nENV MONKEY=1 TOKENIZER_VERSION=2\n", id="words-that-merely-contain-key-or-token-are-fine"),
    pytest.param("DO262", "FROM debian\nENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305\n", id="a-gpg-fingerprint-is-public"),
    pytest.param("DO262", "FROM debian\nARG PGP_KEY=0xA821E680E5FA6305\nENV JENKINS_GPG_KEY=5E386EADB55F01504CAE8BCF7198F4B714ABFC68\n",
                 id="gpg-key-ids-are-public"),
    pytest.param("DO263", "FROM debian\nRUN curl -fsSL https://x.example/a.tgz | tar xz\n", id="piping-into-tar-is-fine"),
    pytest.param("DO263", "FROM debian\nRUN <<EOF\ncurl x | sh\nEOF\n", id="heredoc-bodies-are-not-parsed-as-run-shell"),
]


@pytest.mark.parametrize(("code", "source", "line"), FLAGGED)
def test_flagged_without_edits(code, source, line):
    result = assert_finds(code, source, [line])
    assert not result.changed
    assert [(f.code, f.applied, f.safety.value) for f in result.fixes] == [(code, False, "finding")]


@pytest.mark.parametrize(("code", "source"), QUIET)
def test_not_flagged(code, source):
    assert_leaves_alone(code, source, quiet=True)
