"""What package managers do in a RUN body: shared by the package-manager transforms (DO210-DO249).

They find package-manager invocations in a RUN body (through `sudo`, `env`, `xargs` and friends),
insert option words without reflowing lines, append a cleanup command to a `&&` chain in the
file's own continuation style, and answer "does a later RUN still need this cache?".
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from dockopt.text import line_body
from dockopt.edits import Edit
from dockopt.run_merge import and_breaks, append_blocker

if TYPE_CHECKING:
    from tree_sitter import Node

    from dockopt.document import Document, Instruction
    from dockopt.shell import Command, ShellView

# Node types a command can sit in and still run unconditionally as part of the top-level script.
_TOP_LEVEL_CONTAINERS = frozenset({"program", "list", "pipeline", "redirected_statement"})

# Wrappers that run the command after them; value: options that take a separate value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset("-u -g -h -p -C -D -r -t -U -T --user --group --host --prompt --close-from --chdir --role --type --other-user --command-timeout".split()),
    "env": frozenset("-u -C -S --unset --chdir --split-string".split()),
    "xargs": frozenset("-a -d -E -I -L -n -P -s --arg-file --delimiter --max-lines --max-args --max-procs --max-chars".split()),
    "nice": frozenset("-n --adjustment".split()),
    "ionice": frozenset("-c -n -p".split()),
    "nohup": frozenset(),
    "time": frozenset("-f -o --format --output".split()),
    "command": frozenset(),
    "stdbuf": frozenset("-i -o -e".split()),
    "eatmydata": frozenset(),
    "fakeroot": frozenset(),
    "timeout": frozenset("-s -k --signal --kill-after".split()),
}
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VERSIONED_PIP_RE = re.compile(r"^pip[0-9]+(\.[0-9]+)?$")
_PYTHON_RE = re.compile(r"python3?(\.\d+)?")
_SHORT_S_RE = re.compile(r"-[a-zA-Z]*s[a-zA-Z]*")  # a cluster of short options with -s


def _program_name(name: str) -> str:
    """`pip3` and `pip3.11` are pip."""
    return "pip" if _VERSIONED_PIP_RE.match(name) else name


@dataclass(frozen=True)
class Word:
    value: str | None  # static value, None when it expands
    node: Node


@dataclass(frozen=True)
class Invocation:
    """A package-manager call: `program` is the tool's base name, `words` what follows it."""

    command: Command
    program: str
    program_word: Word
    words: tuple[Word, ...]
    assignments: tuple[str, ...]  # `VAR=value` prefixes, also those given to sudo/env

    def values(self) -> list[str | None]:
        return [w.value for w in self.words]

    def has(self, *options: str) -> bool:
        return any(w.value in options for w in self.words)

    def has_prefix(self, *prefixes: str) -> bool:
        return any(w.value is not None and w.value.startswith(prefixes) for w in self.words)


def command_words(view: ShellView, command: Command) -> list[Word]:
    """The name and arguments of a simple command, each with its node."""
    cache: dict[int, tuple[Word, ...]] | None = view.memo.get("command_words")
    if cache is None:
        cache = view.memo["command_words"] = {}
    words = cache.get(command.start)
    if words is None:
        words = cache[command.start] = tuple(Word(value, node) for value, node in command.words)
    return list(words)


def top_level_commands(view: ShellView) -> list[Command]:
    """Commands that run as part of the top-level script (not inside if/for/subshells/$(...))."""
    cached = view.memo.get("top_level_commands")
    if cached is None:
        cached = view.memo["top_level_commands"] = _top_level_commands(view)
    return list(cached)


def _top_level_commands(view: ShellView) -> list[Command]:
    found = []
    for command in view.commands:
        parent = command.node.parent
        while parent is not None and parent.type in _TOP_LEVEL_CONTAINERS:
            if parent.type == "program":
                found.append(command)
                break
            parent = parent.parent
    return found


def invocation(view: ShellView, command: Command, programs: Iterable[str]) -> Invocation | None:
    """The call of one of `programs` that this command makes, looking through wrappers."""
    programs = frozenset(programs)
    words = command_words(view, command)
    assignments = list(command.assignments)
    index = 0
    while index < len(words):
        value = words[index].value
        if value is None:
            return None
        name = _program_name(value.rpartition("/")[2])
        if name in programs:
            return Invocation(command, name, words[index], tuple(words[index + 1 :]), tuple(assignments))
        if name in ("python", "python3") or _PYTHON_RE.fullmatch(name):
            # `python -m pip ...`
            rest = [w.value for w in words[index + 1 : index + 3]]
            if len(rest) == 2 and rest[0] == "-m" and rest[1] is not None and _program_name(rest[1]) in programs:
                return Invocation(command, _program_name(rest[1]), words[index + 2], tuple(words[index + 3 :]), tuple(assignments))
            return None
        if name not in _WRAPPERS:
            return None
        with_value = _WRAPPERS[name]
        index += 1
        while index < len(words):
            value = words[index].value
            if value is None:
                return None
            if value in with_value:
                index += 2
            elif value.startswith("-") and value != "-":
                index += 1
            elif name in ("sudo", "env") and _ASSIGNMENT_RE.match(value):
                assignments.append(value)
                index += 1
            else:
                break
        if name == "timeout":
            index += 1  # the duration
    return None


def invocations(view: ShellView, programs: Iterable[str], *, top_level: bool = False) -> list[Invocation]:
    """Every call of one of `programs` in the body: inside `if`/`case`/loops, subshells, `{ }`
    groups and functions too, where an option inserted into the command means the same as at
    top level. `top_level=True` keeps the calls that always run as steps of the script itself:
    what a cleanup appended at the end of the chain may rely on (the tool is there)."""
    # Every package-manager transform asks about the same RUN text in every round: one search
    # for all known managers answers them all (a command names at most one program, and a
    # search stops at the first word that is not a wrapper either way), and view.memo keeps
    # the answer with the text.
    programs = frozenset(programs)
    search = _KNOWN_PROGRAMS if programs <= _KNOWN_PROGRAMS else programs
    cache = view.memo.setdefault("package_manager_calls", {})
    key = (search, top_level)
    if key not in cache:
        commands = top_level_commands(view) if top_level else view.commands
        cache[key] = [call for command in commands if (call := invocation(view, command, search)) is not None]
    return [call for call in cache[key] if call.program in programs]


def subcommand(call: Invocation, options_with_value: frozenset[str] = frozenset()) -> tuple[int, str] | None:
    """Index in `call.words` and value of the first non-option word (the subcommand)."""
    index = 0
    words = call.words
    while index < len(words):
        value = words[index].value
        if value is None:
            return None
        if value in options_with_value:
            index += 2
            continue
        if value.startswith("-"):
            index += 1
            continue
        return index, value
    return None


# -- where things are in the file --------------------------------------------------------------


def end_position(view: ShellView, node: Node) -> tuple[int, int] | None:
    """(line, column) just after a node, or None when the node spans lines."""
    start = view.position(node)
    last = view.position(view.char(node.end_byte) - 1)
    if start[0] != last[0]:
        return None
    return last[0], last[1] + 1


def line_edits(doc: Document, changes: Iterable[tuple[int, int, int, str]]) -> list[Edit]:
    """Edits for (line, start column, end column, new text) changes; one edit per touched line.

    `start == end` inserts. Changes on one line must not overlap.
    """
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for line, start, end, text in changes:
        by_line.setdefault(line, []).append((start, end, text))
    edits = []
    for line, items in sorted(by_line.items()):
        body = line_body(doc.lines[line])
        for start, end, text in sorted(items, reverse=True):
            body = body[:start] + text + body[end:]
        edits.append(Edit.replace(line, line, body + "\n"))
    return edits


def word_span(view: ShellView, word: Word) -> tuple[int, int, int] | None:
    """(line, start column, end column) of a one-line word written as its plain value."""
    end = end_position(view, word.node)
    if end is None or view.text(word.node) != word.value:
        return None
    return end[0], end[1] - len(word.value), end[1]


def add_option_after(view: ShellView, word: Word, option: str) -> tuple[int, int, int, str] | None:
    """A change that puts ` option` right after `word`, on its line."""
    end = end_position(view, word.node)
    if end is None:
        return None
    return end[0], end[1], end[1], " " + option


# -- appending to a && chain -------------------------------------------------------------------


def append_to_chain(doc: Document, instruction: Instruction, view: ShellView, command: str) -> list[Edit] | None:
    """Edits that append `&& command` to a RUN whose body is one `&&` chain, in the file's style.

    A one-line RUN gets it on the same line; a multi-line one gets a new continuation line, with
    `&&` where the file puts it (line end or line start), its escape character and indentation.
    None when the body is not a clean chain, ends in a comment, or its last part must stay last
    (`run_merge.append_blocker`: `set -e` inside it would be switched off).
    """
    parts = view.and_chain()
    if not parts or view.has_error or append_blocker(doc, instruction, view):
        return None
    end_char = view.chain_end()
    if view.script[end_char:].strip(" \t;"):
        return None  # a trailing comment or something the chain does not cover
    end = view.position(end_char - 1)
    line, col = end[0], end[1] + 1
    body = line_body(doc.lines[line])
    if instruction.start == instruction.end:
        text = body[:col] + f" && {command}" + body[col:]
        return [Edit.replace(line, line, text + "\n")]
    escape = doc.escape
    gap = _escape_gap(doc, instruction)
    indent = _continuation_indent(doc, instruction, view, parts)
    if _and_at_line_start(view):
        text = body[:col] + gap + escape + "\n" + indent + "&& " + command + body[col:]
    else:
        text = body[:col] + " &&" + gap + escape + "\n" + indent + command + body[col:]
    return [Edit.replace(line, line, text + "\n")]


def _escape_gap(doc: Document, instruction: Instruction) -> str:
    """The blank between the text and the escape character on the RUN's continued lines."""
    for line in range(instruction.end, instruction.start - 1, -1):
        if doc.is_continued(line):
            text = line_body(doc.lines[line]).rstrip(" \t")[:-1]
            stripped = text.rstrip(" \t")
            gap = text[len(stripped) :]
            return gap if 0 < len(gap) <= 2 else " "
    return " "


def _continuation_indent(doc: Document, instruction: Instruction, view: ShellView, parts: list[Node]) -> str:
    for part in reversed(parts):
        line = view.position(part)[0]
        if line != instruction.start:
            text = line_body(doc.lines[line])
            indent = text[: len(text) - len(text.lstrip(" \t"))]
            stripped = text.lstrip(" \t")
            if stripped.startswith("&&") or view.position(part)[1] == len(indent):
                return indent
    # No part starts a line: indent one step from the RUN, or less if its continuation lines do.
    default = doc.indent(instruction.start) + "    "
    logical_lines = sorted({line for line, _ in doc.logical(instruction).positions} - {instruction.start})
    first = doc.indent(logical_lines[0]) if logical_lines else ""
    return first if first and (first.startswith("\t") or len(first) < len(default)) else default


def _and_at_line_start(view: ShellView) -> bool:
    """Does this chain put `&&` at the start of continuation lines (rather than at line ends)?"""
    start, end = and_breaks(view)
    return start > end


# -- mounts and later use ----------------------------------------------------------------------


def mount_targets(instruction: Instruction) -> list[str]:
    """Targets of cache and tmpfs mounts: what lands there never reaches the layer."""
    targets = []
    for value in instruction.flags_named("mount"):
        fields = dict(item.partition("=")[::2] for item in value.split(","))
        if fields.get("type") in ("cache", "tmpfs"):
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                targets.append(posixpath.normpath(target))
    return targets


def mounted_over(instruction: Instruction, *paths: str) -> bool:
    """Is any of `paths` (or a folder above or below it) a cache/tmpfs mount of this RUN?"""
    for target in mount_targets(instruction):
        for path in paths:
            if path == target or path.startswith(target + "/") or target.startswith(path + "/"):
                return True
    return False


def later_instructions(doc: Document, instruction: Instruction) -> Iterator[Instruction]:
    """Instructions that run on top of this one's layer: the rest of its stage, the stages built
    FROM it (transitively), and every ONBUILD of those stages."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return
    for item in stage.instructions:
        if item.index > instruction.index or item.cmd == "ONBUILD":
            yield item
    for other in doc.image.descendants(stage)[1:]:
        yield from other.instructions


_SCRIPT_NAME_RE = re.compile(r"\.(sh|bash)$")
_SHELLS = frozenset("sh bash dash ash zsh ksh".split())


def runs_unseen_script(doc: Document, instruction: Instruction) -> bool:
    """Does this RUN execute a script whose content we cannot see (a file, or `curl | sh`)?"""
    view = doc.shell(instruction)
    if view is None:
        return False
    for command in view.commands:
        words = command_words(view, command)
        if not words or words[0].value is None:
            continue
        name = words[0].value
        if name in (".", "source") or _SCRIPT_NAME_RE.search(name):
            return True
        if "/" in name and not name.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/")):
            return True
        if posixpath.basename(name) in _SHELLS:
            rest = [w.value for w in words[1:]]
            if not rest or (rest[0] is not None and not rest[0].startswith("-")):
                return True  # `sh script` or a shell reading its script from a pipe
    return False


def text_of(doc: Document, instruction: Instruction) -> str:
    """What a RUN runs, as text: the logical line plus any heredoc bodies."""
    return doc.logical(instruction).text + "".join("\n" + h.content for h in instruction.heredocs)


# -- apt ---------------------------------------------------------------------------------------

APT_PROGRAMS = ("apt-get", "apt")
APT_OPTIONS_WITH_VALUE = frozenset(
    "-o --option -c --config-file -t --target-release --default-release -a --host-architecture".split()
)
# Subcommands that read the package lists that `update` downloads.
APT_NEEDS_LISTS = frozenset(
    "install reinstall upgrade dist-upgrade full-upgrade build-dep source download satisfy".split()
)
_APT_LATER_NEED_RE = re.compile(
    r"\b(?:apt-get|apt|aptitude|apt-cache)\b[^;&|\n]*?\b(?:install|reinstall|upgrade|dist-upgrade|full-upgrade|"
    r"build-dep|source|download|satisfy|policy|show|showpkg|showsrc|madison|search|depends|rdepends)\b"
)
_APT_UPDATE_RE = re.compile(r"\b(?:apt-get|apt|aptitude)\b[^;&|\n]*?\bupdate\b")


_APT_SIMULATE = frozenset({"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"})


def apt_simulates(call: Invocation) -> bool:
    """`apt-get install -s ...` only prints what it would do (often in an `if` that probes a package)."""
    return any(
        value in _APT_SIMULATE or (value is not None and _SHORT_S_RE.fullmatch(value) is not None)
        for value in call.values()
    )


def apt_calls(view: ShellView, *, top_level: bool = False) -> list[tuple[Invocation, int, str]]:
    """apt-get/apt invocations with the index and value of their subcommand."""
    found = []
    for call in invocations(view, APT_PROGRAMS, top_level=top_level):
        sub = subcommand(call, APT_OPTIONS_WITH_VALUE)
        if sub is not None:
            found.append((call, sub[0], sub[1]))
    return found


def needs_apt_lists(text: str) -> bool:
    """Does this RUN text use the apt lists without downloading them first?"""
    need = _APT_LATER_NEED_RE.search(text)
    if need is None:
        return False
    update = _APT_UPDATE_RE.search(text)
    return update is None or update.start() > need.start()


# -- yum / dnf / microdnf / zypper -------------------------------------------------------------

RPM_PROGRAMS = ("yum", "dnf", "dnf5", "microdnf", "zypper")
RPM_OPTIONS_WITH_VALUE = frozenset(
    "-c --config -d --debuglevel -e --errorlevel --installroot --enablerepo --disablerepo -x --exclude "
    "--releasever --setopt --repo --repoid --rpmverbosity --color --downloaddir --destdir --forcearch "
    "--disableplugin --enableplugin -R --root -D --reposd-dir -C --cache-dir --raw-cache-dir "
    "--solv-cache-dir --pkg-cache-dir --userdata".split()
)
# yum/dnf subcommands that take a second word (`yum group install`, `dnf module enable`).
RPM_TWO_WORD = frozenset({"group", "groups", "module"})


def rpm_calls(view: ShellView, *, top_level: bool = False) -> list[tuple[Invocation, int, str]]:
    """yum/dnf/microdnf/zypper invocations with the index and value of their (last) subcommand
    word; for `yum group install` that is `install`, reported as `group install`."""
    found = []
    for call in invocations(view, RPM_PROGRAMS, top_level=top_level):
        sub = subcommand(call, RPM_OPTIONS_WITH_VALUE)
        if sub is None:
            continue
        index, value = sub
        if value in RPM_TWO_WORD and call.program != "zypper":
            rest = Invocation(call.command, call.program, call.program_word, call.words[index + 1 :], call.assignments)
            second = subcommand(rest, RPM_OPTIONS_WITH_VALUE)
            if second is None:
                continue
            index, value = index + 1 + second[0], f"{value} {second[1]}"
        found.append((call, index, value))
    return found


# -- apk ---------------------------------------------------------------------------------------

APK_OPTIONS_WITH_VALUE = frozenset(
    "-X --repository -p --root --arch --keys-dir --repositories-file --cache-dir --cache-max-age --timeout".split()
)
APK_CACHES = ("/var/cache/apk", "/etc/apk/cache")


def apk_calls(view: ShellView, *, top_level: bool = False) -> list[tuple[Invocation, int, str]]:
    found = []
    for call in invocations(view, ("apk",), top_level=top_level):
        sub = subcommand(call, APK_OPTIONS_WITH_VALUE)
        if sub is not None:
            found.append((call, sub[0], sub[1]))
    return found


# -- removing one part of a && chain -----------------------------------------------------------


def remove_chain_part(doc: Document, instruction: Instruction, view: ShellView, parts: list[Node], index: int) -> list[Edit] | None:
    """Edits that delete part `index` (not the last) of a `&&` chain with the `&&` after it."""
    if index >= len(parts) - 1:
        return None
    start = view.position(parts[index])
    stop = view.position(parts[index + 1])
    logical_lines = {line for line, _ in doc.logical(instruction).positions}
    if any(line not in logical_lines for line in range(start[0], stop[0] + 1)):
        return None  # a comment or blank line inside the span: leave it
    text = line_body(doc.lines[start[0]])[: start[1]] + line_body(doc.lines[stop[0]])[stop[1] :]
    return [Edit.replace(start[0], stop[0], text + "\n")]


# -- earlier ENV / ARG -------------------------------------------------------------------------


def earlier_instructions(doc: Document, instruction: Instruction) -> Iterator[Instruction]:
    """Instructions before this one in its stage and in the stages it is built FROM."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return
    for item in reversed(doc.image.chain(stage)):
        yield from (earlier for earlier in item.instructions if earlier.index < instruction.index)




# -- pip ---------------------------------------------------------------------------------------

PIP_OPTIONS_WITH_VALUE = frozenset(
    "--log --proxy --retries --timeout --exists-action --trusted-host --cert --client-cert --cache-dir --python "
    "--use-feature --use-deprecated --keyring-provider --log-file --local-log".split()
)
# `pip install`'s own options (pip 9 to 25, with the older ones Dockerfiles still use), and
# whether each takes a value. The general options above are accepted after `install` too.
_PIP_INSTALL_VALUE = frozenset(
    "--requirement --constraint --editable --index-url --extra-index-url --find-links --target --prefix --root "
    "--src --platform --python-version --implementation --abi --only-binary --no-binary --upgrade-strategy "
    "--progress-bar --global-option --install-option --build-option --config-settings --report "
    "--root-user-action --group --build --download --download-cache --allow-external --allow-unverified".split()
) | PIP_OPTIONS_WITH_VALUE
_PIP_INSTALL_FLAGS = frozenset(
    "--no-deps --pre --dry-run --user --upgrade --force-reinstall --ignore-installed --ignore-requires-python "
    "--no-build-isolation --use-pep517 --no-use-pep517 --check-build-dependencies --break-system-packages "
    "--compile --no-compile --no-warn-script-location --no-warn-conflicts --prefer-binary --require-hashes "
    "--no-clean --no-index --help --debug --isolated --require-virtualenv --verbose --version --quiet "
    "--no-input --no-cache-dir --disable-pip-version-check --no-color --no-python-version-warning "
    "--process-dependency-links --egg --allow-all-external --use-wheel --no-use-wheel --only-deps".split()
)
_PIP_SHORT = {"r": "--requirement", "c": "--constraint", "e": "--editable", "i": "--index-url",
              "f": "--find-links", "t": "--target", "C": "--config-settings", "b": "--build",
              "U": "--upgrade", "I": "--ignore-installed", "q": "--quiet", "v": "--verbose", "h": "--help",
              "V": "--version"}
# `uv pip install` (uv 0.1 to 0.9): its names, with pip's spelling where pip has the same option.
_UV_INSTALL_VALUE = {
    **{name: name for name in (
        "--editable --no-editable-package --overrides --excludes --extra --cert --group --target --prefix "
        "--no-binary --only-binary --python-version --python-platform --output-format --torch-backend --index "
        "--default-index --index-url --extra-index-url --find-links --index-strategy --keyring-provider "
        "--upgrade-package --upgrade-group --resolution --prerelease --prerelease-package --fork-strategy "
        "--exclude-newer --exclude-newer-package --no-sources-package --reinstall-package --link-mode "
        "--config-settings-package --no-build-isolation-package --cache-dir --refresh-package --python --color "
        "--allow-insecure-host --directory --project --config-file --build-constraints --override "
        "--build-constraint --python-preference --exclude".split())},
    "--requirements": "--requirement", "--requirement": "--requirement",
    "--constraints": "--constraint", "--constraint": "--constraint",
    "--config-setting": "--config-settings", "--config-settings": "--config-settings",
    "--trusted-host": "--allow-insecure-host",
}
_UV_INSTALL_FLAGS = frozenset(
    "--no-editable --all-extras --no-deps --require-hashes --no-verify-hashes --require-build-hashes --system "
    "--break-system-packages --no-break-system-packages --no-build --exact --strict --dry-run --check --user "
    "--no-index --upgrade --no-sources --reinstall --compile-bytecode --compile --no-build-isolation --no-cache "
    "--refresh --managed-python --no-managed-python --no-python-downloads --quiet --verbose --system-certs "
    "--native-tls --offline --no-progress --no-config --help --preview --no-preview --seed --pre".split()
)
_UV_SHORT = {"r": "--requirement", "c": "--constraint", "e": "--editable", "b": "--build-constraints",
             "t": "--target", "i": "--index-url", "f": "--find-links", "U": "--upgrade", "P": "--upgrade-package",
             "C": "--config-settings", "n": "--no-cache", "p": "--python", "q": "--quiet", "v": "--verbose",
             "h": "--help"}
# Options that name a requirements file; values of the editable option are requirements too.
PIP_REQUIREMENT_FILE_OPTIONS = frozenset({"--requirement", "--constraint", "--overrides", "--override",
                                          "--build-constraints", "--build-constraint", "--excludes", "--exclude"})
PIP_PATH_OPTIONS = frozenset({"--target", "--prefix", "--root", "--src", "--cache-dir", "--log", "--report",
                              "--log-file", "--local-log", "--cert", "--client-cert", "--build", "--download"})


@dataclass(frozen=True)
class PipArgument:
    """One argument of `pip install`: an option (with its value) or a requirement.

    `option` is pip's long spelling (`-r`, `--requirement=x`, uv's `--requirements` are all
    `--requirement`), None for a requirement, or the word itself when pip does not know it.
    `words` are the indexes of the words it spans; `value` is None for a flag.
    """

    option: str | None
    value: str | None
    words: tuple[int, ...]
    known: bool = True
    # A requirement right after an option we do not know: it may be that option's value.
    maybe_value: bool = False


def pip_install_arguments(values: Sequence[str | None], *, uv: bool = False) -> list[PipArgument]:
    """Read the words after `pip install` (`uv pip install` with `uv=True`) as pip does.

    Handles `--opt value`, `--opt=value`, short options with attached values and clusters
    (`-rreq.txt`, `-Ur req.txt`), and pip's unambiguous abbreviations of long options
    (`--requirem x`). A word that expands (None) is a requirement whose value is unknown.
    """
    found: list[PipArgument] = []
    index = 0
    after_unknown = False
    while index < len(values):
        word = values[index]
        if word is None or word == "-" or not word.startswith("-"):
            found.append(PipArgument(None, word, (index,), maybe_value=after_unknown))
            after_unknown = False
            index += 1
            continue
        after_unknown = False
        if word == "--":
            found.extend(PipArgument(None, value, (i,)) for i, value in enumerate(values[index + 1 :], index + 1))
            break
        if word.startswith("--"):
            name, equals, attached = word.partition("=")
            option, takes_value = _pip_long(name, uv)
            if option is None:
                found.append(PipArgument(word, None, (index,), known=False))
                after_unknown = not equals
                index += 1
                continue
            if takes_value and not equals and index + 1 < len(values):
                found.append(PipArgument(option, values[index + 1], (index, index + 1)))
                index += 2
            else:
                found.append(PipArgument(option, attached if equals else None, (index,)))
                index += 1
            continue
        short = _UV_SHORT if uv else _PIP_SHORT
        letters = word[1:]
        position = 0
        while position < len(letters):
            option = short.get(letters[position])
            if option is None:
                found.append(PipArgument(word, None, (index,), known=False))
                after_unknown = True
                break
            takes_value = option in (_UV_INSTALL_VALUE if uv else _PIP_INSTALL_VALUE)
            if not takes_value:
                found.append(PipArgument(option, None, (index,)))
                position += 1
                continue
            rest = letters[position + 1 :]
            if rest:
                found.append(PipArgument(option, rest, (index,)))
            elif index + 1 < len(values):
                found.append(PipArgument(option, values[index + 1], (index, index + 1)))
                index += 1
            else:
                found.append(PipArgument(option, None, (index,)))
            break
        index += 1
    return found


def _pip_long(name: str, uv: bool) -> tuple[str | None, bool]:
    """(pip's spelling, takes a value) of a long option, or (None, False) when unknown."""
    if uv:
        if name in _UV_INSTALL_VALUE:
            return _UV_INSTALL_VALUE[name], True
        return (name, False) if name in _UV_INSTALL_FLAGS else (None, False)
    if name in _PIP_INSTALL_VALUE:
        return name, True
    if name in _PIP_INSTALL_FLAGS:
        return name, False
    matches = [option for option in _PIP_INSTALL_VALUE | _PIP_INSTALL_FLAGS if option.startswith(name)]
    if len(matches) == 1 and len(name) > 3:  # optparse takes an unambiguous prefix
        return matches[0], matches[0] in _PIP_INSTALL_VALUE
    return None, False


def pip_installs(view: ShellView, *, top_level: bool = False) -> list[tuple[Invocation, int]]:
    """`pip install` calls (pip, pip3, pip3.11, python -m pip), with the index of `install`."""
    found = []
    for call in invocations(view, ("pip",), top_level=top_level):
        sub = subcommand(call, PIP_OPTIONS_WITH_VALUE)
        if sub is not None and sub[1] == "install":
            found.append((call, sub[0]))
    return found


@dataclass(frozen=True)
class PipInstall:
    """A `pip install` (pip, pip3, python -m pip) or `uv pip install`, with its arguments read."""

    call: Invocation
    uv: bool
    words: tuple[Word, ...]  # the words after `install`
    arguments: tuple[PipArgument, ...]  # indexes in `words`

    def requirements(self) -> list[tuple[Word, PipArgument]]:
        """The positional words: requirements (or paths) to install."""
        return [(self.words[arg.words[0]], arg) for arg in self.arguments if arg.option is None]


def pip_install_calls(view: ShellView, *, top_level: bool = False) -> list[PipInstall]:
    """Every `pip install` and `uv pip install` of a RUN body, its arguments read as pip reads them."""
    found = []
    for call in invocations(view, ("pip", "uv"), top_level=top_level):
        uv = call.program == "uv"
        if uv:
            sub = subcommand(call, frozenset(_UV_INSTALL_VALUE))
            if sub is None or sub[1] != "pip":
                continue
            call = Invocation(call.command, "pip", call.program_word, call.words[sub[0] + 1 :], call.assignments)
        sub = subcommand(call, frozenset(_UV_INSTALL_VALUE) if uv else PIP_OPTIONS_WITH_VALUE)
        if sub is None or sub[1] != "install":
            continue
        words = call.words[sub[0] + 1 :]
        arguments = pip_install_arguments([word.value for word in words], uv=uv)
        found.append(PipInstall(call, uv, words, tuple(arguments)))
    return found


_KNOWN_PROGRAMS = frozenset(APT_PROGRAMS) | frozenset(RPM_PROGRAMS) | {"apk", "pip", "uv", "gem", "npm", "yarn"}
