"""DO311 pip-install-missing-r."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dockopt.context import BuildContext
from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.image import join
from dockopt.package_managers import pip_install_calls
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform


class PipInstallMissingR(Transform):
    """`pip install requirements.txt` is missing `-r`.

    ## What it does
    Finds `pip install` (also `pip3`, `python -m pip`, `uv pip install`) given a requirements file
    as a package: an argument that ends in `.txt`, or that names a `requirements*` file in the build
    context. The fix adds `-r` in front of it. The words are read as pip (and uv) read them:
    `--option value`, `--option=value`, `-rfile`, clusters such as `-Ur file`, pip's
    abbreviations (`--requirem`) and uv's spellings (`--requirements`, `--constraints`); a word
    right after an option dockopt does not know is left alone, since it may be that option's value.

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
    needs = ('pip',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        cwds = doc.image.workdirs
        for instruction, view in doc.shell_views():
            for install in pip_install_calls(view, top_level=False):
                for word, argument in install.requirements():
                    value = word.value
                    if value is None or argument.maybe_value:
                        continue  # it expands, or may be the value of an option pip does not know
                    if not _is_requirements_file(value, cwds.get(instruction.index, "/"), ctx.build):
                        continue
                    line, col = view.position(word.node)
                    text = doc.lines[line]
                    edit = Edit.replace(line, line, text[:col] + "-r " + text[col:].rstrip("\r\n") + "\n")
                    yield self.fix(
                        f"`pip install {value}` reads {value} as a package to install, which fails: "
                        f"use `-r {value}` (unsafe: the build then installs what the file lists)",
                        instruction,
                        [edit],
                    )


def _is_requirements_file(value: str, cwd: str, build: BuildContext | None) -> bool:
    if "://" in value or value.startswith(("git+", "file:")):
        return False
    if value.lower().endswith(".txt"):
        return True
    if build is None or not posixpath.basename(value).startswith("requirements"):
        return False
    relative = join(cwd, value).lstrip("/") if not value.startswith("/") else None
    return relative is not None and build.exists(relative)
