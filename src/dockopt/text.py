"""Lines and words of Dockerfile text: the small helpers every layer uses (no parsing)."""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    """Lines with their own endings; joining them gives `text` back exactly.

    Only a line feed ends a line (CRLF keeps its CR), as in BuildKit; str.splitlines would also
    split at a lone CR, a form feed or U+2028."""
    lines = text.split("\n")
    last = lines.pop()
    found = [line + "\n" for line in lines]
    if last:
        found.append(last)
    return found


def same_case(word: str, like: str) -> str:
    """`word` in the case of a keyword as the file writes it: LABEL, label, or Label."""
    if like.isupper():
        return word.upper()
    if like.islower():
        return word.lower()
    return word.capitalize()


def unquote(value: str) -> str:
    """A value without one pair of surrounding quotes (as ARG and ENV defaults are written)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def line_body(line: str) -> str:
    """A line without its line ending."""
    return line.rstrip("\r\n")
