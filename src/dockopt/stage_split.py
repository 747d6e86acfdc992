"""What every stage split (DO502) shares: the blocks of the stage being split, how an original
instruction is carried into a template verbatim, and which full-image tools the runtime still needs.

A planner raises `NotMapped` when it meets an instruction it cannot place confidently: the file is
then left alone and the reason is reported.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dockopt.base_images import slim_data
from dockopt.build_needs import apt_installed, exec_names

if TYPE_CHECKING:
    from dockopt.document import Document, Instruction, Stage

# Programs that start as root and drop privileges themselves: their image must not get a USER.
STARTS_AS_ROOT = {"gosu", "su-exec", "setpriv", "nginx", "httpd", "apache2", "apache2ctl", "sshd", "systemd", "init",
                   "dockerd", "supervisord", "cron", "crond"}


class NotMapped(Exception):
    """An instruction we cannot place confidently: the file is left alone, with this reason."""


@dataclass
class Block:
    instruction: Instruction
    comments: str  # the comment and blank lines just above the instruction
    body: str  # the instruction's own lines


def blocks(doc: Document, stage: Stage) -> list[Block]:
    """The stage's instructions after FROM, each with the comment lines just above it."""
    found = []
    previous_end = stage.from_instruction.end
    for instruction in stage.instructions[1:]:
        comments = "".join(doc.lines[previous_end + 1 : instruction.start])
        body = "".join(doc.lines[instruction.start : instruction.end + 1])
        found.append(Block(instruction, lf(comments), lf(body)))
        previous_end = instruction.end
    return found


def lf(text: str) -> str:
    lines = text.splitlines()
    return "".join(line + "\n" for line in lines)


def verbatim(text: str) -> dict[str, object]:
    """A template step that writes the original text unchanged."""
    from dockopt.templating import (
        Verbatim,  # jinja2 loads only when a split is rendered
    )

    return {"kind": "verbatim", "text": Verbatim(text)}


def tools_used_at_runtime(doc: Document, blocks: list[Block], kinds: list[str], runtime_packages: list[str]) -> list[str]:
    """Packages for full-image tools used by runtime RUNs, CMD, ENTRYPOINT or HEALTHCHECK."""
    table = slim_data()
    extra: list[str] = []
    have = set(runtime_packages)
    for block, kind in zip(blocks, kinds):
        instruction = block.instruction
        if kind != "runtime":
            continue
        if instruction.cmd == "RUN":
            view = doc.shell(instruction)
            if view is None:  # exec form is read like CMD; a heredoc body is not analysed, so refuse
                if not instruction.json:
                    raise NotMapped(f"line {instruction.line} runs a heredoc in the runtime stage")
                names = exec_names(instruction)
            else:
                have |= apt_installed(view)
                names = [posixpath.basename(c.name or "") for c in view.commands]
        elif instruction.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            names = exec_names(instruction)
        else:
            continue
        for name in names:
            package = table["fat_only_commands"].get(name)
            if package is None or package in have or package in extra:
                continue
            if name in table["compilers"]:
                raise NotMapped(f"line {instruction.line} runs `{name}` in the runtime stage")
            extra.append(package)
            if package in table["tools_need_certificates"] and "ca-certificates" not in have | set(extra):
                extra.append("ca-certificates")
    return extra
