"""What a folder held before an instruction: the part of the image model that ownership fixes need.

A `chown -R` changes every file under its folder, those a COPY just put there and those that were
there before. Whether "before" was empty can be known from the Dockerfile alone only in one case:
the folder was made by a WORKDIR of the same stage, nothing wrote into it since, it is not one of
the system folders an image ships (`/usr`, `/var`, `/home`...), and the stage is built on an
official library image (`python:3.12`, `node:20`...), which ships no folder outside those.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from dockopt.manifests import is_under, join, workdirs
from dockopt.package_managers import expand_variables, variables_before

if TYPE_CHECKING:
    from dockopt.document import Document, Instruction

# Top-level folders of the filesystem hierarchy standard: images ship content there.
SYSTEM_FOLDERS = frozenset(
    "bin boot dev etc home lib lib32 lib64 libx32 media mnt opt proc root run sbin srv sys tmp usr var nix".split()
)
_OFFICIAL_IMAGE = re.compile(r"^(?:docker\.io/)?(?:library/)?[a-z0-9][a-z0-9._-]*(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$")


def empty_before(doc: Document, instruction: Instruction, folder: str) -> str | None:
    """Why `folder` may hold files before `instruction` runs; None when it is known to be empty."""
    folder = posixpath.normpath(folder)
    parts = folder.strip("/").split("/")
    if "$" in folder or not parts[0]:
        return f"{folder} is not a fixed path"
    stage = doc.stage_of(instruction)
    if stage is None:
        return f"{folder} is outside any stage"
    cwds = workdirs(doc)
    made = None
    for item in stage.instructions:
        if item.index >= instruction.index:
            break
        cwd = cwds[item.index]
        if item.cmd == "WORKDIR" and _resolved(doc, item, cwd, item.args[0] if item.args else "") == folder:
            made = made or item
        elif item.cmd in ("COPY", "ADD") and _writes_into(doc, item, cwd, folder):
            return f"line {item.line} copies into {folder} before"
        elif item.cmd == "RUN" and (made is not None or _names(doc, item, folder)):
            return f"line {item.line} may write into {folder} before"
    if parts[0] in SYSTEM_FOLDERS:
        return f"{folder} is a system folder, which the base image may fill"
    if not _OFFICIAL_IMAGE.match(stage.base) or any(s.name and s.name.lower() == stage.base.lower() for s in doc.stages):
        return f"the base image `{stage.base}` may ship {folder}"
    if made is None:
        return f"no WORKDIR of the stage makes {folder} before"
    return None


def _resolved(doc: Document, item: Instruction, cwd: str, path: str) -> str | None:
    """`path` joined to `cwd`, `$VAR`s replaced by their ENV/ARG values (None: not known)."""
    if "$" in path or "$" in cwd:
        values = variables_before(doc, item)
        path, cwd = expand_variables(path, values), expand_variables(cwd, values)
        if path is None or cwd is None:
            return None
    return join(cwd, path)


def _names(doc: Document, item: Instruction, folder: str) -> bool:
    """Does the instruction's text name the folder, directly or through a variable holding it?"""
    if folder in item.original:
        return True
    values = variables_before(doc, item)
    return any(value == folder and re.search(rf"\$\{{?{name}\b", item.original) for name, value in values.items())


def _writes_into(doc: Document, item: Instruction, cwd: str, folder: str) -> bool:
    dest = _resolved(doc, item, cwd, item.args[-1]) if item.args else None
    return dest is None or is_under(dest, folder)
