"""DO214: no-op and fix tables (transforms/apt_get_lists_cleanup.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_says_why, table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', id='already cleaned'),
    pytest.param('RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl', id='a cache mount holds the lists'),
    pytest.param('RUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git', id='a later RUN installs without update'),
    pytest.param('RUN apt-get update\nFROM 0\nRUN apt-get install -y git', id='a child stage installs without update'),
    pytest.param('RUN apt-get update; apt-get install -y curl', id='a ; list is not a clean chain'),
    pytest.param('RUN apt-get update && apt-get install -y curl || true', id='|| is not a clean chain'),
    pytest.param('RUN apt-get install -y curl', id='no update, no lists'),
    pytest.param('RUN apt-get update && apt-get install -y curl # c', id='a trailing comment'),
    pytest.param(
        'RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*',
        id='the next RUN removes the lists already (chain-run joins it)',
    ),
]

FIX = [
    pytest.param('RUN apt-get update && apt-get install -y curl', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*', id='one line'),
    pytest.param('RUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b', 'RUN apt-get update && apt-get install -y a && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y b && rm -rf /var/lib/apt/lists/*', id='a later RUN with its own update'),
    pytest.param('RUN apt-get update \\\n    && apt-get install -y curl', 'RUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*', id='&& at line start'),
]


test_leaves_alone, test_fixes = table_tests("DO214", NOOP, FIX, prefix=FROM, suffix="\n")


# Where the lists stay, the RUN says why (hadolint's DL3009 still fires on it).
REASONS = [
    pytest.param('RUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git', 2, "the RUN on line 3 installs from them", id='a later RUN installs from the lists'),
    pytest.param('RUN apt-get update\nFROM 0\nRUN apt-get install -y git', 2, "the RUN on line 4 installs", id='a child stage installs from the lists'),
    pytest.param('RUN apt-get update; apt-get install -y curl', 2, "its body is not one `&&` chain", id='a ; list'),
    pytest.param('RUN apt-get update && apt-get install -y curl\n# then\nRUN rm -rf /var/lib/apt/lists/*', 2, "removed only by the next RUN (line 4)", id='the next RUN removes them, apart'),
]


@pytest.mark.parametrize(("body", "line", "fragment"), REASONS)
def test_says_why_the_lists_stay(body, line, fragment):
    assert_says_why("DO214", FROM + body + "\n", line, fragment)


def test_dist_clean_removes_the_lists():
    source = FROM + "RUN apt-get update; apt-get install -y curl; apt-get dist-clean\n"
    assert dockopt.fix(source, select=["DO214"], unsafe_fixes=True).fixes == []


def test_a_builder_stage_keeps_its_lists_and_the_image_s_stages_lose_theirs():
    # As hadolint's DL3009: lists left in a stage the image is not built on never reach it.
    from tests.rule_tables import assert_fixes

    source = (
        "FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y gcc\n"
        "FROM debian:bookworm AS base\nRUN apt-get update && apt-get install -y curl\n"
        "FROM base\nCOPY --from=build /usr/bin/gcc /usr/bin/gcc\n"
    )
    assert_fixes("DO214", source, source.replace("install -y curl", "install -y curl && rm -rf /var/lib/apt/lists/*"))
