"""The transform contract: what every module in `transforms/` provides.

A transform reads a document and yields fixes; it never changes the document. Each fix carries
line edits (or none, for a finding that cannot be fixed mechanically), a message, and a safety.
The engine alone decides which fixes are applied.
"""

from __future__ import annotations

import enum
import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterable

from dockopt.edits import Edit

if TYPE_CHECKING:
    from dockopt.context import BuildContext
    from dockopt.document import Document, Instruction


class Safety(str, enum.Enum):
    SAFE = "safe"  # the image and its behaviour stay the same
    UNSAFE = "unsafe"  # may change them: applied only with --unsafe-fixes
    DISPLAY = "display"  # a finding with no edit: shown, never applied


class Severity(str, enum.Enum):
    """How much a rule's finding matters, for `dockopt check --fail-level` (hadolint's levels)."""

    ERROR = "error"  # a security or correctness problem: a leaked secret, a build that fails
    WARNING = "warning"  # likely trouble: deprecated, unreproducible, root at run time
    INFO = "info"  # a missed optimisation: layers, caches, image size
    STYLE = "style"  # a matter of form

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        """A level by name, any case (`ValueError` for an unknown one)."""
        return cls(value.strip().lower())


_SEVERITY_RANK = {Severity.STYLE: 1, Severity.INFO: 2, Severity.WARNING: 3, Severity.ERROR: 4}


@dataclass
class Fix:
    code: str
    name: str
    message: str
    line: int  # 1-based line of the text the fix was computed on
    safety: Safety
    edits: tuple[Edit, ...] = ()
    applied: bool = False

    @property
    def is_finding(self) -> bool:
        return not self.edits

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "line": self.line,
            "safety": self.safety.value,
            "applied": self.applied,
            "edits": [{"start_line": e.start + 1, "end_line": e.stop, "text": e.text} for e in self.edits],
        }


@dataclass
class Context:
    """What a transform may consult besides the Dockerfile."""

    build: BuildContext | None = None  # the build context folder, when known
    path: str | None = None  # the Dockerfile's path, for messages
    # Will unsafe fixes be applied? An unsafe-only pass may then skip costly analysis (and its
    # reasons for leaving a file alone): its fix is only counted, not shown in full.
    unsafe_fixes: bool = False
    options: dict = field(default_factory=dict)


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

    def check(self, doc: Document, ctx: Context) -> Iterable[Fix]:
        raise NotImplementedError

    # -- helpers for subclasses ----------------------------------------------------------------

    def fix(
        self,
        message: str,
        at: Instruction | int,
        edits: Iterable[Edit] = (),
        safety: Safety | None = None,
    ) -> Fix:
        line = at if isinstance(at, int) else at.start
        edits = tuple(edits)
        if safety is None:
            safety = self.safety if edits else Safety.DISPLAY
        return Fix(self.code, self.name, message, line + 1, safety, edits)

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
