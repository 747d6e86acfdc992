"""What is in effect at one instruction: the stage chain, and the last USER, WORKDIR or SHELL.

A minimal answer to "which USER does this COPY run under?" for the transforms that need it, until
the image model (per-instruction WORKDIR/ENV/ARG/SHELL/USER scope) takes the question over. A stage
built FROM an earlier stage inherits what that stage set; what the external base image sets is
not known here (`None` means "this Dockerfile sets nothing").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockopt.document import unquote

if TYPE_CHECKING:
    from dockopt.document import Document, Instruction, Stage


def stage_chain(doc: Document, stage: Stage) -> list[Stage]:
    """The stage, then the stage it is built FROM, and so on up to the one on an external image."""
    chain = [stage]
    while True:
        base = chain[-1].base.lower()
        parent = next((s for s in doc.stages[: chain[-1].index] if s.name == base or str(s.index) == base), None)
        if parent is None or parent in chain:
            return chain
        chain.append(parent)


def external_base(doc: Document, stage: Stage) -> str:
    """The image reference at the root of the stage's chain (`scratch`, `python:3.12`...)."""
    return stage_chain(doc, stage)[-1].base


def last_before(doc: Document, instruction: Instruction, cmd: str) -> Instruction | None:
    """The last `cmd` instruction (USER, WORKDIR, SHELL...) in effect at `instruction`: before it in
    its stage, or in the stages that stage is built FROM."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return None
    limit = instruction.index
    for current in stage_chain(doc, stage):
        found = None
        for item in current.instructions:
            if item.index < limit and item.cmd == cmd:
                found = item
        if found is not None:
            return found
        limit = current.from_instruction.index
    return None


def user_in_effect(doc: Document, instruction: Instruction) -> str | None:
    """The USER value (as written, maybe `name:group` or `$VAR`) in effect, or None when the
    Dockerfile sets none (the base image's user applies)."""
    found = last_before(doc, instruction, "USER")
    return found.args[0] if found is not None and found.args else None


def is_root(user: str) -> bool:
    """Is this USER value root (`root`, `0`, `root:staff`, `0:0`)?"""
    name = user.split(":", 1)[0].strip()
    return name in ("", "root", "0")


def env_values(doc: Document, instruction: Instruction) -> dict[str, str | None]:
    """Variables the Dockerfile's ENV instructions set for `instruction` (its stage chain, oldest
    first), with their values unquoted; None where the value expands something (`$PATH:/x`) or
    cannot be read plainly. Variables the base image sets are not known here."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return {}
    values: dict[str, str | None] = {}
    limit = instruction.index
    chain = stage_chain(doc, stage)
    limits = [limit] + [s.from_instruction.index for s in chain[:-1]]
    for current, stop in reversed(list(zip(chain, limits))):
        for item in current.instructions:
            if item.index >= stop or item.cmd != "ENV":
                continue
            pairs = item.args
            for name, raw in zip(pairs[0::2], pairs[1::2]):
                value = unquote(raw)
                values[name] = None if "$" in value or "\\" in value else value
    return values
