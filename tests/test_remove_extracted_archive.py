"""DO282: no-op and fix tables (transforms/remove_extracted_archive.py)."""

from __future__ import annotations

import pytest

from tests.rule_tables import assert_message, table_tests

FROM = 'FROM debian:bookworm\n'

NOOP = [
    pytest.param('RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz && rm /a.tgz', id='already removed'),
    pytest.param('RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz && sha256sum /a.tgz', id='read again later in the RUN'),
    pytest.param('RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz\nRUN ls /a.tgz', id='read by a later instruction'),
    pytest.param('RUN curl -fsSLo a.tgz https://x.org/a.tgz && cd /opt && tar -xzf a.tgz', id='the folder changes in between'),
    pytest.param('COPY a.tgz /a.tgz\nRUN tar -xzf /a.tgz', id='not downloaded by this RUN'),
    pytest.param('RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz || true', id='the extraction is part of an ||'),
    pytest.param('RUN curl -fsSL https://x.org/a.tgz | tar -xz', id='streamed: no file'),
]

FIX = [
    pytest.param(
        'RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz -C /opt',
        'RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz -C /opt && rm -f /a.tgz',
        id='curl -o then tar -xzf',
    ),
    pytest.param(
        'RUN wget -O app.zip https://x.org/app.zip; unzip -q -d /opt app.zip; ls /opt',
        'RUN wget -O app.zip https://x.org/app.zip; unzip -q -d /opt app.zip && rm -f app.zip; ls /opt',
        id='wget -O then unzip in a ; list',
    ),
    pytest.param(
        'RUN curl -fsSLO https://x.org/dist/b.tar.gz && tar xzf b.tar.gz && make',
        'RUN curl -fsSLO https://x.org/dist/b.tar.gz && tar xzf b.tar.gz && rm -f b.tar.gz && make',
        id='curl -O and old-style tar options',
    ),
    pytest.param(
        'RUN set -e; curl -fsSLo /a.zip https://x.org/a.zip; unzip /a.zip > /dev/null; ls',
        'RUN set -e; curl -fsSLo /a.zip https://x.org/a.zip; unzip /a.zip > /dev/null && rm -f /a.zip; ls',
        id="after the extraction's own redirect",
    ),
]


test_leaves_alone, test_fixes = table_tests("DO282", NOOP, FIX, prefix=FROM, suffix="\n")


def test_message_and_safety():
    assert_message("DO282", FROM + 'RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz' + "\n",
                   'remove `/a.tgz` in the RUN that extracts it, so the archive does not stay in the layer (unsafe: the archive file is no longer in the image)',
                   'unsafe')
