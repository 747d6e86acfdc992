"""DO240 pip-no-cache-dir."""

from __future__ import annotations

import re

from dockopt.transform import Severity, Transform
from dockopt.package_managers import (
    add_option_after,
    earlier_instructions,
    line_edits,
    mount_targets,
    pip_installs,
    text_of,
)

# pip older than 6.0 has no --no-cache-dir; it is what these releases ship.
_OLD_PIP_BASE_RE = re.compile(r"(?i)\b(precise|trusty|wheezy|jessie|squeeze|12\.04|14\.04)\b|centos:6|python:2\.6")
# Settings that put pip's cache somewhere chosen on purpose (or outside ~/.cache): a later step
# may read it, so dropping it is not ours to decide.
_CACHE_PLACED_RE = re.compile(r"\b(PIP_CACHE_DIR|PIP_CONFIG_FILE|XDG_CACHE_HOME|HOME)=|pip\.conf|pip config|(?<!no-)cache-dir")


class PipNoCacheDir(Transform):
    """Add `--no-cache-dir` to `pip install`.

    ## What it does
    Inserts `--no-cache-dir` after `install` in `pip install` (also `pip3`, `python -m pip`),
    unless the command names a cache (`--cache-dir`, `--no-cache-dir`), `PIP_NO_CACHE_DIR` is
    set (ENV, ARG or in the RUN), the RUN mounts a cache for pip, or the base image is a release
    whose pip is older than 6.0.

    ## Why
    pip keeps every downloaded archive and built wheel under `~/.cache/pip`. In an image that
    cache is never used again, and it ships in the layer: often tens of megabytes.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```
    becomes
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix safety
    Safe: pip installs the same files; only its download and wheel cache is not written.
    Left alone when the cache was placed on purpose (`PIP_CACHE_DIR`, `XDG_CACHE_HOME`, `HOME`, a pip
    config file or `--cache-dir`): a later step may read it.
    """

    code = "DO240"
    name = "pip-no-cache-dir"
    title = "pip install leaves its cache in the layer"
    severity = Severity.INFO
    aliases = ("DL3042",)
    order = 250

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            view = doc.shell(instruction)
            text = text_of(doc, instruction)
            if view is None or view.has_error or "PIP_NO_CACHE_DIR" in text or _CACHE_PLACED_RE.search(text):
                continue
            if any("pip" in target or target.endswith("/.cache") for target in mount_targets(instruction)):
                continue
            calls = [
                (call, index)
                for call, index in pip_installs(view)
                if not call.has_prefix("--no-cache-dir", "--cache-dir") and not _abbreviates_no_cache_dir(call)
            ]
            if not calls or self._cache_disabled(doc, instruction):
                continue
            changes = [add_option_after(view, call.words[index], "--no-cache-dir") for call, index in calls]
            changes = [change for change in changes if change is not None]
            if changes:
                yield self.fix("add `--no-cache-dir` so pip leaves no cache in the layer", instruction, line_edits(doc, changes))

    @staticmethod
    def _cache_disabled(doc, instruction) -> bool:
        for item in earlier_instructions(doc, instruction):
            if item.cmd in ("ENV", "ARG") and "PIP_NO_CACHE_DIR" in item.original:
                return True
            if item.cmd == "FROM" and _OLD_PIP_BASE_RE.search(item.original):
                return True
            if item.cmd in ("ENV", "ARG", "RUN", "COPY", "ADD") and _CACHE_PLACED_RE.search(item.original):
                return True
        return False


def _abbreviates_no_cache_dir(call) -> bool:
    """pip (optparse) takes an unambiguous prefix of a long option: `--no-cache` is `--no-cache-dir`."""
    return any(
        word.value is not None and len(word.value.split("=")[0]) >= len("--no-cache")
        and "--no-cache-dir".startswith(word.value.split("=")[0])
        for word in call.words
    )
