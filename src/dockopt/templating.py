"""Renders generated Dockerfile text from the jinja2 templates in `dockopt.templates`.

Templates are Dockerfile text, so HTML autoescaping is off. Safety comes from two rules instead:

- every value a template prints passes `_finalize`, which rejects line breaks, control characters
  and the file's escape characters, so no value can end an instruction or start a new one;
  values meant for a shell or for an exec-form list go through the `sh` / `json` filters;
- whole instructions copied from the original file are passed as `Verbatim` (built only from the
  document's own lines), the one kind of value allowed to span lines.

`render_dockerfile` also re-parses the result and checks that it holds exactly the instructions
the caller planned, so a template bug cannot slip an extra instruction through either.
"""

from __future__ import annotations

import json
import re
import shlex
from functools import lru_cache
from typing import TYPE_CHECKING

from dockopt.words import copy_arguments

if TYPE_CHECKING:
    import jinja2

_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\`]")


class UnsafeValue(ValueError):
    """A value from the Dockerfile that could change the structure of the generated text."""


class Verbatim(str):
    """Original lines of the Dockerfile (an instruction with its comments), copied as they are."""


def safe_value(value: object) -> str:
    """A single-line value with no escape characters; raises `UnsafeValue` otherwise."""
    text = str(value)
    match = _UNSAFE_CHARS.search(text)
    if match:
        raise UnsafeValue(f"refusing to render {text!r}: it contains {match.group()!r}")
    return text


def _finalize(value: object) -> str:
    if isinstance(value, Verbatim):
        return value
    if value is None:
        return ""
    return safe_value(value)


def _shell_quote(value: object) -> str:
    # checked before quoting; the quoted form is one shell word on one line
    return Verbatim(shlex.quote(safe_value(value)))


def _json_string(value: object) -> str:
    # checked before encoding; JSON escapes (`\"`) are read by Docker's JSON parser, never as line ends
    return Verbatim(json.dumps(safe_value(value), ensure_ascii=False))


def _copy_arguments(values: list[object]) -> str:
    # checked before writing; see `words.copy_arguments`
    return Verbatim(copy_arguments([safe_value(value) for value in values]))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2  # imported late: most runs never render a template

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dockopt.templates", ""),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )
    env.filters["sh"] = _shell_quote
    env.filters["json"] = _json_string
    env.filters["copy_arguments"] = _copy_arguments
    return env


def render(template: str, **values: object) -> str:
    return environment().get_template(template).render(**values)


def render_dockerfile(template: str, expected: list[str], escape: str = "\\", **values: object) -> str:
    """Render a Dockerfile fragment and check it parses to exactly the `expected` instructions.

    `escape` is the file's escape character; templates get it as `esc` for line continuations.
    """
    from dockopt.document import Document
    from dockopt.errors import DockerfileParseError

    text = render(template, esc=Verbatim(escape), **values)
    directive = "# escape=`\n" if escape == "`" else ""
    try:
        found = [instruction.cmd for instruction in Document(directive + text).instructions]
    except DockerfileParseError as exc:
        raise UnsafeValue(f"{template} rendered text Docker would reject: {exc}") from None
    if found != expected:
        raise UnsafeValue(f"{template} rendered {found}, expected {expected}")
    return text
