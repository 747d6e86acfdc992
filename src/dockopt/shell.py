"""The shell inside a RUN, parsed with tree-sitter-bash; one helper shared by every transform.

tree-sitter-bash handles what real images use (`case`, here-strings, arithmetic, functions),
where bashlex gives up. Offsets are characters of the instruction's logical text (see
`Document.logical`), and `position()` maps them back to file lines and columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

    from dockopt.document import Document, Instruction

_PARSER: Parser | None = None

# Commands whose effect lasts beyond themselves in the shell that runs them.
SHELL_STATE_BUILTINS = frozenset(
    "cd pushd popd export set unset umask source . alias unalias trap exec exit shopt "
    "declare typeset readonly local enable ulimit hash return".split()
)
_STATEMENT_SEPARATORS = frozenset({";", "&", ";;", "\n"})


def _parser() -> Parser:
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


def walk_tree(node: Node) -> Iterator[Node]:
    """The nodes of `node`'s subtree, `node` first, in source order.

    A tree cursor moves in C: three times faster than asking each node for its children."""
    cursor = node.walk()
    while True:
        current = cursor.node
        assert current is not None  # a cursor always stands on a node
        yield current
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def parse_script(script: str) -> Tree:
    """Parse a shell script; returns the tree-sitter tree (for text that is not a RUN body)."""
    return _parser().parse(script.encode("utf-8"))


@dataclass(frozen=True)
class Command:
    """One simple command: `name` and `args` are their static values (None where they expand)."""

    node: Node
    name: str | None
    args: tuple[str | None, ...]
    start: int  # character offsets in the logical text
    end: int
    assignments: tuple[str, ...]  # `FOO=1 cmd` prefixes
    words: tuple[tuple[str | None, Node], ...] = ()  # the name and the arguments: value and node

    def has_arg(self, *values: str) -> bool:
        return any(arg in values for arg in self.args)


class _Script:
    """What depends only on the shell text: shared by every view of the same text, so the
    engine's re-parse after each pass does not analyse unchanged RUN bodies again."""

    __slots__ = ("encoded", "tree", "ascii", "memo")

    def __init__(self, script: str):
        self.encoded = script.encode("utf-8")
        self.tree = _parser().parse(self.encoded)
        self.ascii = len(self.encoded) == len(script)
        # Facts of the text, by key (each typed where it is read): see ShellView.memo.
        self.memo: dict[str, Any] = {}


_SCRIPTS: dict[str, _Script] = {}
_SCRIPTS_LIMIT = 512  # bounded, so a batch over thousands of files keeps memory flat


def _script(text: str) -> _Script:
    shared = _SCRIPTS.get(text)
    if shared is None:
        if len(_SCRIPTS) >= _SCRIPTS_LIMIT:
            _SCRIPTS.clear()
        shared = _SCRIPTS[text] = _Script(text)
    return shared


class ShellView:
    def __init__(self, doc: Document, instruction: Instruction):
        self.doc = doc
        self.instruction = instruction
        self.logical = doc.logical(instruction)
        self.offset = self.logical.body  # where the shell text starts in the logical text
        self.script = self.logical.text[self.offset :]
        shared = _script(self.script)
        self._encoded = shared.encoded
        self.tree = shared.tree
        self.root = self.tree.root_node
        self._ascii = shared.ascii
        # Facts derived from the text alone (never from file positions) may be kept here.
        self.memo = shared.memo

    # -- positions ---------------------------------------------------------------------------

    def char(self, byte_offset: int) -> int:
        """Character offset in `script` of a tree-sitter byte offset."""
        if self._ascii:
            return byte_offset
        return len(self._encoded[:byte_offset].decode("utf-8", errors="replace"))

    def text(self, node: Node) -> str:
        if self._ascii:  # byte offsets are character offsets
            return self.script[node.start_byte : node.end_byte]
        return self._encoded[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def position(self, node_or_offset: Node | int) -> tuple[int, int]:
        """(line, column) in the file of a node's start or of a character offset in `script`."""
        offset = node_or_offset if isinstance(node_or_offset, int) else self.char(node_or_offset.start_byte)
        return self.logical.position(self.offset + offset)

    # -- structure ---------------------------------------------------------------------------

    @property
    def has_error(self) -> bool:
        return self.root.has_error

    def statements(self) -> list[tuple[Node, str | None]]:
        """Top-level statements, each with the separator that follows it (`;`, `&`, or None)."""
        found: list[tuple[Node, str | None]] | None = self.memo.get("statements")
        if found is None:
            found = self.memo["statements"] = self._statements()
        return list(found)

    def _statements(self) -> list[tuple[Node, str | None]]:
        result: list[tuple[Node, str | None]] = []
        for child in self.root.children:
            if child.type in _STATEMENT_SEPARATORS:
                if result and result[-1][1] is None:
                    result[-1] = (result[-1][0], child.type)
            elif child.type != "comment":
                result.append((child, None))
        return result

    @cached_property
    def top_level_operators(self) -> frozenset[str]:
        """Operators that join the top-level statements: `&&`, `||`, `;`, `&`, `|`, and `\\n`."""
        found: set[str] = set()
        statements = self.statements()
        for index, (node, separator) in enumerate(statements):
            if separator:
                found.add(separator)
            elif index < len(statements) - 1:
                found.add("\n")
            found.update(_chain_operators(node))
        return frozenset(found)

    def and_chain(self) -> list[Node] | None:
        """The parts of a body that is one `a && b && c` chain (one part for a lone command).

        tree-sitter-bash hangs a trailing redirect on the whole list (`a && b > f` reads as
        `(a && b) > f`); bash gives it to the last command, so the list's parts are the chain's
        parts and the redirect belongs to the part before it. The chain ends where the statement
        does (`chain_end`), after any such redirect.
        """
        statements = self.statements()
        if len(statements) != 1 or statements[0][1] == "&":
            return None
        parts: list[Node] = []
        node = statements[0][0]
        while True:
            if node.type == "redirected_statement" and node.children and node.children[0].type == "list":
                node = node.children[0]
                continue
            if node.type != "list":
                break
            if node.children[1].type != "&&":
                return None
            parts.insert(0, node.children[2])
            node = node.children[0]
        parts.insert(0, node)
        return parts

    def chain_end(self) -> int:
        """Character offset in `script` just after the body's one statement (redirects included)."""
        statements = self.statements()
        return self.char(statements[-1][0].end_byte) if statements else 0

    def state_changes(self) -> list[Node]:
        """Nodes whose effect outlives them in this shell: `cd`, `export`, `X=1`, `set`, functions...

        A command prefixed by an assignment (`X=1 make`) is not one; a subshell contains its own.
        """
        found = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in ("subshell", "command_substitution", "process_substitution"):
                continue
            if kind in ("declaration_command", "unset_command", "function_definition"):
                found.append(node)
                continue
            if kind == "variable_assignment" and node.parent is not None and node.parent.type != "command":
                found.append(node)
                continue
            if kind == "command":
                name = next((self.word(c) for i, c in enumerate(node.children) if node.field_name_for_child(i) == "name"), None)
                if name in SHELL_STATE_BUILTINS:
                    found.append(node)
                continue
            stack.extend(node.children)
        return sorted(found, key=lambda node: node.start_byte)

    @property
    def commands(self) -> list[Command]:
        """Every simple command in the body, in source order, nested ones included."""
        found: list[Command] | None = self.memo.get("commands")
        if found is None:
            found = self.memo["commands"] = [self._command(node) for node in self.of_type("command")]
        return found

    @property
    def nodes(self) -> list[Node]:
        """Every node of the body, in source order (walked once per text, shared by every rule)."""
        found: list[Node] | None = self.memo.get("nodes")
        if found is None:
            found = self.memo["nodes"] = list(walk_tree(self.root))
        return found

    def of_type(self, *types: str) -> list[Node]:
        """The body's nodes of these types, in source order."""
        index: dict[str, list[Node]] | None = self.memo.get("by_type")
        if index is None:
            index = self.memo["by_type"] = {}
            for node in self.nodes:
                index.setdefault(node.type, []).append(node)
        if len(types) == 1:
            return index.get(types[0], [])
        return sorted((node for kind in types for node in index.get(kind, [])), key=lambda node: node.start_byte)

    def walk(self, node: Node | None = None) -> Iterator[Node]:
        """The nodes of `node`'s subtree (default: the whole body), in source order."""
        if node is None:
            return iter(self.nodes)
        return walk_tree(node)

    def _command(self, node: Node) -> Command:
        name = None
        args: list[str | None] = []
        assignments: list[str] = []
        words: list[tuple[str | None, Node]] = []
        for index, child in enumerate(node.children):
            field = node.field_name_for_child(index)
            if field == "name":
                name = self.word(child)
                words.append((name, child))
            elif field == "argument":
                value = self.word(child)
                args.append(value)
                words.append((value, child))
            elif child.type == "variable_assignment":
                assignments.append(self.text(child))
        return Command(
            node=node,
            name=name,
            args=tuple(args),
            start=self.char(node.start_byte),
            end=self.char(node.end_byte),
            assignments=tuple(assignments),
            words=tuple(words),
        )

    def word(self, node: Node) -> str | None:
        """The static value of a word (quotes removed), or None when it expands something."""
        kind = node.type
        if kind == "command_name":
            return self.word(node.children[0]) if node.children else None
        if kind in ("word", "number"):
            text = self.text(node)
            return None if "$" in text or "`" in text else _unescape(text)
        if kind == "raw_string":
            return self.text(node)[1:-1]
        if kind == "string":
            parts = []
            for child in node.children:
                if child.type == '"':
                    continue
                if child.type != "string_content":
                    return None
                parts.append(self.text(child))
            return "".join(parts)
        if kind == "concatenation":
            words = [self.word(child) for child in node.children]
            known = [word for word in words if word is not None]
            return "".join(known) if len(known) == len(words) else None
        return None


def _chain_operators(node: Node) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "list":
            found.add(current.children[1].type)
            stack.extend((current.children[0], current.children[2]))
        elif current.type == "pipeline":
            found.add("|")
        elif current.type == "redirected_statement" and current.children:
            stack.append(current.children[0])  # `a || b > f` parses as a redirect around the list
    return found


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out = []
    chars = iter(text)
    for char in chars:
        out.append(next(chars, "") if char == "\\" else char)
    return "".join(out)
