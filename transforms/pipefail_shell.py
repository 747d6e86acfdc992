"""DO273 pipefail-shell."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.base_images import family, split_reference
from dockopt.document import Document, Instruction
from dockopt.edits import Edit
from dockopt.image import DEFAULT_SHELL
from dockopt.package_managers import command_words
from dockopt.results import Fix
from dockopt.shell import ShellView, parse_script
from dockopt.transform import Context, Safety, Transform

_BASH = '["/bin/bash", "-o", "pipefail", "-c"]'
_ASH = '["/bin/ash", "-o", "pipefail", "-c"]'


class PipefailShell(Transform):
    """Make a pipe's failure fail the RUN: `SHELL` with `-o pipefail`.

    ## What it does
    Before the first `RUN` of a stage that has a pipe (`a | b`) and runs in the default
    `/bin/sh -c`, with no `set -o pipefail` of its own, inserts
    `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` when the stage's base image is known to have
    bash (Debian, Ubuntu and the Red Hat family, and the official images built on them: python,
    node, golang, ruby... without `-alpine`). On Alpine, whose `/bin/sh` is BusyBox `ash`, it
    inserts `SHELL ["/bin/ash", "-o", "pipefail", "-c"]`: the same shell, with the option.
    On other bases (BusyBox, distroless, unknown images) the RUN is reported with the reason.
    A `RUN <<EOF` heredoc script counts too (the SHELL runs it). Windows stages and files
    with a backtick `# escape=` are left alone.

    ## Why
    A shell returns the exit status of a pipe's last command: in
    `RUN wget -O- https://x | tar xz` a failed download still gives a successful RUN when tar
    exits 0 on an empty input, and the build goes on without the files (hadolint DL4006).
    With `pipefail` any failing command of the pipe fails the RUN.

    ## Example
    ```dockerfile
    FROM debian:bookworm
    RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg
    ```
    becomes
    ```dockerfile
    FROM debian:bookworm
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg
    ```

    ## Fix safety
    Unsafe: a pipe whose left side fails (a `grep` that finds nothing, a `yes | ...` killed by
    SIGPIPE) now fails the build, and on Debian-like bases every later RUN of the stage, of the
    stages built FROM it, and a shell-form CMD or ENTRYPOINT run in bash instead of dash, which
    reads some scripts differently (`echo 'a\\nb'`).
    """

    code = "DO273"
    name = "pipefail-shell"
    title = "RUN with a pipe does not fail when the pipe's first command fails"
    safety = Safety.UNSAFE
    aliases = ("DL4006",)
    order = 273
    needs = ("|",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if doc.escape != "\\":
            return  # a backtick escape: a Windows file
        fixed: set[int] = set()
        for instruction in doc.instructions:
            if instruction.cmd != "RUN" or instruction.json:
                continue
            stage = doc.stage_of(instruction)
            if stage is None:
                continue
            model = doc.image.stage(stage)
            if model.windows or fixed & {item.index for item in doc.image.chain(stage)}:
                continue
            if doc.image.scope(instruction).shell != DEFAULT_SHELL:
                continue  # a SHELL of the file's own: its choice
            if not _pipe_without_pipefail(doc, instruction):
                continue
            shell = _pipefail_shell(model.base_image)
            if shell is None:
                yield self.fix(
                    f"RUN with a pipe and no pipefail; left alone: dockopt does not know whether {model.base_image} "
                    "has bash or Alpine's ash: set `-o pipefail` in the RUN or a SHELL the image has",
                    instruction,
                )
                continue
            fixed.add(stage.index)
            keyword = doc.keyword("SHELL")
            indent = doc.indent(instruction.start)
            bash = shell == _BASH
            yield self.fix(
                f"add `SHELL {shell}` so a failing command on the left of a pipe fails the RUN",
                instruction,
                [Edit.insert(instruction.start, f"{indent}{keyword} {shell}\n")],
                reason="a pipe whose first command fails now fails the build"
                + ("; later RUNs and a shell-form CMD run in bash, not sh" if bash else ""),
            )


def _pipe_without_pipefail(doc: Document, instruction: Instruction) -> bool:
    """Does the RUN's script, as the SHELL runs it, have a pipe and no `set -o pipefail`?"""
    if not instruction.heredocs:
        view = doc.shell(instruction)
        return view is not None and not view.has_error and _has_pipe(view) and not _sets_pipefail(view)
    # `RUN <<EOT` alone hands the heredoc to the SHELL as its script (unless it starts with #!);
    # `RUN bash <<EOT` feeds it to another shell, which the SHELL's options do not reach.
    logical = doc.logical(instruction)
    if not re.fullmatch(r"<<-?([\"']?)\w+\1\s*", logical.text[logical.body :]) or len(instruction.heredocs) != 1:
        return False
    content = instruction.heredocs[0].content
    if content.lstrip().startswith("#!"):
        return False
    tree = parse_script(content)
    if tree.root_node.has_error:
        return False
    nodes = [tree.root_node]
    pipe = False
    while nodes:
        node = nodes.pop()
        if node.type == "pipeline" and any(child.type in ("|", "|&") for child in node.children):
            pipe = True
        nodes.extend(node.children)
    return pipe and not re.search(r"(^|[;&|\n]\s*)set\s[^\n;&|]*\bpipefail\b", content)


def _has_pipe(view: ShellView) -> bool:
    return any(any(child.type in ("|", "|&") for child in node.children) for node in view.of_type("pipeline"))


def _sets_pipefail(view: ShellView) -> bool:
    """Does the RUN set pipefail itself (`set -o pipefail`, `set -euxo pipefail`)?"""
    for command in view.commands:
        words = [word.value for word in command_words(view, command)]
        if words and words[0] == "set" and "pipefail" in words[1:]:
            return True
    return False


def _pipefail_shell(base_image: str) -> str | None:
    base_family = family(base_image)
    if base_family in ("debian", "rhel"):
        return _BASH
    repository, tag = split_reference(base_image)
    if repository.split("/")[-1] == "alpine" or (base_family == "alpine" and "alpine" in tag):
        return _ASH
    return None
