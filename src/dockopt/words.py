"""Words of a Dockerfile instruction as BuildKit reads them: quotes, escapes and `$VARIABLES`.

One expander for every rule, with Docker's semantics (BuildKit's shell lexer): `$NAME`, `${NAME}`,
`${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`, `${NAME:?msg}`; single quotes keep
text literal; the escape character (`\\` or the `# escape=` one) escapes the next character.
"""

from __future__ import annotations

import json
from typing import Mapping

Variables = Mapping[str, "str | None"]  # None: declared, but its value is not known statically


class _Unknown(Exception):
    pass


def process_word(text: str, variables: Variables, escape: str = "\\", *, strict: bool = True) -> str | None:
    """A word as BuildKit reads it: quotes removed, escapes applied, `$VAR` / `${VAR:-x}` expanded.

    Variables missing from `variables`, or mapped to None, are unknown. With `strict`, a word that
    uses one gives None; otherwise the reference is kept as written (`$HOME` stays `$HOME`).
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return text
    try:
        return _Lexer(text, variables, escape, strict).word()
    except _Unknown:
        return None


def expand(text: str, variables: Variables, escape: str = "\\") -> str:
    """`text` with the variables Docker would expand; unknown ones kept as written, quotes kept."""
    if "$" not in text:
        return text
    try:
        return _Lexer(text, variables, escape, strict=False, keep_quotes=True).word()
    except _Unknown:  # pragma: no cover - lenient mode never raises
        return text


class _Lexer:
    """BuildKit's shell-word lexer (frontend/dockerfile/shell/lex.go), for one word."""

    def __init__(self, text: str, variables: Variables, escape: str, strict: bool, keep_quotes: bool = False):
        self.text, self.pos = text, 0
        self.variables, self.escape, self.strict, self.keep_quotes = variables, escape, strict, keep_quotes

    def word(self, stop: str | None = None) -> str:
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if stop is not None and char == stop:
                return "".join(out)
            if char == "'":
                out.append(self._single_quoted())
            elif char == '"':
                out.append(self._double_quoted())
            elif char == "$":
                out.append(self._dollar())
            elif char == self.escape:
                self.pos += 1
                if self.pos < len(text):
                    out.append((char if self.keep_quotes else "") + text[self.pos])
                    self.pos += 1
                else:
                    out.append(char)
            else:
                out.append(char)
                self.pos += 1
        return "".join(out)

    def _single_quoted(self) -> str:
        end = self.text.find("'", self.pos + 1)
        end = len(self.text) if end < 0 else end
        inner = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return f"'{inner}'" if self.keep_quotes else inner

    def _double_quoted(self) -> str:
        out: list[str] = []
        self.pos += 1
        text = self.text
        while self.pos < len(text) and text[self.pos] != '"':
            char = text[self.pos]
            if char == "$":
                out.append(self._dollar())
                continue
            if char == self.escape and self.pos + 1 < len(text) and text[self.pos + 1] in ('"', "$", self.escape):
                out.append((char if self.keep_quotes else "") + text[self.pos + 1])
                self.pos += 2
                continue
            out.append(char)
            self.pos += 1
        self.pos += 1
        inner = "".join(out)
        return f'"{inner}"' if self.keep_quotes else inner

    def _dollar(self) -> str:
        text, start = self.text, self.pos
        self.pos += 1
        if self.pos >= len(text):
            return "$"
        if text[self.pos] != "{":
            name = self._name()
            return "$" if not name else self._value(name, text[start : self.pos])
        self.pos += 1
        name = self._name()
        if not name or self.pos >= len(text):
            self.pos = len(text)  # BuildKit rejects a bad substitution; keep the text as it is
            return text[start:]
        char = text[self.pos]
        if char == "}":
            self.pos += 1
            return self._value(name, text[start : self.pos])
        modifier = char
        self.pos += 1
        if modifier == ":" and self.pos < len(text) and text[self.pos] in "-+?":
            modifier += text[self.pos]
            self.pos += 1
        if modifier not in ("-", "+", "?", ":-", ":+", ":?"):
            self._skip_to_brace()  # ${X#pattern} and friends: unknown here
            return self._unknown(text[start : self.pos])
        word = self.word(stop="}")
        self.pos += 1
        value = self.variables.get(name)
        if value is None:  # not set here, or an ARG without a default: a build may pass anything
            return self._unknown(text[start : self.pos])
        if modifier in ("-", ":-"):
            return value if (value or modifier == "-") else word
        if modifier in ("+", ":+"):
            return word if (value or modifier == "+") else ""
        return value  # `?`: the build fails when unset; it is set here

    def _name(self) -> str:
        text, start = self.text, self.pos
        while self.pos < len(text) and (text[self.pos].isalnum() or text[self.pos] == "_"):
            self.pos += 1
        return text[start : self.pos]

    def _skip_to_brace(self) -> None:
        end = self.text.find("}", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _value(self, name: str, written: str) -> str:
        value = self.variables.get(name)
        if value is None:
            return self._unknown(written)
        return value

    def _unknown(self, written: str) -> str:
        if self.strict:
            raise _Unknown
        return written


def copy_arguments(words: list[str]) -> str:
    """COPY's sources and destination as a person writes them: plain words, or the JSON form when
    one of them holds a space, a quote, an escape character or starts like a JSON array (or is
    empty). Words as BuildKit reads them (`Document.literal_args`), written back unchanged."""
    if all(word and not word.startswith("[") and not any(ch.isspace() or ch in "\"'\\`" for ch in word) for word in words):
        return " ".join(words)
    return "[" + ", ".join(json.dumps(word, ensure_ascii=False) for word in words) + "]"
