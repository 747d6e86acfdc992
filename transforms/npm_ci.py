"""DO246 npm-ci."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dockopt.document import Document, Instruction
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.package_managers import earlier_instructions, invocations, line_edits, subcommand, word_span

_LOCK_FILES = ("package-lock.json", "npm-shrinkwrap.json")


class NpmCi(Transform):
    """Use `npm ci` instead of `npm install` when the build context has a lock file.

    ## What it does
    Rewrites a bare `npm install` (options only, no package names, not `-g`) as `npm ci` when
    the build context holds `package-lock.json` (or `npm-shrinkwrap.json`) and an earlier COPY or
    ADD of the stage brings it into the image. Without a known build context it does nothing.

    ## Why
    `npm install` may resolve newer versions than the lock file names and rewrites the lock file;
    `npm ci` installs exactly what is locked, from a clean `node_modules`, and is faster.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm install
    ```
    becomes
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm ci
    ```

    ## Fix safety
    Unsafe: `npm ci` fails when the lock file does not match package.json, deletes an existing
    `node_modules`, and may install other versions than `npm install` did.
    """

    code = "DO246"
    name = "npm-ci"
    title = "npm install ignores the lock file"
    safety = Safety.UNSAFE
    severity = Severity.WARNING
    order = 265
    needs = ('npm',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if ctx.build is None or not any(ctx.build.exists(name) for name in _LOCK_FILES):
            return
        for instruction, view in doc.shell_views():
            if not _lock_file_copied(doc, instruction):
                continue
            changes = []
            for call in invocations(view, ("npm",)):
                sub = subcommand(call)
                if sub is None or sub[1] not in ("install", "i"):
                    continue
                rest = [w.value for w in call.words[sub[0] + 1 :]]
                if any(value is None or not value.startswith("-") or value in ("-g", "--global") for value in rest):
                    continue
                span = word_span(view, call.words[sub[0]])
                if span is not None:
                    changes.append((span[0], span[1], span[2], "ci"))
            if changes:
                yield self.fix(
                    "use `npm ci` to install exactly the lock file (unsafe: it fails when the lock file is out of date)",
                    instruction,
                    line_edits(doc, changes),
                )


def _lock_file_copied(doc: Document, instruction: Instruction) -> bool:
    for item in earlier_instructions(doc, instruction):
        if item.cmd not in ("COPY", "ADD") or item.flag("from") is not None:
            continue
        sources = list(item.args[:-1])
        for source in sources:
            name = posixpath.basename(source.rstrip("/")) or source
            if source in (".", "./") or name in _LOCK_FILES or name in ("package*.json", "*.json", "*"):
                return True
    return False
