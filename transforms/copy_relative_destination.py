"""DO140 copy-relative-destination."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from dockopt.base_images import split_reference
from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Transform

# The WORKDIR official images start in: none of these sets one (so "/"), except golang. An image
# not listed here may set any WORKDIR, which dockopt cannot see.
KNOWN_WORKDIRS = {
    "scratch": "/",
    "debian": "/",
    "ubuntu": "/",
    "alpine": "/",
    "busybox": "/",
    "buildpack-deps": "/",
    "python": "/",
    "node": "/",
    "ruby": "/",
    "golang": "/go",
}
_WINDOWS_TAG = re.compile(r"windows|servercore|nanoserver|ltsc", re.IGNORECASE)
# Registries that serve Docker Hub's official images under the same names.
_HUB_MIRRORS = ("mirror.gcr.io/library/", "mirror.gcr.io/")


class CopyRelativeDestination(Transform):
    """Write a relative COPY destination as the absolute path it resolves to.

    ## What it does
    When a `COPY` or `ADD` copies to a relative destination (`.`, `./src`, `app/`) and no
    `WORKDIR` is set before it (in its stage or the stages it is built FROM), rewrites the
    destination to the absolute path it resolves to today: `/` joined with it for `scratch`,
    Debian, Ubuntu, Alpine, BusyBox, and the official python, node, ruby and buildpack-deps
    images (none of them sets a WORKDIR; also pulled through mirror.gcr.io), `/go` joined with it
    for golang. On another base image
    the WORKDIR comes from the image, which dockopt cannot see: the line is reported, not changed.

    ## Why
    A relative destination resolves against the WORKDIR in effect. Without a WORKDIR in the
    Dockerfile that is whatever the base image chose, so the files land somewhere no reader of
    the Dockerfile can tell, and they move when the base image or an earlier stage changes
    (hadolint DL3045).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    ```
    becomes
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt /
    ```

    ## Fix safety
    Safe: the destination is the path BuildKit resolved the relative one to (a `.` or a trailing
    `/` stays a folder), so every file lands where it did, and the image config is unchanged.
    """

    code = "DO140"
    name = "copy-relative-destination"
    title = "COPY to a relative destination without a WORKDIR"
    aliases = ("DL3045",)
    order = 140
    needs = ('copy', 'add')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if instruction.cmd not in ("COPY", "ADD") or not instruction.shell_form or len(instruction.args) < 2:
                continue
            destination = instruction.args[-1]
            if destination.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", destination) or "$" in destination:
                continue
            if ".." in destination.split("/"):
                continue  # BuildKit's reading of `..` as a folder or a file is not worth guessing
            if doc.image.last_before(instruction, "WORKDIR") is not None:
                continue
            stage = doc.stage_of(instruction)
            if stage is None:
                continue
            base = doc.image.stage(stage).base_image
            workdir = _known_workdir(base)
            if workdir is None:
                if "$" not in base:
                    yield self.fix(
                        f"`{destination}` is relative to the WORKDIR of {base}, which dockopt cannot see: "
                        "set WORKDIR or write the destination absolute",
                        instruction,
                    )
                continue
            absolute = _resolve(workdir, destination)
            edits = _replace_destination(doc, instruction, destination, absolute)
            if edits:
                yield self.fix(f"relative destination `{destination}` with no WORKDIR set: it resolves to `{absolute}`, write it so", instruction, edits)


def _known_workdir(base: str) -> str | None:
    repository, tag = split_reference(base)
    if "$" in base or _WINDOWS_TAG.search(tag):
        return None
    for mirror in _HUB_MIRRORS:
        if repository.startswith(mirror):
            repository = repository[len(mirror) :]
            break
    return KNOWN_WORKDIRS.get(repository)


def _resolve(workdir: str, destination: str) -> str:
    """The destination made absolute, its folder marks kept: `.` and a trailing `/` make it a
    folder. A trailing `/.` stays as written: BuildKit releases read it differently (Docker
    20.10's made `COPY a ./z/.` a file `/z`), and `/app/z/.` reads as `./z/.` does in each."""
    folder = destination.endswith("/") or destination == "."
    absolute = posixpath.normpath(posixpath.join(workdir, destination))
    if absolute.startswith("//"):
        absolute = absolute[1:]
    if destination.endswith("/.") and destination != "/.":
        return absolute.rstrip("/") + "/."
    if folder and not absolute.endswith("/"):
        absolute += "/"
    return absolute


def _replace_destination(doc: Document, instruction: Instruction, destination: str, absolute: str) -> list[Edit] | None:
    """An edit that swaps the destination word, which ends the instruction's logical text."""
    logical = doc.logical(instruction)
    text = logical.text.rstrip(" \t")
    if not text.endswith(destination) or (len(text) > len(destination) and text[-len(destination) - 1] not in " \t"):
        return None
    start = len(text) - len(destination)
    line, column = logical.position(start)
    end_line, end_column = logical.position(len(text) - 1)
    if line != end_line:
        return None
    body = line_body(doc.lines[line])
    if body[column : end_column + 1] != destination:
        return None
    return [Edit.replace(line, line, body[:column] + absolute + body[end_column + 1 :] + "\n")]
