"""DO111 dead-cmd-entrypoint-healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.text import line_body
from dockopt.transform import Context, Safety, Severity, Transform

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class MultipleInstructionsDisallowed(Transform):
    """Remove a CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage replaces.

    ## What it does
    When a stage sets CMD (or ENTRYPOINT, or HEALTHCHECK) more than once, every one but the last
    is deleted. Comment lines inside a deleted instruction stay where they were; the comments
    above it are kept too (they may describe more than the dead line). ONBUILD triggers are not
    touched: they run in another build.

    ## Why
    BuildKit warns about it (`MultipleInstructionsDisallowed`): only the last one takes effect,
    so the earlier ones only mislead the reader about how the container starts.

    ## Example
    ```dockerfile
    CMD ["python", "app.py"]
    EXPOSE 8000
    CMD ["gunicorn", "app:app"]
    ```
    becomes
    ```dockerfile
    EXPOSE 8000
    CMD ["gunicorn", "app:app"]
    ```

    ## Fix safety
    Safe: the image config holds only the last value of each. An ENTRYPOINT resets the CMD the
    base image set, but not one set earlier in the same stage, and that holds with or without
    an earlier ENTRYPOINT, so deleting the dead one leaves CMD as it was.
    """

    code = "DO111"
    name = "dead-cmd-entrypoint-healthcheck"
    title = "only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect"
    safety = Safety.SAFE
    severity = Severity.WARNING
    aliases = ("MultipleInstructionsDisallowed", "DL4003", "DL4004", "buildkit/MultipleInstructionsDisallowed")
    order = 90
    needs = ("cmd", "entrypoint", "healthcheck")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for stage in doc.stages:
            for cmd in _ONCE:
                found = [item for item in stage.instructions if item.cmd == cmd]
                for item in found[:-1]:
                    text = "".join(doc.comment_lines(item))
                    stop = item.end
                    # Do not leave two blank lines where the instruction stood alone between them.
                    before = doc.lines[item.start - 1] if item.start > 0 else ""
                    if stop + 1 < len(doc.lines) and not line_body(doc.lines[stop + 1]).strip() and not line_body(before).strip():
                        stop += 1
                    yield self.fix(f"remove the {cmd} on line {item.line}: the one on line {found[-1].line} replaces it", item,
                                   [Edit.replace(item.start, stop, text)],
                                   problem=f"{cmd} is set again on line {found[-1].line}: this one has no effect")
