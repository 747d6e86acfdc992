"""DO103 exec-form."""

from __future__ import annotations

import json
import re

from dockopt.edits import Edit
from dockopt.shell import SHELL_STATE_BUILTINS, parse_script
from dockopt.transform import Safety, Transform

# Names the shell runs itself, with no program of that name to exec.
SHELL_ONLY = SHELL_STATE_BUILTINS | frozenset(
    ": eval wait read shift getopts command builtin type let time times jobs fg bg disown "
    "break continue logout mapfile readarray caller compgen complete help history suspend".split()
)
# Unquoted characters the shell gives no meaning to (no globs, `~`, braces, escapes, `$`...).
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=@%+,-]+")
_QUOTED_SPECIALS = frozenset('$`\\"')  # inside double quotes these still do something
_WINDOWS_BASE = re.compile(r"windows|nanoserver|servercore", re.IGNORECASE)
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
    aliases = ("DL3025", "JSONArgsRecommended")
    order = 120

    def check(self, doc, ctx):
        if any("SHELL" in (i.cmd, i.sub_cmd) for i in doc.instructions):
            return  # a custom shell (often Windows cmd or powershell): shell form is not sh -c
        if any(_WINDOWS_BASE.search(stage.base) for stage in doc.stages):
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


def exec_words(script: str) -> list[str] | None:
    """The argv `sh -c script` would run, when the script is one command with no shell feature."""
    if not script.strip() or "\n" in script:
        return None
    root = parse_script(script).root_node
    if root.has_error or len(root.children) != 1 or root.children[0].type != "command":
        return None
    command = root.children[0]
    data = script.encode("utf-8")
    words = []
    for index, child in enumerate(command.children):
        field = command.field_name_for_child(index)
        node = child.children[0] if field == "name" and child.child_count == 1 else child
        if field not in ("name", "argument"):
            return None  # `FOO=1 cmd`, or anything else before or around the command
        word = _static_word(node, data)
        if word is None:
            return None
        words.append(word)
    if not words or words[0] in SHELL_ONLY or not words[0]:
        return None
    return words


def _static_word(node, data: bytes) -> str | None:
    text = data[node.start_byte : node.end_byte].decode("utf-8")
    if node.type in ("word", "number"):
        return text if _PLAIN_WORD.fullmatch(text) else None
    if node.type == "raw_string":
        return text[1:-1]
    if node.type == "string":
        body = text[1:-1]
        if any(child.type not in ('"', "string_content") for child in node.children):
            return None
        return None if _QUOTED_SPECIALS & set(body) else body
    if node.type == "concatenation":
        parts = [_static_word(child, data) for child in node.children]
        return None if any(part is None for part in parts) else "".join(parts)  # type: ignore[arg-type]
    return None


def _prefix(text: str, onbuild: bool) -> str | None:
    """The keyword (`ONBUILD CMD `...) as written, followed by one space."""
    match = _KEYWORD.match(text)
    if match and onbuild:
        match = _KEYWORD.match(text, match.end())
    if not match:
        return None
    prefix = text[: match.end()]
    return prefix if len(prefix) - len(prefix.rstrip()) == 1 else " ".join(prefix.split()) + " "


def _also(doc, instruction, kind: str) -> str:
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
