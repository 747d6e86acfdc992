"""Golden fixture pairs: fixtures/<CODE>/<case>.before.Dockerfile (+ .after.Dockerfile).

A case with no `.after` file is a no-op case: the transform must leave it byte-identical. A folder
`<case>.context/` next to the pair is used as the build context. Pairs run with `--select CODE`
and `--unsafe-fixes`; the folder `fixtures/ALL/` runs every transform (safe fixes only).
Settings a run can take from a config file (the cache policy) come from `<case>.config.toml`,
else from `config.toml` in the folder, in the format of `.dockopt.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass(frozen=True)
class Case:
    code: str
    name: str
    before: Path

    @property
    def after(self) -> Path:
        return self.before.with_name(f"{self.name}.after.Dockerfile")

    @property
    def context(self) -> Path | None:
        folder = self.before.with_name(f"{self.name}.context")
        return folder if folder.is_dir() else None

    @property
    def settings(self) -> dict:
        """`dockopt.fix` keywords from the case's config file: `cache`."""
        for path in (self.before.with_name(f"{self.name}.config.toml"), self.before.parent / "config.toml"):
            if path.is_file():
                from dockopt.config import load

                config = load(str(path))
                return {"cache": config.cache} if config is not None and config.cache else {}
        return {}

    @property
    def options(self) -> dict:
        if self.code == "ALL":
            return {"unsafe_fixes": False, **self.settings}
        return {"select": [self.code], "unsafe_fixes": True, **self.settings}

    @property
    def id(self) -> str:
        return f"{self.code}/{self.name}"


def all_cases() -> list[Case]:
    cases = []
    for before in sorted(FIXTURES.glob("*/*.before.Dockerfile")):
        name = before.name[: -len(".before.Dockerfile")]
        cases.append(Case(before.parent.name, name, before))
    return cases
