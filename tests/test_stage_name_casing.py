"""DO106 stage-name-casing: what it rewrites, what it leaves alone."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests


NO_OP = [
    pytest.param("FROM debian AS build\nFROM build\nCOPY --from=Build /a /a\n",
                 id="a-lower-case-stage-is-left-with-its-references-as-written"),
    pytest.param("ARG S=Build\nFROM debian AS $S\n", id="a-name-from-a-variable"),
]

FIXES = [
    pytest.param("FROM debian AS Build\nRUN a\nFROM debian\nCOPY --from=Build /a /a\n",
                 "FROM debian AS build\nRUN a\nFROM debian\nCOPY --from=build /a /a\n", id="copy-from-is-renamed"),
    pytest.param("FROM debian AS Base\nFROM BASE AS app\n", "FROM debian AS base\nFROM base AS app\n",
                 id="a-from-of-the-stage-in-any-case-is-renamed"),
    pytest.param("FROM debian AS Tools\nFROM debian\nRUN --mount=type=bind,from=Tools,target=/t ls /t\n",
                 "FROM debian AS tools\nFROM debian\nRUN --mount=type=bind,from=tools,target=/t ls /t\n",
                 id="a-run-mount-from-is-renamed"),
    pytest.param("FROM debian AS Build\nFROM debian\nCOPY --from=$X /a /a\nCOPY --from=0 /b /b\nRUN echo Build\n",
                 "FROM debian AS build\nFROM debian\nCOPY --from=$X /a /a\nCOPY --from=0 /b /b\nRUN echo Build\n",
                 id="variables-indexes-and-words-in-commands-stay"),
    pytest.param("FROM debian AS Build\nFROM debian\nONBUILD COPY --from=Build /a /a\n",
                 "FROM debian AS build\nFROM debian\nONBUILD COPY --from=Build /a /a\n",
                 id="an-onbuild-trigger-runs-in-another-build-and-stays"),
    pytest.param("FROM debian AS Build\nFROM debian\nCOPY \\\n  --from=Build /a /a\n",
                 "FROM debian AS build\nFROM debian\nCOPY \\\n  --from=build /a /a\n", id="a-flag-on-a-continuation-line"),
]


test_leaves_alone, test_fixes = table_tests("DO106", NO_OP, FIXES, quiet=True)
