"""The build context: the folder `docker build` sends, as `.dockerignore` filters it.

Transforms that decide from facts (does the manifest exist? is it ignored?) ask here. Nothing in
the context is ever executed.
"""

from __future__ import annotations

import posixpath
from functools import cached_property
from pathlib import Path


def in_context(path: str) -> str:
    """A path of the context as BuildKit resolves a COPY source: `/` is the context's root and
    `..` never leaves it (`../x` and `/x` are `x`); "" for the root itself."""
    return posixpath.normpath("/" + path.strip()).lstrip("/")


class BuildContext:
    def __init__(self, root: str | Path, dockerfile: str | Path | None = None):
        self.root = Path(root)
        self.dockerfile = Path(dockerfile) if dockerfile else None

    def __repr__(self) -> str:
        return f"BuildContext({str(self.root)!r})"

    @cached_property
    def _ignore_spec(self) -> DockerIgnore | None:
        """The `.dockerignore` patterns (a Dockerfile-specific `X.dockerignore` wins, as in BuildKit)."""
        candidates = []
        if self.dockerfile is not None:
            candidates.append(self.dockerfile.with_name(self.dockerfile.name + ".dockerignore"))
        candidates.append(self.root / ".dockerignore")
        for candidate in candidates:
            try:
                text = candidate.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            return DockerIgnore(text)
        return None

    def ignored(self, relative: str) -> bool:
        """Would `.dockerignore` keep this path out of the build?"""
        spec = self._ignore_spec
        return bool(spec and spec.ignored(in_context(relative)))

    def exists(self, relative: str) -> bool:
        """Is the file in the context and not excluded by `.dockerignore`?"""
        relative = in_context(relative)
        return bool(relative) and (self.root / relative).is_file() and not self.ignored(relative)

    def read_text(self, relative: str) -> str | None:
        if not self.exists(relative):
            return None
        try:
            return (self.root / in_context(relative)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def files(self, pattern: str = "**/*") -> list[str]:
        """Relative paths of the context's files matching a glob, minus ignored ones, sorted.

        One `os.walk` (no symlinked folders), skipping folders `.dockerignore` excludes whole:
        `pathlib.Path.glob` with Path objects took seconds on a context of some thousand files.
        """
        import os
        import re

        pattern = pattern.lstrip("./") or "**/*"
        matcher = re.compile(_glob_to_regex(pattern))
        spec = self._ignore_spec
        prune = spec is not None and not spec.has_exceptions
        fixed = []  # the folders the pattern names before its first wildcard: walk only below them
        for part in pattern.split("/")[:-1]:
            if any(ch in part for ch in "*?["):
                break
            fixed.append(part)
        top = str(self.root)
        found = []
        for folder, dirs, names in os.walk(os.path.join(top, *fixed)):
            rel_folder = folder[len(top) + 1 :].replace(os.sep, "/")
            prefix = rel_folder + "/" if rel_folder else ""
            if "**" not in pattern and prefix.count("/") >= pattern.count("/"):
                dirs[:] = []  # deeper than the pattern reaches
            elif prune and spec is not None:
                dirs[:] = [name for name in dirs if not spec.ignored(prefix + name)]
            for name in names:
                relative = prefix + name
                if matcher.fullmatch(relative) and not self.ignored(relative):
                    found.append(relative)
        return sorted(found, key=lambda relative: relative.split("/"))  # the order Path objects sort in


class DockerIgnore:
    """`.dockerignore` semantics, after moby's `patternmatcher`: Go filepath.Match patterns plus
    `**`, patterns anchored at the context root (a leading `/` or `./` dropped), a pattern that
    matches a folder excludes all below it, `!` exceptions, and the last matching line wins.

    (`pathspec` implements gitignore, where `foo` matches at any depth: Docker's `foo` is the
    root's `foo` only, so it would answer wrongly.)
    """

    def __init__(self, text: str):
        import re

        self.rules: list[tuple[bool, re.Pattern[str]]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:].strip()
            line = line.strip("/")
            while line.startswith("./"):
                line = line[2:]
            if line:
                self.rules.append((negate, re.compile(_glob_to_regex(line))))

    @property
    def has_exceptions(self) -> bool:
        """Does a `!pattern` bring back something below an excluded folder?"""
        return any(negate for negate, _ in self.rules)

    def ignored(self, relative: str) -> bool:
        return self.decision(relative) is True

    def decision(self, relative: str) -> bool | None:
        """True: excluded; False: brought back by a `!` line; None: no line matches it."""
        relative = relative.strip("/")
        parts = relative.split("/")
        result = None
        for negate, pattern in self.rules:
            # A pattern that matches a parent folder excludes everything below it.
            if any(pattern.fullmatch("/".join(parts[: i + 1])) for i in range(len(parts))):
                result = not negate
        return result


def _glob_to_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            if i < len(pattern) and pattern[i] == "/":
                out[-1] = "(?:.*/)?"
                i += 1
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(r"\[")
            else:
                body = pattern[i + 1 : end]
                if body.startswith(("^", "!")):
                    body = "^" + body[1:]
                out.append("[" + body + "]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re_escape(pattern[i]))
        else:
            out.append(re_escape(char))
        i += 1
    return "".join(out)


def re_escape(char: str) -> str:
    import re

    return re.escape(char)
