"""DO312 volume-over-code."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator

from dockopt.context import BuildContext
from dockopt.document import Document, Instruction
from dockopt.image import is_under, join
from dockopt.manifests import GLOB_CHARS, source_copy
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

_CODE_FOLDERS = {"src", "app", "code", "lib", "source", "server", "api", "web"}
_CODE_SUFFIXES = (".py", ".js", ".mjs", ".ts", ".rb", ".php", ".go", ".java", ".jar", ".sh", ".pl", ".war")


class VolumeOverCode(Transform):
    """`VOLUME` over the folder the application code was copied into.

    ## What it does
    Finds a VOLUME whose path is a folder the stage copied application code into (`COPY . /code`
    with `VOLUME /code`), or a folder above it. It reports it; it does not rewrite it.

    ## Why
    A volume mounted at that path hides the code in the image. A named volume is filled from the
    image only the first time it is used, so after an update the container keeps running the old
    code. Volumes are for data the container writes, not for the application.

    ## Example
    ```dockerfile
    COPY . /code
    VOLUME /code
    ```
    should declare a data folder instead, e.g. `VOLUME /code/data`, or no volume at all.

    ## Fix safety
    No automatic fix: removing a VOLUME changes how existing deployments store data.
    """

    code = "DO312"
    name = "volume-over-code"
    title = "VOLUME over the application code"
    safety = Safety.DISPLAY
    severity = Severity.WARNING
    order = 400
    needs = ('volume',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        cwds = doc.image.workdirs
        for stage in doc.stages:
            code_folders: list[tuple[str, Instruction]] = []
            for instruction in stage.instructions:
                cwd = cwds[instruction.index]
                if instruction.cmd in ("COPY", "ADD") and not instruction.heredocs:
                    folder = _code_folder(instruction, doc.literal_args(instruction), cwd, ctx.build)
                    if folder is not None:
                        code_folders.append((folder, instruction))
            for instruction in stage.instructions:
                if instruction.cmd != "VOLUME":
                    continue
                for path in _volume_paths(instruction):
                    volume = join(cwds[instruction.index], path)
                    if volume == "/" or "$" in volume:
                        continue
                    for folder, copy in code_folders:
                        if is_under(folder, volume):
                            yield self.fix(
                                f"`VOLUME {path}` covers the code copied to {folder} (line {copy.line}): a volume "
                                "there hides the image's code, and a named volume keeps old code after an update",
                                instruction,
                            )
                            break


def _code_folder(instruction: Instruction, args: tuple[str, ...], cwd: str, build: BuildContext | None) -> str | None:
    """The folder a COPY/ADD (its arguments as BuildKit reads them) puts application code into, or
    None if it copies no code.

    Code is the whole context (`COPY . /app`), a folder that holds source files (read from the
    context when known, else guessed from its name), or source files themselves. A folder of data
    copied into a VOLUME is a legitimate way to seed it, so it is not code.
    """
    if len(args) < 2 or "$" in args[-1]:
        return None
    *sources, dest = args
    dest_path = join(cwd, dest)
    copy = source_copy(args, cwd, build) if instruction.flag("from") is None else None
    if copy is not None and any(_holds_code(source, build) for source in copy.sources):
        return copy.dest
    if any(source.endswith(_CODE_SUFFIXES) for source in sources):
        into_folder = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
        return dest_path if into_folder else posixpath.dirname(dest_path)
    return None


def _holds_code(source: str, build: BuildContext | None) -> bool:
    folder = source.rstrip("/")
    if GLOB_CHARS.search(folder):
        folder = posixpath.dirname(folder)
    if not folder:
        return True  # the whole build context
    if build is None:
        return posixpath.basename(folder) in _CODE_FOLDERS
    return any(path.endswith(_CODE_SUFFIXES) for path in build.files(folder + "/**/*"))


def _volume_paths(instruction: Instruction) -> list[str]:
    if instruction.json:
        return list(instruction.args)
    text = " ".join(instruction.args).strip()
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text)]
        except ValueError:
            pass
    return text.split()
