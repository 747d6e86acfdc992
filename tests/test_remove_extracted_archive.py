"""DO282: no-op and fix tables (transforms/remove_extracted_archive.py)."""

from __future__ import annotations

import pytest

import dockopt

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


@pytest.mark.parametrize("body", NOOP)
def test_leaves_alone(body):
    source = FROM + body + "\n"
    result = dockopt.fix(source, select=["DO282"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == source


@pytest.mark.parametrize(("body", "expected"), FIX)
def test_fixes(body, expected):
    result = dockopt.fix(FROM + body + "\n", select=["DO282"], unsafe_fixes=True)
    assert result.error is None
    assert result.output == FROM + expected + "\n"
    again = dockopt.fix(result.output, select=["DO282"], unsafe_fixes=True)
    assert again.output == result.output


def test_message_and_safety():
    result = dockopt.fix(FROM + 'RUN curl -fsSLo /a.tgz https://x.org/a.tgz && tar -xzf /a.tgz' + "\n", select=["DO282"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.text == 'remove `/a.tgz` in the RUN that extracts it, so the archive does not stay in the layer (unsafe: the archive file is no longer in the image)'
    assert fix.safety.value == 'unsafe'
