"""DO312 volume-over-code: a VOLUME that would hide the copied application."""

from __future__ import annotations

import pytest

from tests.rule_tables import finding_tests

QUIET = [
    pytest.param("FROM python\nCOPY . /code\nVOLUME /some_storage\n", id="seed-001-data-volume-elsewhere"),
    pytest.param("FROM python\nCOPY . /app\nVOLUME /app/data\n", id="a-data-folder-inside-the-app"),
    pytest.param("FROM python\nCOPY config.yml /etc/app/\nVOLUME /etc/app\n", id="copied-config-is-not-code"),
    pytest.param("FROM python\nCOPY . /app\nVOLUME $DATA\n", id="a-variable-path-is-unknown"),
    pytest.param("FROM python\nCOPY data /data\nVOLUME /data\n", id="seeding-a-data-volume"),
    pytest.param("FROM python\nCOPY --from=build /out /app\nVOLUME /app\n", id="a-build-output-may-be-data"),
    pytest.param("FROM python AS b\nCOPY . /app\nFROM python\nVOLUME /app\n", id="another-stage-copied-the-code"),
]

FOUND = [
    pytest.param("FROM python\nCOPY . /usr/src/app\nVOLUME /usr/src/app\n", [3], id="volume-on-the-copy-destination"),
    pytest.param("FROM python\nWORKDIR /app\nCOPY . .\nVOLUME [\"/app\"]\n", [4], id="json-form-and-a-relative-copy"),
    pytest.param("FROM python\nVOLUME /srv\nCOPY src/ /srv/app/\n", [2], id="a-volume-above-the-code"),
    pytest.param("FROM python\nCOPY main.py /opt/tool/main.py\nVOLUME /opt/tool\n", [3], id="a-single-code-file"),
    pytest.param("FROM python\nCOPY app/ /srv/app/\nVOLUME /srv\n", [3], id="a-folder-named-like-code"),
    pytest.param('FROM python\nCOPY "main.py" "/opt/tool/"\nVOLUME /opt/tool\n', [3], id="quoted-words-read-as-buildkit-reads-them"),
]


test_quiet, test_found = finding_tests("DO312", QUIET, FOUND)
