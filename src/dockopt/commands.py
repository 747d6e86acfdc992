"""Command lines: what a start command really runs, and which port a server command binds.

Knowledge about programs, not about the Dockerfile: `unwrap` sees through wrappers (`tini --`,
`sh -c "..."`, `uv run`), `server_ports` reads the port of gunicorn, uvicorn, flask and friends
from their options, environment or defaults, and `exec_words` splits a shell-form command into
exec-form words when that is exact.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import TYPE_CHECKING, Mapping, Sequence

from dockopt.shell import SHELL_STATE_BUILTINS, parse_script
from dockopt.words import expand

if TYPE_CHECKING:
    from tree_sitter import Node

SHELL_ONLY = SHELL_STATE_BUILTINS | frozenset(
    ": eval wait read shift getopts command builtin type let time times jobs fg bg disown "
    "break continue logout mapfile readarray caller compgen complete help history suspend".split()
)
# Unquoted characters the shell gives no meaning to (no globs, `~`, braces, escapes, `$`...).
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=@%+,-]+")
_QUOTED_SPECIALS = frozenset('$`\\"')  # inside double quotes these still do something

def bind_port(text: str) -> int | None:
    """The port of a bind address: `0.0.0.0:80`, `:8000`, `[::]:80`, `8000`; None for unix sockets."""
    text = text.strip()
    if not text or text.startswith(("unix:", "fd://")):
        return None
    tail = text.rsplit(":", 1)[-1] if ":" in text else text
    return int(tail) if tail.isdigit() and 0 < int(tail) < 65536 else None


# Programs that only wrap the real command: (name, options that take a value).
_WRAPPERS: dict[str, frozenset[str]] = {
    "tini": frozenset({"-p", "-l", "-e"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
    "exec": frozenset(),
    "nohup": frozenset(),
    "env": frozenset({"-u", "--unset", "-C", "--chdir"}),
    "ddtrace-run": frozenset(),
    "opentelemetry-instrument": frozenset(),
    "catatonit": frozenset(),
}
_RUNNERS = {"uv": "run", "poetry": "run", "pipenv": "run", "pdm": "run", "hatch": "run", "rye": "run"}
# Server programs: how their command line names the port, and the port they use without one.
_SERVER_DEFAULT_PORTS = {
    "gunicorn": 8000,
    "uvicorn": 8000,
    "hypercorn": 8000,
    "daphne": 8000,
    "waitress-serve": 8080,
    "granian": 8000,
    "flask": 5000,
    "fastapi": 8000,
    "streamlit": 8501,
    "http.server": 8000,
    "runserver": 8000,
    "jupyter": 8888,
}


def server_ports(argv: Sequence[str], env: Mapping[str, str | None] | None = None) -> list[int] | None:
    """Ports a server command line binds (its flags, its env, or its default); None if not a known server.

    `["gunicorn", "-b", "0.0.0.0:80", "app:app"]` -> [80]; `["uvicorn", "main:app"]` -> [8000];
    `["python", "app.py"]` -> None (the app decides: see `AppFacts.ports`).
    """
    known: dict[str, str] = {name: value for name, value in (env or {}).items() if value is not None}
    env = known  # narrows the type: unknown values are gone
    words = [expand(w, env) for w in argv]
    if not words:
        return None
    program = posixpath.basename(words[0])
    rest = words[1:]
    if program.startswith("python") and len(rest) >= 2 and rest[0] == "-m":
        program, rest = rest[1], rest[2:]
    if program in ("manage.py",) or (program.startswith("python") and rest and rest[0].endswith("manage.py")):
        rest = rest[1:] if program.startswith("python") else rest
        if rest and rest[0] == "runserver":
            address = next((w for w in rest[1:] if not w.startswith("-")), "")
            port = bind_port(address) if address else 8000
            return [port] if port else []
        return None
    if program == "http.server":
        number = next((w for w in rest if w.isdigit()), None)
        return [int(number) if number else 8000]
    if program not in _SERVER_DEFAULT_PORTS:
        return None
    if program in ("flask", "fastapi") and not (rest and rest[0] in ("run", "dev")):
        return None
    if program == "streamlit":
        value = _option(rest, ("--server.port",))
        return [int(value)] if value and value.isdigit() else [8501]
    if program == "jupyter":
        value = _option(rest, ("--port",))
        return [int(value)] if value and value.isdigit() else [8888]
    ports: list[int] = []
    if program in ("gunicorn", "hypercorn", "granian"):
        for value in _options(rest, ("-b", "--bind")):
            port = bind_port(value)
            if port is not None:
                ports.append(port)
        if not ports:
            if program == "gunicorn" and env.get("GUNICORN_CMD_ARGS"):
                for value in _options(shlex.split(env["GUNICORN_CMD_ARGS"]), ("-b", "--bind")):
                    port = bind_port(value)
                    if port is not None:
                        ports.append(port)
            if not ports and program == "gunicorn" and env.get("PORT", "").isdigit():
                ports.append(int(env["PORT"]))
        if program == "granian":
            value = _option(rest, ("--port",))
            if value and value.isdigit():
                ports = [int(value)]
    elif program == "daphne":
        value = _option(rest, ("-p", "--port"))
        if value and value.isdigit():
            ports.append(int(value))
        for value in _options(rest, ("-e", "--endpoint")):
            match = re.search(r"port=(\d+)", value)
            if match:
                ports.append(int(match.group(1)))
    elif program == "waitress-serve":
        value = _option(rest, ("--port",))
        if value and value.isdigit():
            ports.append(int(value))
        for value in _options(rest, ("--listen",)):
            port = bind_port(value)
            if port is not None:
                ports.append(port)
    else:  # uvicorn, flask run, fastapi run
        value = _option(rest, ("--port", "-p"))
        if value and value.isdigit():
            ports.append(int(value))
        elif program == "flask" and env.get("FLASK_RUN_PORT", "").isdigit():
            ports.append(int(env["FLASK_RUN_PORT"]))
        elif program == "uvicorn" and env.get("UVICORN_PORT", "").isdigit():
            ports.append(int(env["UVICORN_PORT"]))
        if program == "uvicorn" and _option(rest, ("--uds", "--fd")):
            return []
    return ports or [_SERVER_DEFAULT_PORTS[program]]


def unwrap(argv: Sequence[str]) -> list[list[str]]:
    """The real commands behind wrappers: `tini -- x`, `sh -c "a && b"`, `uv run x`, `env A=1 x`."""
    words = list(argv)
    for _ in range(8):
        if not words:
            return []
        program = posixpath.basename(words[0])
        if program in ("sh", "bash", "dash", "ash", "zsh") and len(words) >= 3 and words[1] in ("-c", "-ec", "-xc", "-exc", "-ce", "-cx"):
            return unwrap_shell(words[2])
        if program in _WRAPPERS:
            takes_value = _WRAPPERS[program]
            index = 1
            while index < len(words):
                word = words[index]
                if word == "--":
                    index += 1
                    break
                if program == "env" and "=" in word and not word.startswith("-"):
                    index += 1
                    continue
                if word.startswith("-"):
                    index += 2 if word in takes_value else 1
                    continue
                break
            words = words[index:]
            continue
        if program in _RUNNERS and len(words) >= 2 and words[1] == _RUNNERS[program]:
            index = 2
            while index < len(words) and words[index].startswith("-"):
                index += 1
            words = words[index:]
            continue
        if program == "newrelic-admin" and len(words) >= 2 and words[1] == "run-program":
            words = words[2:]
            continue
        break
    return [words] if words else []


def unwrap_shell(script: str) -> list[list[str]]:
    """Simple commands of a shell script, each unwrapped; words that expand are kept as written."""
    tree = parse_script(script)
    encoded = script.encode("utf-8")
    result: list[list[str]] = []
    stack = [tree.root_node]
    nodes = []
    while stack:
        node = stack.pop()
        if node.type == "command":
            nodes.append(node)
        stack.extend(reversed(node.children))
    for node in nodes:
        words = []
        for child in node.children:
            if child.type in ("command_name", "word", "string", "raw_string", "concatenation", "number", "simple_expansion", "expansion"):
                text = encoded[child.start_byte : child.end_byte].decode("utf-8", errors="replace")
                try:
                    parts = shlex.split(text)
                except ValueError:
                    parts = [text]
                words.append(parts[0] if len(parts) == 1 else text)
        if words:
            result.extend(unwrap(words))
    return result


def _options(words: Sequence[str], names: tuple[str, ...]) -> list[str]:
    values = []
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                values.append(words[index + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                values.append(word[len(name) + 1 :])
            elif not name.startswith("--") and word.startswith(name) and len(word) > len(name) and not word.startswith("--"):
                values.append(word[len(name) :])
    return values


def _option(words: Sequence[str], names: tuple[str, ...]) -> str | None:
    values = _options(words, names)
    return values[-1] if values else None


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


def _static_word(node: Node, data: bytes) -> str | None:
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
        known = [part for part in parts if part is not None]
        return "".join(known) if len(known) == len(parts) else None
    return None
