"""The transform contract: what every module in `transforms/` provides.

A transform reads a document and yields fixes; it never changes the document. Each fix carries
line edits (or none, for a finding that cannot be fixed mechanically), a message, and a safety.
The engine alone decides which fixes are applied.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable

from dockopt.edits import Edit
# Safety and Severity are part of the contract: rules import them from here, with Transform.
from dockopt.results import FileEdit, Fix, Safety as Safety, Severity as Severity

if TYPE_CHECKING:
    from dockopt.context import BuildContext
    from dockopt.document import Document, Instruction


@dataclass
class Context:
    """What a transform may consult besides the Dockerfile."""

    build: BuildContext | None = None  # the build context folder, when known
    path: str | None = None  # the Dockerfile's path, for messages
    # Will unsafe fixes be applied? An unsafe-only pass may then skip costly analysis (and its
    # reasons for leaving a file alone): its fix is only counted, not shown in full.
    unsafe_fixes: bool = False
    options: dict[str, object] = field(default_factory=dict)
    # Companion files as the fixes accepted so far left them (path -> text): a pass that edits
    # one reads it here first, so a later round does not propose the same lines again.
    files: dict[str, str] = field(default_factory=dict)


_UNSAFE_SUFFIX = re.compile(r" \(unsafe: (.*)\)$")


class Transform:
    """Base class. Subclasses set the class attributes and implement `check`.

    The docstring is the rule's documentation, in four sections: What it does / Why / Example /
    Fix safety. `dockopt explain CODE` and `docs/rules/` print it as written.
    """

    code: ClassVar[str]  # "DO" + digits
    name: ClassVar[str]  # kebab-case
    title: ClassVar[str]  # one line
    safety: ClassVar[Safety] = Safety.SAFE
    severity: ClassVar[Severity] = Severity.WARNING  # for `check --fail-level`; shown in every format
    aliases: ClassVar[tuple[str, ...]] = ()  # IDs users already know: hadolint DL, BuildKit checks, Trivy DS, Checkov CKV
    order: ClassVar[int] = 500  # pass order: lower runs first within a round
    # Words (lower case) the file must contain for the rule to find anything at all: a file with
    # none of them is skipped without reading it (`("apt",)` for the apt rules). Empty: always read.
    needs: ClassVar[tuple[str, ...]] = ()
    # An unsafe fix left out (no --unsafe-fixes) is shown with its edits, unless the rule then
    # spares itself analysis (`ctx.unsafe_fixes` False) and its edits are not those it would make.
    edits_when_left_out: ClassVar[bool] = True

    def check(self, doc: Document, ctx: Context) -> Iterable[Fix]:
        raise NotImplementedError

    # -- helpers for subclasses ----------------------------------------------------------------

    def fix(
        self,
        message: str,
        at: Instruction | int,
        edits: Iterable[Edit] = (),
        safety: Safety | None = None,
        *,
        problem: str | None = None,
        reason: str | None = None,
        files: Iterable[FileEdit] = (),
    ) -> Fix:
        """A result at an instruction (or a 0-based line). With edits, `message` says what the fix
        does, `problem` what is wrong (default: the rule's title) and `reason`, for an unsafe fix,
        what may change (or a trailing `(unsafe: ...)` in the message). Without edits, `message`
        is the finding."""
        start = at if isinstance(at, int) else at.start
        end = at if isinstance(at, int) else at.end
        edits = tuple(edits)
        files = tuple(files)
        if safety is None:
            safety = self.safety if edits or files else Safety.DISPLAY
        if not edits and not files:
            return Fix(self.code, self.name, message, start + 1, safety, edits, column=0, end_line=end + 1)
        match = _UNSAFE_SUFFIX.search(message)
        if match and reason is None:
            message, reason = message[: match.start()], match.group(1)
        if safety is not Safety.UNSAFE:
            reason = None
        return Fix(self.code, self.name, problem or self.title, start + 1, safety, edits, column=0, end_line=end + 1,
                   title=message, reason=reason, files=files)

    @classmethod
    def safety_label(cls) -> str:
        """What `dockopt rules` shows: safe, unsafe, or finding (reported, never rewritten)."""
        return "finding" if cls.safety is Safety.DISPLAY else cls.safety.value

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def matches(cls, selector: str) -> bool:
        """`ALL`, a code, a code prefix, the name, or one of the aliases (hadolint's DL3059...)."""
        selector = selector.strip()
        upper = selector.upper()
        if upper == "ALL":
            return True
        if selector.lower() == cls.name:
            return True
        if upper.startswith("DO"):
            return cls.code.startswith(upper)
        return upper in (alias.upper() for alias in cls.aliases)
