"""DO250: a cleanup-only RUN joins the RUN that created the files, across inert instructions."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_fixes, assert_leaves_alone

NO_OP = [
    pytest.param("FROM d\nRUN make\nRUN rm -rf /tmp/*\n", id="consecutive-runs-are-left-to-chain-run"),
    pytest.param("FROM d\nRUN make\nENV A=1\nRUN rm -rf /tmp/*\n", id="env-between-blocks-the-move"),
    pytest.param("FROM d\nRUN make\nCOPY x /tmp/x\nRUN rm -rf /tmp/*\n", id="copy-between-could-write-what-is-removed"),
    pytest.param("FROM d\nRUN make\nUSER app\nRUN rm -rf /tmp/*\n", id="user-between-changes-who-removes"),
    pytest.param("FROM d\nRUN make\nWORKDIR /tmp/w\nRUN rm -rf /tmp/*\n", id="workdir-between-creates-a-folder"),
    pytest.param("FROM d\nRUN make\nVOLUME /data\nRUN rm -rf /tmp/*\n", id="volume-between-blocks-the-move"),
    pytest.param("FROM d\nRUN make\nLABEL a=b\nRUN rm -rf tmp\n", id="relative-paths-depend-on-the-directory"),
    pytest.param("FROM d\nRUN make\nLABEL a=b\nRUN rm -rf /\n", id="removing-the-root-is-never-moved"),
    pytest.param("FROM d\nRUN make\nLABEL a=b\nRUN rm -rf $DIR\n", id="expansions-are-not-static-paths"),
    pytest.param("FROM d\nRUN make || true\nLABEL a=b\nRUN rm -rf /tmp/x\n", id="a-creator-with-or-keeps-its-own-status"),
    pytest.param("FROM d\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nLABEL a=b\nRUN rm -rf /var/lib/apt/lists/*\n", id="a-creator-with-a-mount-is-left-alone"),
    pytest.param("FROM d\nRUN make\nLABEL a=b\nRUN rm -rf /tmp/x && make clean\n", id="a-run-that-also-builds-is-not-a-cleanup"),
    pytest.param("FROM d\nRUN make\nLABEL a=b\nRUN rm -rf /tmp/x | tee log\n", id="pipes-are-not-plain-cleanups"),
    pytest.param("FROM d AS a\nRUN make\nFROM d\nLABEL a=b\nRUN rm -rf /tmp/x\n", id="a-cleanup-never-crosses-a-stage"),
    pytest.param("FROM d\nRUN export X=1\nLABEL a=b\nRUN rm -rf /tmp/x\n", id="shell-state-in-the-creator-blocks-the-move"),
    pytest.param(
        "FROM d\nRUN mkdir /junk && touch /junk/a # make junk\nEXPOSE 80\nRUN rm -rf /junk\n",
        id="a-creator-ending-in-a-shell-comment-would-comment-the-cleanup-out",
    ),
]

FIXES = [
    pytest.param(
        "FROM d\nRUN apt-get update && apt-get install -y curl\nLABEL a=b\nRUN rm -rf /var/lib/apt/lists/*\n",
        "FROM d\nRUN apt-get update && apt-get install -y curl && \\\n    rm -rf /var/lib/apt/lists/*\nLABEL a=b\n",
        id="apt-lists-join-the-install-layer",
    ),
    pytest.param(
        "FROM d\nRUN apt-get install -y gcc \\\n  && make\nCMD [\"x\"]\nRUN apt-get purge -y gcc && apt-get autoremove -y\n",
        "FROM d\nRUN apt-get install -y gcc \\\n  && make \\\n  && apt-get purge -y gcc && apt-get autoremove -y\nCMD [\"x\"]\n",
        id="leading-operator-style-is-kept",
    ),
    pytest.param(
        "# escape=`\nFROM d\nRUN make\nEXPOSE 80\nRUN rm -rf /tmp/build\n",
        "# escape=`\nFROM d\nRUN make && `\n    rm -rf /tmp/build\nEXPOSE 80\n",
        id="the-escape-character-of-the-file-is-used",
    ),
    pytest.param(
        "FROM d\nrun make\nlabel a=b\n# why\nrun rm -rf /tmp/build\n",
        "FROM d\nrun make && \\\n    # why\n    rm -rf /tmp/build\nlabel a=b\n",
        id="comments-above-the-cleanup-move-with-it",
    ),
]


@pytest.mark.parametrize("source", NO_OP)
def test_leaves_alone(source):
    assert_leaves_alone("DO250", source, unsafe_fixes=False)


@pytest.mark.parametrize(("source", "expected"), FIXES)
def test_fixes(source, expected):
    result = assert_fixes("DO250", source, expected, unsafe_fixes=False)
    assert [f.safety.value for f in result.applied] == ["safe"]
