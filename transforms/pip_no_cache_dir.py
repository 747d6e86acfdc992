"""DO240 pip-no-cache-dir."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dockopt.document import Document, Instruction
from dockopt.package_managers import (
    Invocation,
    add_option_after,
    earlier_instructions,
    later_instructions,
    line_edits,
    mount_targets,
    mounted_over,
    pip_installs,
    text_of,
)
from dockopt.cache_mounts import mounting, pip_plan
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform

# pip older than 6.0 has no --no-cache-dir; it is what these releases ship.
_OLD_PIP_BASE_RE = re.compile(r"(?i)\b(precise|trusty|wheezy|jessie|squeeze|12\.04|14\.04)\b|centos:6|python:2\.6")
# Settings that decide about pip's cache themselves: it is disabled already, or placed on purpose
# (a later step may read it), or a config file may do either.
_PIP_SETTINGS = ("PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "PIP_CONFIG_FILE")
_SETTING_RE = re.compile(r"\b(PIP_NO_CACHE_DIR|PIP_CACHE_DIR|PIP_CONFIG_FILE)=")
_CONFIG_RE = re.compile(r"pip\.conf|pip config|(?<!no-)cache-dir")
# Where the default cache goes: $XDG_CACHE_HOME/pip, else $HOME/.cache/pip.
_HOME_RE = re.compile(r"\b(HOME|XDG_CACHE_HOME)=(\S+)")


class PipNoCacheDir(Transform):
    """Add `--no-cache-dir` to `pip install`.

    ## What it does
    Inserts `--no-cache-dir` after `install` in `pip install` (also `pip3`, `python -m pip`,
    inside `if`/loops/subshells too), unless pip's cache is already decided: the command names
    a cache (`--cache-dir`, `--no-cache-dir`), `PIP_NO_CACHE_DIR`, `PIP_CACHE_DIR` or
    `PIP_CONFIG_FILE` is set (ENV, ARG or in the RUN), a pip config file is written or copied,
    the RUN mounts a cache over pip's cache folder, a later instruction names that folder, or
    the base image is a release whose pip is older than 6.0.
    With the cache policy "mount" it adds nothing to a RUN that `pip-cache-mount` (DO254) puts
    pip's cache on a cache mount.

    pip's cache folder is `$XDG_CACHE_HOME/pip`, else `$HOME/.cache/pip`: an `ENV HOME=/app`
    or `ENV XDG_CACHE_HOME=/cache` only moves it, so the fix still applies (and a later
    `COPY --from=build /cache/pip ...` that reads it keeps it).

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
    Left alone when the cache was placed on purpose (`PIP_CACHE_DIR`, a pip config file or
    `--cache-dir`) or is read later: a later step may need it.
    """

    code = "DO240"
    name = "pip-no-cache-dir"
    title = "pip install leaves its cache in the layer"
    severity = Severity.INFO
    aliases = ("DL3042",)
    order = 250
    needs = ('pip',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            if mounting(ctx) and pip_plan(doc, instruction, view) is not None:
                continue  # cache policy "mount": the mount pass keeps this cache out of the image
            text = text_of(doc, instruction)
            if _SETTING_RE.search(text) or _CONFIG_RE.search(text):
                continue
            calls = [
                (call, index)
                for call, index in pip_installs(view)
                if not call.has_prefix("--no-cache-dir", "--cache-dir") and not _abbreviates_no_cache_dir(call)
                and not any(_SETTING_RE.match(assignment) for assignment in call.assignments)
            ]
            if not calls:
                continue
            values = _settings(doc, instruction)
            if values is None:
                continue  # an earlier instruction decides about the cache, or pip is too old
            cache = _cache_folder(values, text)
            if any("pip" in target or target.endswith("/.cache") for target in mount_targets(instruction)):
                continue
            if cache is not None and mounted_over(instruction, cache):
                continue
            if _read_later(doc, instruction, cache):
                continue
            found = [add_option_after(view, call.words[index], "--no-cache-dir") for call, index in calls]
            changes = [change for change in found if change is not None]
            if changes:
                yield self.fix("add `--no-cache-dir` so pip leaves no cache in the layer", instruction, line_edits(doc, changes))


def _settings(doc: Document, instruction: Instruction) -> dict[str, str | None] | None:
    """ENV/ARG values before this RUN (for HOME and XDG_CACHE_HOME); None when an earlier
    instruction decides about pip's cache itself or the base image's pip is too old."""
    for item in earlier_instructions(doc, instruction):
        if item.cmd == "FROM" and _OLD_PIP_BASE_RE.search(item.original):
            return None
        if item.cmd in ("ENV", "ARG") and _SETTING_RE.search(item.original.replace(" ", "=")):
            return None
        if item.cmd in ("RUN", "COPY", "ADD") and (_CONFIG_RE.search(item.original) or _SETTING_RE.search(item.original)):
            return None
    return dict(doc.image.scope(instruction).variables)


def _cache_folder(values: dict[str, str | None], text: str) -> str | None:
    """pip's default cache folder for this RUN, when it is known."""
    values = dict(values)
    for name, value in _HOME_RE.findall(text):  # `HOME=/tmp pip install ...`, `export HOME=...`
        values[name] = value if "$" not in value else None
    if "XDG_CACHE_HOME" in values:
        base = values["XDG_CACHE_HOME"]
        return posixpath.join(base, "pip") if base else None
    home = values.get("HOME", "/root")  # a RUN's HOME is root's unless set (USER may change it)
    return posixpath.join(home, ".cache", "pip") if home else None


def _read_later(doc: Document, instruction: Instruction, cache: str | None) -> bool:
    """Does a later instruction name pip's cache folder (or anything in it), other than to remove it?"""
    names = [".cache/pip"] + ([cache] if cache else [])
    later = list(later_instructions(doc, instruction))
    later += [  # COPY --from=<this stage> in any later stage
        other for other in doc.instructions
        if other.index > instruction.index and other.cmd in ("COPY", "ADD") and other.flag("from") is not None
    ]
    for item in later:
        if not any(name in item.original for name in names):
            continue
        view = doc.shell(item) if "RUN" in (item.cmd, item.sub_cmd) else None
        if view is None or any(
            command.name != "rm" and any(arg is None or any(name in arg for name in names) for arg in command.args)
            for command in view.commands
        ):
            return True
    return False


def _abbreviates_no_cache_dir(call: Invocation) -> bool:
    """pip (optparse) takes an unambiguous prefix of a long option: `--no-cache` is `--no-cache-dir`."""
    return any(
        word.value is not None and len(word.value.split("=")[0]) >= len("--no-cache")
        and "--no-cache-dir".startswith(word.value.split("=")[0])
        for word in call.words
    )
