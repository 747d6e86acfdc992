"""The README shows what the first command prints on the bundled example: it must stay true."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shown(language: str) -> str:
    """The first ```<language> block under "## What it prints"."""
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## What it prints", 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no ```{language} block under 'What it prints'"
    return match.group(1)


def test_the_readme_shows_what_the_example_prints(cli, tmp_path):
    shutil.copytree(ROOT / "fixtures" / "example", tmp_path / "fixtures" / "example")
    code, out, err = cli("fix", "--unsafe-fixes", "fixtures/example/Dockerfile", cwd=tmp_path)
    assert code == 0
    assert out == _shown("diff")
    assert err == _shown("text")
