"""What one config file says (`Config`), and the error for a file dockopt cannot use.

Shared by the readers of dockopt's own config (`dockopt.config`) and of hadolint's
(`dockopt.hadolint_config`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dockopt.errors import DockoptError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


class ConfigError(DockoptError):
    """A config file dockopt cannot use; reported as `dockopt: error: FILE: reason`."""

    def __init__(self, path: str, reason: str):
        super().__init__(reason)
        self.path = path
        self.reason = reason


@dataclass
class Config:
    path: str  # the config file
    root: str  # its folder (absolute): globs are relative to it
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_ignore: list[str] = field(default_factory=list)
    unsafe_fixes: bool | None = None
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    verify: dict[str, Any] = field(default_factory=dict)  # the [verify] table, keys checked against VERIFY_KEYS
    fail_level: str | None = None  # a Severity value, or "none"
    severity: dict[str, str] = field(default_factory=dict)  # selector -> Severity value, later wins
    trusted_registries: list[str] | None = None
    cache: str | None = None  # "clean" or "mount": how package-manager caches stay out of the image
    kind: str = "dockopt"  # or "hadolint": read from a .hadolint.yaml

    def selectors(self) -> list[str]:
        found = list(self.select or []) + self.extend_select + self.ignore + self.extend_ignore + list(self.severity)
        for codes in self.per_file_ignores.values():
            found.extend(codes)
        return found

    def _relative(self, path: str) -> str | None:
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return None if relative == ".." or relative.startswith("../") else relative

    def excludes(self, path: str, *, is_dir: bool = False) -> bool:
        if not self.exclude:
            return False
        relative = self._relative(path)
        if relative is None or relative == ".":
            return False
        return _spec(tuple(self.exclude)).match_file(relative + "/" if is_dir else relative)

    def ignores_for(self, path: str) -> list[str]:
        if not self.per_file_ignores:
            return []
        relative = self._relative(path)
        if relative is None:
            return []
        found: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if _spec((pattern,)).match_file(relative):
                found.extend(codes)
        return found


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec  # lazy: only configs with globs pay for it

    return GitIgnoreSpec.from_lines(patterns)
