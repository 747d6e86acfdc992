"""DO311 pip-install-missing-r."""

from __future__ import annotations

import posixpath
import re

from dockopt.edits import Edit
from dockopt.image import join
from dockopt.manifests import PIP_VALUE_OPTIONS
from dockopt.transform import Safety, Severity, Transform


class PipInstallMissingR(Transform):
    """`pip install requirements.txt` is missing `-r`.

    ## What it does
    Finds `pip install` (also `pip3`, `python -m pip`, `uv pip install`) given a requirements file
    as a package: an argument that ends in `.txt`, or that names a `requirements*` file in the build
    context. The fix adds `-r` in front of it.

    ## Why
    Without `-r`, pip reads the argument as a package or a path to install, and the build fails
    ("It looks like a path. ... appears to be a requirements file ... use the '-r' flag"). With `-r`
    it installs the packages the file lists, which is what was meant.

    ## Example
    ```dockerfile
    RUN pip install /setup/requirements.txt
    ```
    becomes
    ```dockerfile
    RUN pip install -r /setup/requirements.txt
    ```

    ## Fix safety
    Unsafe: the fixed build installs packages that the original never installed (it failed at this
    step), so the image that comes out is new; review the requirements file before applying.
    """

    code = "DO311"
    name = "pip-install-missing-r"
    title = "`pip install file.txt` is missing `-r`"
    safety = Safety.UNSAFE
    severity = Severity.ERROR
    order = 400

    def check(self, doc, ctx):
        cwds = doc.image.workdirs
        for instruction in doc.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            if view is None or view.has_error:
                continue
            for command in view.commands:
                for node, value in _requirement_args(view, command):
                    if not _is_requirements_file(value, cwds.get(instruction.index, "/"), ctx.build):
                        continue
                    line, col = view.position(node)
                    text = doc.lines[line]
                    edit = Edit.replace(line, line, text[:col] + "-r " + text[col:].rstrip("\r\n") + "\n")
                    yield self.fix(
                        f"`pip install {value}` reads {value} as a package to install, which fails: "
                        f"use `-r {value}` (unsafe: the build then installs what the file lists)",
                        instruction,
                        [edit],
                    )


def _requirement_args(view, command):
    """(node, value) of each argument pip reads as a package to install."""
    name = posixpath.basename(command.name or "")
    arguments = [(child, view.word(child)) for index, child in enumerate(command.node.children)
                 if command.node.field_name_for_child(index) == "argument"]
    values = [value for _, value in arguments]
    if re.fullmatch(r"python(\d(\.\d+)?)?", name) and values[:2] == ["-m", "pip"]:
        arguments = arguments[2:]
    elif name == "uv" and values[:1] == ["pip"]:
        arguments = arguments[1:]
    elif not re.fullmatch(r"pip(\d(\.\d+)?)?", name):
        return
    if [value for _, value in arguments][:1] != ["install"]:
        return
    skip = False
    for node, value in arguments[1:]:
        if skip:
            skip = False
            continue
        if value is None:
            continue
        if value in PIP_VALUE_OPTIONS:
            skip = True
            continue
        if not value.startswith("-"):
            yield node, value


def _is_requirements_file(value: str, cwd: str, build) -> bool:
    if "://" in value or value.startswith(("git+", "file:")):
        return False
    if value.lower().endswith(".txt"):
        return True
    if build is None or not posixpath.basename(value).startswith("requirements"):
        return False
    relative = join(cwd, value).lstrip("/") if not value.startswith("/") else None
    return relative is not None and build.exists(relative)
