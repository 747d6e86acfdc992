"""DO103 exec-form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from dockopt.commands import exec_words
from dockopt.document import Document, Instruction
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

_KEYWORD = re.compile(r"\S+[ \t]+")


class ExecForm(Transform):
    """Write CMD and ENTRYPOINT in exec (JSON) form when the shell adds nothing.

    ## What it does
    Rewrites a shell-form `CMD` or `ENTRYPOINT` (also under `ONBUILD`) whose text is one plain
    command, with no variable, glob, `~`, redirection, operator, backslash or other shell
    feature, into exec form: `CMD python app.py` becomes `CMD ["python", "app.py"]`. Quotes are
    resolved as the shell would. Comment lines inside a continued instruction move above it.
    Nothing is rewritten in a file that sets `SHELL` or builds on a Windows base image, where
    the shell form does not mean `/bin/sh -c`.

    ## Why
    In shell form Docker runs `/bin/sh -c "<text>"`: the shell is PID 1 and does not pass
    `SIGTERM` on, so `docker stop` waits its timeout and then kills the process without a
    clean shutdown. BuildKit warns about it (`JSONArgsRecommended`).

    ## Example
    ```dockerfile
    CMD gunicorn --bind 0.0.0.0:8000 app:app
    ```
    becomes
    ```dockerfile
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix safety
    Unsafe: the program becomes PID 1 and receives signals itself, so how it stops changes.
    The image config changes too. An exec-form ENTRYPOINT also receives CMD as arguments (a
    shell-form one ignored CMD), and an exec-form ENTRYPOINT receives an exec-form CMD without
    `/bin/sh -c` in front; the fix's message says when that applies.
    """

    code = "DO103"
    name = "exec-form"
    title = "Use exec form for CMD and ENTRYPOINT"
    safety = Safety.UNSAFE
    severity = Severity.WARNING
    aliases = ("DL3025", "JSONArgsRecommended")
    order = 120
    needs = ('cmd', 'entrypoint')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if any("SHELL" in (i.cmd, i.sub_cmd) for i in doc.instructions):
            return  # a custom shell (often Windows cmd or powershell): shell form is not sh -c
        if any(doc.image.stage(stage).windows for stage in doc.stages):
            return
        for instruction in doc.instructions:
            kind = instruction.sub_cmd if instruction.cmd == "ONBUILD" else instruction.cmd
            if kind not in ("CMD", "ENTRYPOINT") or not instruction.shell_form or instruction.flags:
                continue
            if len(instruction.args) != 1:
                continue
            logical = doc.logical(instruction)
            prefix = _prefix(logical.text, instruction.cmd == "ONBUILD")
            if prefix is None or logical.text[len(prefix) :].lstrip().startswith("["):
                continue
            words = exec_words(instruction.args[0])
            if words is None:
                continue
            text = "".join(doc.comment_lines(instruction))
            text += f"{doc.indent(instruction.start)}{prefix}{json.dumps(words, ensure_ascii=False)}\n"
            yield self.fix(
                f"shell-form {kind} runs under /bin/sh -c, which does not pass on signals: use exec form"
                f" (unsafe: the program becomes PID 1{_also(doc, instruction, kind)})",
                instruction,
                [Edit.replace(instruction.start, instruction.end, text)],
            )


def _prefix(text: str, onbuild: bool) -> str | None:
    """The keyword (`ONBUILD CMD `...) as written, followed by one space."""
    match = _KEYWORD.match(text)
    if match and onbuild:
        match = _KEYWORD.match(text, match.end())
    if not match:
        return None
    prefix = text[: match.end()]
    return prefix if len(prefix) - len(prefix.rstrip()) == 1 else " ".join(prefix.split()) + " "


def _also(doc: Document, instruction: Instruction, kind: str) -> str:
    """What else changes: how ENTRYPOINT and CMD of the same stage combine."""
    stage = doc.stage_of(instruction)
    if stage is None or instruction.cmd == "ONBUILD":
        return ""
    # A CMD set anywhere in the stage survives the ENTRYPOINT (only an inherited one is reset).
    if kind == "ENTRYPOINT" and any(i.cmd == "CMD" for i in stage.instructions):
        return "; the stage's CMD is now passed to it as arguments"
    if kind == "CMD":
        entrypoints = [i for i in stage.instructions if i.cmd == "ENTRYPOINT"]
        if entrypoints and entrypoints[-1].json:
            return "; ENTRYPOINT now receives these words instead of /bin/sh -c and the text"
    return ""
