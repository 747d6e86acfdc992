"""What download and archive commands in a RUN do: curl's and wget's options and where their
output goes, and which archive tar or unzip extracts. Shared by the download transforms
(DO280-DO289).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dockopt.package_managers import Invocation, Word, end_position, invocations

if TYPE_CHECKING:
    from tree_sitter import Node

    from dockopt.shell import ShellView

# curl's short options that take a value (the rest of the cluster, or the next word).
CURL_SHORT_WITH_VALUE = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")
CURL_LONG_WITH_VALUE = frozenset(
    "--output --output-dir --header --data --data-raw --data-binary --data-ascii --data-urlencode --form "
    "--form-string --user --user-agent --request --retry --retry-delay --retry-max-time --max-time "
    "--connect-timeout --proxy --proxy-user --cacert --capath --cert --cert-type --key --key-type --config "
    "--referer --cookie --cookie-jar --write-out --range --upload-file --resolve --interface --limit-rate "
    "--max-filesize --max-redirs --proto --proto-redir --continue-at --dump-header --url --time-cond "
    "--speed-limit --speed-time --quote --telnet-option --ftp-port --connect-to --dns-servers --unix-socket "
    "--netrc-file --stderr --trace --trace-ascii --variable --expand-url".split()
)
_DEV_NULL = ("/dev/null",)


@dataclass(frozen=True)
class CurlCall:
    """One curl invocation, read: its option letters and names, and the words holding them."""

    call: Invocation
    shorts: frozenset[str]  # option letters given in short clusters (`-fsSL` gives f s S L)
    longs: frozenset[str]  # long options without their values (`--fail`, `--output`)
    clusters: tuple[Word, ...]  # short-option words written plainly (`-fsSL`), in order
    output: str | None  # the `-o` / `--output` value when static
    urls: tuple[Word, ...]

    def has(self, letter: str, *names: str) -> bool:
        return letter in self.shorts or any(name in self.longs for name in names)


def curl_calls(view: ShellView) -> list[CurlCall]:
    """Every curl call in the RUN, nested ones included (in `$(...)`, pipelines, `if`)."""
    return [_read_curl(call) for call in invocations(view, ("curl",), top_level=False)]


def _read_curl(call: Invocation) -> CurlCall:
    shorts: set[str] = set()
    longs: set[str] = set()
    clusters: list[Word] = []
    urls: list[Word] = []
    output = None
    words = call.words
    index = 0
    while index < len(words):
        word = words[index]
        value = word.value
        index += 1
        if value is None:
            continue
        if value == "--":
            urls.extend(words[index:])
            break
        if value.startswith("--"):
            name, eq, rest = value.partition("=")
            longs.add(name)
            if name in CURL_LONG_WITH_VALUE and not eq:
                if name == "--output" and index < len(words):
                    output = words[index].value
                index += 1
            elif name == "--output" and eq:
                output = rest
            continue
        if value.startswith("-") and len(value) > 1:
            clusters.append(word)
            for position, letter in enumerate(value[1:], start=1):
                shorts.add(letter)
                if letter in CURL_SHORT_WITH_VALUE:
                    given: str | None = value[position + 1 :]  # None: the next word expands
                    if not given and index < len(words):
                        given = words[index].value
                        index += 1
                    if letter == "o":
                        output = given
                    break
            continue
        urls.append(word)
    return CurlCall(call, frozenset(shorts), frozenset(longs), tuple(clusters), output, tuple(urls))


def output_is_used(view: ShellView, curl: CurlCall) -> bool:
    """Does what curl downloads go somewhere: a file (`-o`, `-O`, `> file`), a pipe, or `$(...)`?"""
    if curl.has("I", "--head"):
        return False
    if curl.output is not None:
        return curl.output not in _DEV_NULL
    if curl.has("O", "--remote-name", "--remote-name-all"):
        return True
    return stdout_is_used(view, curl.call.command.node)


def stdout_is_used(view: ShellView, node: Node) -> bool:
    """Is the standard output of this command written to a file, piped, or substituted?"""
    child = node
    parent = node.parent
    while parent is not None and parent.type != "program":
        if parent.type == "redirected_statement" and parent.children and parent.children[0] == child:
            for redirect in parent.children[1:]:
                target = _stdout_target(view, redirect)
                if target is not None:
                    return target not in _DEV_NULL
        if parent.type == "pipeline":
            pipes = [c for c in parent.children if c.type not in ("|", "|&")]
            if pipes and pipes[-1] != child:
                return True
        if parent.type in ("command_substitution", "process_substitution"):
            return True
        child, parent = parent, parent.parent
    return False


def _stdout_target(view: ShellView, redirect: Node) -> str | None:
    """The file a `> file`, `>> file` or `&> file` redirect sends standard output to."""
    if redirect.type != "file_redirect":
        return None
    descriptor = None
    operator = None
    target = None
    for child in redirect.children:
        if child.type == "file_descriptor":
            descriptor = view.text(child)
        elif child.type in (">", ">>", "&>", "&>>", ">|"):
            operator = child.type
        elif operator is not None and target is None:
            target = view.word(child) or view.text(child)
    if operator is None or descriptor not in (None, "1"):
        return None
    return target


def add_short_option(view: ShellView, curl: CurlCall, letter: str) -> tuple[int, int, int, str] | None:
    """A change that gives curl option `-letter`, as `line_edits` takes it: into the first plain
    short cluster (`-sSL` → `-fsSL`), else as a word right after `curl`."""
    for word in curl.clusters:
        end = end_position(view, word.node)
        if end is None or view.text(word.node) != word.value:
            continue
        start_column = end[1] - len(word.value)
        return end[0], start_column + 1, start_column + 1, letter
    end = end_position(view, curl.call.program_word.node)
    if end is None:
        return None
    return end[0], end[1], end[1], f" -{letter}"


# -- archives ----------------------------------------------------------------------------------

_TAR_LONG_WITH_VALUE = frozenset(
    "--file --directory --exclude --transform --xform --strip-components --owner --group --mode --use-compress-program "
    "--files-from --exclude-from --wildcards-match-slash --newer --after-date --label --format --blocking-factor".split()
)
_TAR_SHORT_WITH_VALUE = frozenset("fCTXIbKLNgVH")


def extracted_archive(call: Invocation) -> Word | None:
    """The archive that `tar -x ... -f FILE` (or `unzip FILE`) extracts, when written plainly."""
    if call.program == "unzip":
        skip = False
        for word in call.words:
            if skip:
                skip = False
            elif word.value in ("-d", "-P"):
                skip = True
            elif word.value is None or not word.value.startswith("-"):
                return word if word.value is not None else None
        return None
    words = call.words
    extract = False
    archive = None
    index = 0
    while index < len(words):
        value = words[index].value
        index += 1
        if value is None:
            continue
        if value.startswith("--"):
            name, eq, rest = value.partition("=")
            if name in ("--extract", "--get"):
                extract = True
            elif name == "--file":
                if eq:
                    archive = Word(rest, words[index - 1].node)
                elif index < len(words):
                    archive = words[index]
            if name in _TAR_LONG_WITH_VALUE and not eq:
                index += 1
        elif value.startswith("-") or (index == 1 and re.fullmatch(r"[A-Za-z]+", value)):
            old_style = not value.startswith("-")
            letters = value.lstrip("-")
            extract = extract or "x" in letters
            takes = [letter for letter in letters if letter in _TAR_SHORT_WITH_VALUE]
            if old_style:
                # `tar xzf FILE`: the values follow the letters, in the order of their letters.
                if "f" in takes and takes.index("f") + index < len(words):
                    archive = words[index + takes.index("f")]
                index += len(takes)
            elif takes:
                if takes[0] != letters[-1]:
                    return None  # `-CfDIR`-like clusters: too rare to be worth reading
                if takes[0] == "f" and index < len(words):
                    archive = words[index]
                index += 1
    return archive if extract else None


def url_file_name(url: str) -> str | None:
    """The file name `curl -O` or `wget` gives a download: the URL path's last part."""
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    if "/" not in path:
        return None
    name = posixpath.basename(path)
    return name or None
