"""DO272 copy-sources-folder-destination."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from dockopt.base_images import family
from dockopt.document import Document, Instruction, line_body
from dockopt.edits import Edit
from dockopt.image import clean_source, is_glob
from dockopt.results import Fix
from dockopt.text import unquote
from dockopt.transform import Context, Safety, Transform

# Folders every Debian, Red Hat and Alpine image has: a copy into one of them lands inside.
_SYSTEM_FOLDERS = frozenset(
    "/bin /boot /dev /etc /home /lib /media /mnt /opt /proc /root /run /sbin /srv /sys /tmp /usr /usr/bin "
    "/usr/lib /usr/local /usr/local/bin /usr/local/lib /usr/local/sbin /usr/local/share /usr/sbin /usr/share "
    "/var /var/lib /var/log /var/tmp /etc/ssl /usr/share/doc".split()
)
_OS_FAMILIES = ("debian", "rhel", "alpine")


class CopySourcesFolderDestination(Transform):
    """End a COPY destination with `/` when the COPY names several sources.

    ## What it does
    When a `COPY` or `ADD` names more than one source (or one wildcard that matches several
    files of the build context) and its destination does not end with `/`, adds the `/`.

    ## Why
    Docker's classic builder rejects such a COPY ("When using COPY with more than one source
    file, the destination must be a directory and end with a /"). BuildKit accepts it and reads
    the destination as a *file* unless a folder of that name already exists: each source then
    replaces the previous one and only the last file is left, under the folder's name (hadolint
    DL3021). With the `/` the destination is a folder under both builders.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json /app
    ```
    becomes
    ```dockerfile
    COPY package.json package-lock.json /app/
    ```

    ## Fix safety
    Safe where the destination is already a folder for BuildKit, so the files land inside it
    either way: `.` (the WORKDIR); a WORKDIR or an earlier copy into that folder or below it; a standard system folder (`/usr/local/bin`, `/etc`, ...) of a Debian, Red Hat or
    Alpine base; or sources that are all folders of the build context (their contents land in
    the destination either way). Proven with real builds on the fixtures. Elsewhere it is
    unsafe: the files now land inside the folder, where before the last one became a file of
    that name.
    """

    code = "DO272"
    name = "copy-sources-folder-destination"
    title = "COPY with several sources to a destination without a trailing /"
    aliases = ("DL3021",)
    order = 272
    needs = ("copy", "add")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        root = ctx.build.root if ctx.build is not None and ctx.build.root.is_dir() else None
        for instruction in doc.instructions:
            if instruction.cmd not in ("COPY", "ADD") or instruction.heredocs or len(instruction.args) < 2:
                continue
            sources, destination = instruction.args[:-1], instruction.args[-1]
            if unquote(destination).endswith(("/", "\\")) or not unquote(destination):
                continue
            copy = doc.image.copy_of(instruction)
            from_context = copy is not None and copy.from_context
            if len(sources) == 1 and not (from_context and root is not None and _matches_several(root, sources[0])):
                continue
            if any(re.match(r"^[a-z]+://", source) for source in sources):
                continue  # ADD of a URL: the destination rules differ
            edits = _append_slash(doc, instruction, destination)
            if edits is None:
                continue
            if _is_folder(doc, instruction, unquote(destination)):
                yield self.fix(f"end `{destination}` with `/`: it is a folder already, so the files land inside it either way",
                               instruction, edits)
            elif from_context and root is not None and _all_folders(root, sources):
                yield self.fix(f"end `{destination}` with `/`: the sources are folders, whose contents land inside it either way",
                               instruction, edits)
            else:
                yield self.fix(
                    f"end `{destination}` with `/` so the files land inside the folder "
                    f"(unsafe: BuildKit made `{destination}` a file holding the last source)",
                    instruction,
                    edits,
                    Safety.UNSAFE,
                )


def _matches_several(root: Path, source: str) -> bool:
    clean = clean_source(source)
    if not is_glob(clean):
        return False
    return len(list(root.glob(clean))) > 1


def _all_folders(root: Path, sources: Iterable[str]) -> bool:
    for source in sources:
        clean = clean_source(source)
        if is_glob(clean) or "$" in clean:
            return False
        path = root / clean
        if not path.is_dir():
            return False
    return True


def _is_folder(doc: Document, instruction: Instruction, destination: str) -> bool:
    """Is the destination a folder in the image when this COPY runs?"""
    if destination == ".":
        return True  # the WORKDIR, which exists (`x/.` does not make x a folder: BuildKit copies to the file x)
    scope = doc.image.scope(instruction)
    path = scope.known_path(destination)
    if path is None:
        return False
    path = posixpath.normpath(path)
    if path == "/":
        return True
    stage = doc.stage_of(instruction)
    if stage is None:
        return False
    folders = set()
    for item in doc.image.chain(stage):
        for other in item.instructions:
            if other.index >= instruction.index:
                break
            if other.cmd == "WORKDIR":
                workdir = doc.image.scope_after(other).workdir
                if "$" not in workdir:
                    folders.update(_with_parents(workdir))
    for copy in doc.image.copies(stage):
        if copy.instruction.index >= instruction.index or "$" in copy.dest:
            continue
        folders.update(_with_parents(copy.dest_folder if copy.into_folder else posixpath.dirname(copy.dest_folder)))
    if path in folders:
        return True
    return path in _SYSTEM_FOLDERS and family(doc.image.stage(stage).base_image) in _OS_FAMILIES


def _with_parents(path: str) -> set[str]:
    found = set()
    path = posixpath.normpath(path)
    while path not in ("/", "", "."):
        found.add(path)
        path = posixpath.dirname(path)
    return found


def _append_slash(doc: Document, instruction: Instruction, destination: str) -> list[Edit] | None:
    """An edit that puts `/` right after the destination, which ends the instruction's text
    (inside the closing quote in JSON form)."""
    logical = doc.logical(instruction)
    text = logical.text.rstrip(" \t")
    if instruction.json:
        match = re.search(r'"\s*\]$', text)
        if match is None or not text[: match.start()].endswith(destination):
            return None
        end = match.start()
    else:
        if not text.endswith(destination):
            return None
        end = len(text)
        if len(destination) > 1 and destination[0] == destination[-1] and destination[0] in "\"'":
            end -= 1  # inside the quotes
    line, column = logical.position(end - 1)
    body = line_body(doc.lines[line])
    if body[column] != text[end - 1]:
        return None
    return [Edit.replace(line, line, body[: column + 1] + "/" + body[column + 1 :] + "\n")]
