"""DO240: no-op and fix tables (transforms/pip_no_cache_dir.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import table_tests

FROM = "FROM debian:bookworm\n"

NOOP = [
    pytest.param('RUN pip install --no-cache-dir flask', id='already there'),
    pytest.param('RUN pip install --cache-dir=/c flask', id='a cache dir on purpose'),
    pytest.param('RUN PIP_NO_CACHE_DIR=1 pip install flask', id='env in the RUN'),
    pytest.param('ENV PIP_NO_CACHE_DIR=off\nRUN pip install flask', id='env before'),
    pytest.param('RUN --mount=type=cache,target=/root/.cache/pip pip install flask', id='pip cache mount'),
    pytest.param('RUN pip download flask', id='pip download'),
    pytest.param('RUN pip3 install --no-cache --upgrade pip', id='pip reads --no-cache as the abbreviation of --no-cache-dir'),
    pytest.param('ENV PIP_CACHE_DIR=/pipcache\nRUN pip install flask', id='a cache dir set in ENV is kept on purpose'),
    pytest.param('RUN PIP_CACHE_DIR=/c pip install flask', id='a cache dir set in the RUN is kept on purpose'),
    pytest.param('ENV XDG_CACHE_HOME=/cache\nRUN --mount=type=cache,target=/cache pip install flask', id='a cache home on a cache mount'),
    pytest.param('ENV HOME=/app\nRUN pip install flask\nRUN ls /app/.cache/pip > /cached.txt', id='a later step reads the moved cache'),
    pytest.param('RUN pip install flask\nFROM debian:bookworm\nCOPY --from=0 /root/.cache/pip /wheels', id='a later stage copies the cache'),
    pytest.param('ARG PIP_NO_CACHE_DIR=1\nRUN pip install flask', id='an arg disables the cache'),
    pytest.param('RUN export PIP_CACHE_DIR=/c && pip install flask', id='an export places the cache'),
    pytest.param('COPY pip.conf /etc/pip.conf\nRUN pip install flask', id='a pip config file may choose the cache'),
]

FIX = [
    pytest.param('ENV HOME=/app\nRUN pip install flask', 'ENV HOME=/app\nRUN pip install --no-cache-dir flask', id='a home of its own only moves the cache'),
    pytest.param('ENV XDG_CACHE_HOME=/cache\nRUN pip install flask', 'ENV XDG_CACHE_HOME=/cache\nRUN pip install --no-cache-dir flask', id='a cache home only moves the cache'),
    pytest.param('RUN HOME=/tmp pip install flask', 'RUN HOME=/tmp pip install --no-cache-dir flask', id='a home given to the command'),
    pytest.param(
        'ENV HOME=/home/app\nRUN pip install flask\nRUN rm -rf /home/app/.cache/pip',
        'ENV HOME=/home/app\nRUN pip install --no-cache-dir flask\nRUN rm -rf /home/app/.cache/pip',
        id='a later rm of the cache does not read it',
    ),
    pytest.param('RUN pip install flask', 'RUN pip install --no-cache-dir flask', id='pip'),
    pytest.param('RUN pip3.11 install flask', 'RUN pip3.11 install --no-cache-dir flask', id='pip3.11'),
    pytest.param('RUN python3 -m pip install -U pip', 'RUN python3 -m pip install --no-cache-dir -U pip', id='python -m pip'),
    pytest.param(
        'RUN pip install --no-cache-dir a\nRUN pip install b',
        'RUN pip install --no-cache-dir a\nRUN pip install --no-cache-dir b',
        id='an earlier --no-cache-dir places no cache',
    ),
]


test_leaves_alone, test_fixes = table_tests("DO240", NOOP, FIX, prefix=FROM, suffix="\n")
