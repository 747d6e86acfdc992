"""The cache policy: delete package-manager caches in the layer ("clean", the default) or keep
them on BuildKit cache mounts ("mount": `RUN --mount=type=cache,target=...`).

One policy per run, never both in one RUN: under "mount" the cleanup passes (DO214, DO221, DO240,
DO245) stand down on every RUN a mount pass (DO253-DO255, DO257, DO259) takes over, and the mount
passes take out the cleanups that would empty the cache on every build. Where no mount can be used
(another user than root, a cleanup we cannot take out, a base image whose yum/dnf we cannot
tell), the cleanup passes still clean: the image is never bigger than with "clean". DO256
(unsafe) removes Debian's `docker-clean`, so apt's mount keeps the downloaded packages too. Go's
caches (DO257) are not cleaned under "clean" either; their mount is unsafe, as they then no
longer ship in the image.

apk has no mount pass (code DO258 is not used): `apk add --no-cache` (DO230, which keeps cleaning
under both policies) stays the answer. A mount of /var/cache/apk without `--no-cache` would keep
only the repository indexes, a few megabytes, since apk keeps packages only when /etc/apk/cache
exists; creating that link would ship in the image and make every later `apk add` without the
mount keep its packages in the layer. And apk reuses a cached index for hours without fetching
it again, where `--no-cache` always reads the current one: a build could install older packages,
or fail on one the mirror no longer has. Small gain, changed meaning: not worth a rule.

No `# syntax=` directive is added: BuildKit's built-in Dockerfile frontend reads `RUN --mount`
since Docker 20.10 (Dockerfile syntax 1.2; `sharing=locked` is part of it), and a `# syntax=`
line makes every build pull the frontend image from Docker Hub. The legacy builder
(`DOCKER_BUILDKIT=0`) rejects `--mount` with or without it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from dockopt.base_images import family, split_reference
from dockopt.edits import Edit
from dockopt.image import is_root_user
from dockopt.package_managers import (
    apt_calls,
    command_words,
    earlier_instructions,
    end_position,
    invocations,
    later_instructions,
    mount_targets,
    mounted_over,
    needs_apt_lists,
    pip_install_calls,
    rpm_calls,
    runs_unseen_script,
    subcommand,
    text_of,
)
from dockopt.package_managers import Invocation, Word
from dockopt.package_managers import word_span as word_place  # (line, start, end) of a word
from dockopt.text import line_body

if TYPE_CHECKING:
    from tree_sitter import Node

    from dockopt.document import Document, Instruction
    from dockopt.shell import ShellView
    from dockopt.transform import Context

MOUNT = "mount"


def mounting(ctx: Context) -> bool:
    """Is the run's cache policy "mount"?"""
    return ctx.options.get("cache") == MOUNT


def cache_flag(target: str, *, locked: bool = False) -> str:
    """`--mount=type=cache,target=...`; `sharing=locked` for tools that break when two builds
    write the folder at once (apt takes a lock there and fails; Yarn 1 does not lock at all)."""
    return f"--mount=type=cache,target={target}" + (",sharing=locked" if locked else "")


def missing(instruction: Instruction, targets: list[str]) -> list[str]:
    """The targets this RUN does not mount yet (a cache or tmpfs mount at or above them)."""
    mounted = mount_targets(instruction)
    return [t for t in targets if not any(t == m or t.startswith(m.rstrip("/") + "/") for m in mounted)]


def runs_as_root(doc: Document, instruction: Instruction) -> bool:
    """Does the RUN run as root (no USER: the base image's user, root for the images that install
    packages)? A cache mount is made root-owned: another user cannot write it."""
    user = doc.image.scope(instruction).user
    return user is None or is_root_user(user)


def windows(doc: Document, instruction: Instruction) -> bool:
    """Is the RUN in a Windows stage (cmd or PowerShell: none of these tools, none of these paths)?"""
    stage = doc.stage_of(instruction)
    return stage is not None and doc.image.stage(stage).windows


def home(doc: Document, instruction: Instruction, name: str = "HOME") -> str | None:
    """An environment folder (`HOME`, `XDG_CACHE_HOME`) as the RUN sees it: None when it is
    unknown or set inside the RUN (where we do not follow it); unset, `/root` for HOME (the RUN
    runs as root) and "" for the others."""
    values = doc.image.scope(instruction).variables
    if re.search(rf"\b{name}=", instruction.original):
        return None
    if name in values:
        value = values[name]
        return value if value and "$" not in value and value.startswith("/") else None
    return "/root" if name == "HOME" else ""


def user_cache(doc: Document, instruction: Instruction, *parts: str) -> str | None:
    """`$XDG_CACHE_HOME/<parts>`, else `$HOME/.cache/<parts>`: where most tools put their cache."""
    xdg = home(doc, instruction, "XDG_CACHE_HOME")
    if xdg is None:
        return None
    if xdg:
        return posixpath.join(xdg, *parts)
    base = home(doc, instruction)
    return posixpath.join(base, ".cache", *parts) if base else None


_KEYWORD_RE = re.compile(r"^([ \t]*)([A-Za-z]+)([ \t]+)")

# A change of the RUN's text: (line, column) to (line, column), replaced by a text.
Span = tuple[tuple[int, int], tuple[int, int], str]


def mount_span(doc: Document, instruction: Instruction, flags: list[str]) -> Span | None:
    """Puts `flags` right after the RUN keyword, before any flag it has."""
    body = line_body(doc.lines[instruction.start])
    match = _KEYWORD_RE.match(body)
    if match is None or match.group(2).upper() != "RUN":
        return None
    at = (instruction.start, match.end())
    return at, at, " ".join(flags) + " "


def word_span(view: ShellView, word: Word) -> Span | None:
    """Deletes a one-line option word with the blank before it."""
    place = word_place(view, word)
    if place is None:
        return None
    line, start, end = place
    return (line, start - 1), (line, end), ""


def part_span(doc: Document, instruction: Instruction, view: ShellView, parts: list[Node], index: int) -> Span | None:
    """Deletes part `index` (not the last) of a `&&` chain with the `&&` after it. None when a
    comment or blank line lies in the span."""
    if index >= len(parts) - 1:
        return None
    start, stop = view.position(parts[index]), view.position(parts[index + 1])
    return (start, stop, "") if _plain_lines(doc, instruction, start[0], stop[0]) else None


def rewrite(doc: Document, instruction: Instruction, spans: list[Span]) -> list[Edit] | None:
    """One edit of the RUN's lines with every span applied; None when two spans overlap. A line
    that a removal leaves without text (a last `&& cleanup` on a line of its own) goes, with the
    escape character that continued the line before it."""
    spans = sorted(spans, key=lambda span: (span[0], span[1]))
    for one, other in zip(spans, spans[1:]):
        if other[0] < one[1]:
            return None
    first = instruction.start
    lines = [line_body(line) for line in doc.lines[first : instruction.end + 1]]
    for (start, stop, text) in reversed(spans):
        (l1, c1), (l2, c2) = start, stop
        joined = lines[l1 - first][:c1] + text + lines[l2 - first][c2:]
        lines[l1 - first : l2 - first + 1] = [joined]
        if not joined.strip() and l1 > first:  # the removed part had the line to itself
            del lines[l1 - first]
            before = lines[l1 - first - 1].rstrip(" \t")
            if before.endswith(doc.escape) and l1 - first - 1 == len(lines) - 1:
                lines[l1 - first - 1] = before[:-1].rstrip(" \t")
    return [Edit.replace(first, instruction.end, "".join(line + "\n" for line in lines))]


# -- plans: what the mount passes do, and where the cleanup passes stand down -----------------


@dataclass(frozen=True)
class Plan:
    """Cache mounts for one RUN: the flags to add and the cleanups to take out (they would empty
    the cache on every build, and what they deleted is on the mount, never in the layer)."""

    flags: tuple[str, ...]
    spans: tuple[Span, ...]
    unsafe: str | None = None  # what may change, when the rewrite is not safe
    message: str = ""  # what the fix does, for passes that say it per RUN

    def edits(self, doc: Document, instruction: Instruction) -> list[Edit] | None:
        head = mount_span(doc, instruction, list(self.flags))
        return None if head is None else rewrite(doc, instruction, [head, *self.spans])


def _eligible(doc: Document, instruction: Instruction, view: ShellView) -> bool:
    return not view.has_error and not windows(doc, instruction) and runs_as_root(doc, instruction)


def _cleanup_spans(
    doc: Document, instruction: Instruction, view: ShellView, folders: list[str], commands: Callable[[list[str | None]], bool]
) -> list[Span] | None:
    """Spans that take out each cleanup of `folders` (an `rm` of them, or a command for which
    `commands(words)` is true); None when one cannot be taken out cleanly (not a part of the
    RUN's `&&` chain, or an `rm` that also removes other things in a way we cannot split)."""
    parts = view.and_chain() or []
    by_node = {part.id: index for index, part in enumerate(parts)}
    spans: list[Span] = []
    removed_parts: list[int] = []
    for command in view.commands:
        words = command_words(view, command)
        values = [word.value for word in words]
        if command.name == "rm" and any(_under(value, folders) for value in values[1:]):
            targets = [word for word in words[1:] if not (word.value or "").startswith("-")]
            ours = [word for word in targets if _under(word.value, folders)]
            if len(ours) < len(targets):
                for word in ours:
                    span = word_span(view, word)
                    if span is None:
                        return None
                    spans.append(span)
                continue
        elif not commands(values):
            continue
        index = by_node.get(command.node.id)
        if index is None or command.assignments:
            return None
        removed_parts.append(index)
    if removed_parts and len(removed_parts) >= len(parts):
        return None  # nothing but cleanups: leave the RUN to the user
    removed_parts.sort()
    last = len(parts) - 1
    while removed_parts and removed_parts[-1] == last:  # a run of cleanups at the end goes as one
        removed_parts.pop()
        last -= 1
    tail = len(parts) - 1 - last
    if tail:
        start, stop = end_position(view, parts[last]), end_position(view, parts[-1])
        if start is None or stop is None or not _plain_lines(doc, instruction, start[0], stop[0]):
            return None
        spans.append((start, stop, ""))
    for index in removed_parts:
        span = part_span(doc, instruction, view, parts, index)
        if span is None:
            return None
        spans.append(span)
    return spans


def _plain_lines(doc: Document, instruction: Instruction, first: int, last: int) -> bool:
    """No comment or blank line between these lines of the RUN."""
    logical_lines = {line for line, _ in doc.logical(instruction).positions}
    return all(line in logical_lines for line in range(first, last + 1))


def _under(value: str | None, folders: list[str]) -> bool:
    if value is None:
        return False
    value = value.replace("~/", "/root/", 1) if value.startswith("~/") else value
    value = re.sub(r"^\$\{?HOME\}?/", "/root/", value)
    return any(value == folder or value.startswith(folder.rstrip("/") + "/") for folder in folders)


def _read_later(doc: Document, instruction: Instruction, folders: list[str]) -> bool:
    """Does a later instruction (or a COPY --from of any stage) name one of these folders, other
    than to remove it? The cache is then used, and must stay in the image."""
    later = list(later_instructions(doc, instruction)) + [
        other for other in doc.instructions
        if other.index > instruction.index and other.cmd in ("COPY", "ADD") and other.flag("from") is not None
    ]
    for item in later:
        if any(folder in item.original for folder in folders):
            view = doc.shell(item) if "RUN" in (item.cmd, item.sub_cmd) else None
            if view is None or any(c.name != "rm" and any(_under(a, folders) for a in c.args) for c in view.commands):
                return True
    return False


def _decided(doc: Document, instruction: Instruction, names: tuple[str, ...]) -> bool:
    """Is one of these settings (which place or disable a tool's cache) set, in ENV/ARG or the RUN?"""
    variables = doc.image.scope(instruction).variables
    return any(name in variables or re.search(rf"\b{name}=", instruction.original) for name in names)


APT_FOLDERS = ["/var/cache/apt", "/var/lib/apt/lists"]
_APT_CLEAN = frozenset({"clean", "autoclean", "auto-clean"})


def apt_plan(doc: Document, instruction: Instruction, view: ShellView) -> Plan | None:
    """Mount apt's package cache and lists on a RUN that runs `apt-get update` (apt takes a lock in
    both: `sharing=locked`). Only the lists folder, not all of /var/lib/apt: apt records there
    which packages were installed as dependencies (`extended_states`), which must stay in the image."""
    subs = [sub for _, _, sub in apt_calls(view)]
    if "update" not in subs or not _eligible(doc, instruction, view):
        return None
    text = text_of(doc, instruction)
    if needs_apt_lists(text):
        return None  # it installs from lists of the image before it updates them
    flags = [cache_flag(target, locked=True) for target in missing(instruction, APT_FOLDERS)]
    if not flags:
        return None
    later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
    if any(needs_apt_lists(text_of(doc, item)) for item in later):
        return None  # a later RUN installs from these lists: they must stay in the image
    spans = _cleanup_spans(
        doc, instruction, view, APT_FOLDERS,
        lambda values: len(values) >= 2 and values[0] in ("apt-get", "apt") and values[-1] in _APT_CLEAN
        and all((v or "").startswith("-") for v in values[1:-1]),
    )
    if spans is None:
        return None
    if spans and any(
        apt_calls_update(doc, item) and not mounted_over(item, APT_FOLDERS[1]) and APT_FOLDERS[1] not in text_of(doc, item)
        for item in earlier_instructions(doc, instruction) if item.cmd == "RUN"
    ):
        return None  # an earlier RUN left lists in the image, which this RUN's cleanup deletes
    unsafe = None
    if any(runs_unseen_script(doc, item) for item in later):
        unsafe = "a later script may still install from the lists, which no longer ship"
    return Plan(tuple(flags), tuple(spans), unsafe)


def apt_calls_update(doc: Document, instruction: Instruction) -> bool:
    view = doc.shell(instruction)
    return view is not None and any(sub == "update" for _, _, sub in apt_calls(view))


_PIP_SETTINGS = ("PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "PIP_CONFIG_FILE")


def pip_plan(doc: Document, instruction: Instruction, view: ShellView) -> Plan | None:
    """Mount the cache of pip (`pip install`, `uv pip install`, `uv sync`/`add`, `poetry install`)."""
    if not _eligible(doc, instruction, view):
        return None
    tools: dict[str, list[Invocation]] = {}
    removable = []
    for call in pip_install_calls(view):
        tool = "uv" if call.uv else "pip"
        tools.setdefault(tool, []).append(call.call)
    for uv in invocations(view, ("uv",)):
        sub = subcommand(uv)
        if sub is not None and sub[1] in ("sync", "add", "run", "tool", "lock"):
            tools.setdefault("uv", []).append(uv)
    for poetry in invocations(view, ("poetry",)):
        sub = subcommand(poetry)
        if sub is not None and sub[1] in ("install", "add", "update", "lock"):
            tools.setdefault("poetry", []).append(poetry)
    if not tools:
        return None
    settings = {"pip": _PIP_SETTINGS, "uv": ("UV_CACHE_DIR", "UV_NO_CACHE"), "poetry": ("POETRY_CACHE_DIR",)}
    folders = {"pip": "pip", "uv": "uv", "poetry": "pypoetry"}
    no_cache = {"pip": "--no-cache-dir", "uv": "--no-cache", "poetry": "--no-cache"}
    targets = []
    for tool, calls in tools.items():
        if _decided(doc, instruction, settings[tool]):
            return None  # the cache is placed or disabled on purpose
        target = user_cache(doc, instruction, folders[tool])
        if target is None:
            return None
        targets.append(target)
        for invocation in calls:
            for word in invocation.words:
                if word.value == no_cache[tool]:
                    removable.append(word)
                elif (tool == "pip" and (word.value or "").startswith("--cache-dir")) or (tool == "uv" and word.value == "-n"):
                    return None
    if _read_later(doc, instruction, targets):
        return None
    flags = [cache_flag(target) for target in missing(instruction, targets)]
    if not flags:
        return None
    found = [word_span(view, word) for word in removable]
    spans = [span for span in found if span is not None]
    if len(spans) != len(found):
        return None
    cleanups = _cleanup_spans(
        doc, instruction, view, targets,
        lambda values: values[:3] in (["pip", "cache", "purge"], ["pip3", "cache", "purge"], ["uv", "cache", "clean"]),
    )
    if cleanups is None:
        return None
    return Plan(tuple(flags), tuple(spans) + tuple(cleanups))


_NPM_INSTALLS = frozenset(
    "install i in ins inst insta instal isnt isnta isntal isntall add ci clean-install install-clean "
    "isntall-clean update up upgrade".split()
)
_YARN_INSTALLS = frozenset({"install", "add", "upgrade", "global"})
_PNPM_INSTALLS = frozenset({"install", "i", "add", "update", "up", "fetch"})
_OFFLINE_RE = re.compile(r"--(prefer-)?offline\b")


def npm_plan(doc: Document, instruction: Instruction, view: ShellView) -> Plan | None:
    """Mount the cache of npm (`~/.npm`), Yarn 1 (`/usr/local/share/.cache/yarn` for root; Yarn 2+
    keeps its cache elsewhere and is not affected) and pnpm (its store)."""
    if not _eligible(doc, instruction, view):
        return None
    tools = []
    for call in invocations(view, ("npm", "yarn", "pnpm")):
        sub = subcommand(call)
        if call.program == "npm" and sub is not None and sub[1] in _NPM_INSTALLS:
            tools.append("npm")
        elif call.program == "yarn" and (sub is None and not call.words or sub is not None and sub[1] in _YARN_INSTALLS):
            tools.append("yarn")
        elif call.program == "pnpm" and sub is not None and sub[1] in _PNPM_INSTALLS:
            tools.append("pnpm")
        elif call.program == "npm" and sub is not None and sub[1] == "cache" and not call.has("--force"):
            return None  # `npm cache clean` without --force fails on npm 5+: the build must keep failing
    if not tools or re.search(r"--offline\b", text_of(doc, instruction)):
        return None  # an offline install reads the cache the image holds, which a mount would hide
    targets: list[tuple[str, bool]] = []
    for tool in dict.fromkeys(tools):
        if tool == "npm":
            if _decided(doc, instruction, ("npm_config_cache", "NPM_CONFIG_CACHE")):
                return None
            base = home(doc, instruction)
            target = base and posixpath.join(base, ".npm")
        elif tool == "yarn":
            if _decided(doc, instruction, ("YARN_CACHE_FOLDER", "yarn_cache_folder")):
                return None
            target = "/usr/local/share/.cache/yarn"
        else:
            if _decided(doc, instruction, ("npm_config_store_dir", "XDG_DATA_HOME")):
                return None
            pnpm_home = doc.image.scope(instruction).variables.get("PNPM_HOME", "")
            base = home(doc, instruction)
            if pnpm_home:
                target = posixpath.join(pnpm_home, "store") if pnpm_home.startswith("/") and "$" not in pnpm_home else None
            else:
                target = base and posixpath.join(base, ".local", "share", "pnpm", "store")
        if not target:
            return None
        targets.append((target, tool == "yarn"))
    folders = [target for target, _ in targets]
    later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
    if any(_OFFLINE_RE.search(text_of(doc, item)) for item in later) or _read_later(doc, instruction, folders):
        return None  # a later step installs from this cache
    flags = [cache_flag(target, locked=locked) for target, locked in targets if missing(instruction, [target])]
    if not flags:
        return None
    cleanups = _cleanup_spans(
        doc, instruction, view, folders,
        lambda values: values[:3] == ["npm", "cache", "clean"] or values[:3] == ["yarn", "cache", "clean"]
        or values[:3] == ["pnpm", "store", "prune"],
    )
    if cleanups is None:
        return None
    return Plan(tuple(flags), tuple(cleanups))


# Debian's and Ubuntu's images delete every downloaded .deb after each apt run (docker-clean);
# apt must also be told to keep them (they are on the mount, not in the layer).
KEEP_DEBS = (
    "rm -f /etc/apt/apt.conf.d/docker-clean"
    " && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache"
)


def keep_debs_span(doc: Document, instruction: Instruction, view: ShellView) -> Span | None:
    """Puts KEEP_DEBS first in a RUN that mounts apt's package cache, unless this RUN or an earlier
    one already deals with docker-clean. None when the body is not one `&&` chain (an `&&` put
    before `a; b` would change which failure fails the build)."""
    if "/var/cache/apt" not in mount_targets(instruction) or not apt_calls(view):
        return None
    if windows(doc, instruction) or not runs_as_root(doc, instruction):
        return None
    seen = [instruction, *earlier_instructions(doc, instruction)]
    if any("docker-clean" in item.original or "Keep-Downloaded-Packages" in item.original for item in seen):
        return None
    parts = view.and_chain()
    if not parts or view.has_error:
        return None
    at = view.position(parts[0])
    return at, at, KEEP_DEBS + " && "


# -- Go -----------------------------------------------------------------------------------------

_GO_FILLS = frozenset({"build", "install", "test", "vet", "run", "list", "get"})  # compile, and read modules
_GO_MOD_FILLS = frozenset({"download", "tidy", "vendor", "verify", "graph", "why"})  # read only modules
_GO_LATER_RE = re.compile(r"""(?:^|[\s"'\[,/;&|(])go["']?[\s,]+["']?(?:run|build|install|test|get|generate|vet|list|mod)\b""")
_GO_CLEAN_FLAGS = {"-cache": "cache", "-modcache": "modcache", "-testcache": "cache"}


def go_plan(doc: Document, instruction: Instruction, view: ShellView) -> Plan | None:
    """Mount Go's build cache (GOCACHE) and module cache (GOMODCACHE) on a RUN that runs `go
    build`, `go install`, `go test` or `go mod download`. Unsafe: neither cache ships in the image
    any more, so a later go command without the mount (or the container, `go run` at start)
    compiles and downloads again. The module cache is mounted only when every other step of the
    stage chain that runs go gets (or has) the same mount: a step without it would not find the
    modules another step downloaded (an earlier one: they are hidden under the mount; a later one,
    or the container: they are not in the image), and would download them again where there may be
    no network. Only the build cache is then mounted."""
    caches = _go_caches(doc, instruction, view)
    if caches is None:
        return None
    gocache, modcache, builds = caches
    note = ""
    targets = []
    if gocache and builds and not _read_later(doc, instruction, [gocache]):
        targets.append(gocache)
    if modcache and _read_later(doc, instruction, [modcache]):
        note = " (not the module cache: a later step names it)"
    elif modcache:
        blocker = _go_without_module_mount(doc, instruction, modcache)
        if blocker:
            note = f" (not the module cache: {blocker})"
        else:
            targets.append(modcache)
    added = missing(instruction, targets)
    if not added:
        return None
    mounted = {"cache": gocache in targets, "modcache": modcache in targets}

    def cleans_only_mounted(values: list[str | None]) -> bool:  # `go clean -cache -modcache` of mounted caches only
        kinds = [_GO_CLEAN_FLAGS.get(value or "") for value in values[2:]]
        return values[:2] == ["go", "clean"] and bool(kinds) and all(kind and mounted[kind] for kind in kinds)

    cleanups = _cleanup_spans(doc, instruction, view, targets, cleans_only_mounted)
    if cleanups is None:
        return None
    if mounted["cache"] and mounted["modcache"]:
        message = "keep Go's build and module caches on cache mounts"
        unsafe = "Go's caches no longer ship in the image: a later go command without the mounts compiles and downloads again"
    elif mounted["cache"]:
        message = "keep Go's build cache on a cache mount" + note
        unsafe = "Go's build cache no longer ships in the image: a later go command without the mount compiles again"
    else:
        message = "keep Go's module cache on a cache mount"
        unsafe = "Go's module cache no longer ships in the image: a later go command without the mount downloads again"
    return Plan(tuple(cache_flag(target) for target in added), tuple(cleanups), unsafe, message)


def _go_caches(doc: Document, instruction: Instruction, view: ShellView) -> tuple[str | None, str | None, bool] | None:
    """(GOCACHE, GOMODCACHE, compiles) as this RUN sees them (None for a folder we cannot tell;
    compiles: it runs more than `go mod download`, which fills only the module cache) when the
    RUN fills them and may get mounts; None otherwise."""
    if not _eligible(doc, instruction, view):
        return None
    calls, builds = [], False
    for call in invocations(view, ("go",)):
        sub = subcommand(call)
        if sub is None:
            continue
        rest = [word.value for word in call.words[sub[0] + 1 :]]
        if sub[1] in _GO_FILLS or (sub[1] == "mod" and rest[:1] and rest[0] in _GO_MOD_FILLS):
            calls.append(call)
            builds = builds or sub[1] in _GO_FILLS
    if not calls:
        return None
    if re.search(r"\bGO(?:CACHE|MODCACHE|PATH|ENV)=", instruction.original):
        return None  # set inside the RUN: we do not follow it
    if any(command.name in ("eval", "source", ".") for command in view.commands):
        return None  # it may set GOPATH and the like (`eval "$(gimme 1.22)"`), which we do not see
    variables = doc.image.scope(instruction).variables
    if "GOENV" in variables:
        return None  # a go.env file of its own may place the caches elsewhere
    stage = doc.stage_of(instruction)
    # Go's defaults hold on images we know; another (a variable, a vendor's Go image) may set
    # GOPATH or GOCACHE in its own config, which we cannot see.
    known = stage is not None and family(doc.image.stage(stage).base_image) not in ("unknown", "distroless", "scratch")
    gocache = _absolute(variables.get("GOCACHE")) if "GOCACHE" in variables else known and user_cache(doc, instruction, "go-build") or None
    if "GOMODCACHE" in variables:
        modcache = _absolute(variables.get("GOMODCACHE"))
    elif "GOPATH" in variables:
        gopath = _absolute(variables.get("GOPATH"))
        modcache = gopath and posixpath.join(gopath, "pkg", "mod")
    else:
        base = home(doc, instruction) if known else None
        modcache = base and posixpath.join(base, "go", "pkg", "mod")
    return (gocache, modcache, builds) if gocache or modcache else None


def _absolute(value: str | None) -> str | None:
    return value if value and value.startswith("/") and "$" not in value and ":" not in value else None


def _go_without_module_mount(doc: Document, instruction: Instruction, modcache: str) -> str | None:
    """The first other step of the stage chain (earlier, later, or a stage built on it) that runs
    go without a mount of this module cache, and will not get one either, or an earlier one that
    puts files there (a mount would hide them); None when there is none."""
    earlier = list(earlier_instructions(doc, instruction))
    for item in earlier:
        if item.cmd in ("COPY", "ADD") and modcache in item.original:
            return f"line {item.line} puts modules there, which a mount would hide"
    for item in [*earlier, *later_instructions(doc, instruction)]:
        if item is instruction:
            continue
        if item.cmd in ("CMD", "ENTRYPOINT", "ONBUILD"):
            if _GO_LATER_RE.search(item.original):
                return f"line {item.line} runs go, and needs the modules in the image"
            continue
        if item.cmd != "RUN" or not _GO_LATER_RE.search(text_of(doc, item)) or mounted_over(item, modcache):
            continue
        view = doc.shell(item)
        caches = _go_caches(doc, item, view) if view is not None else None
        if caches is None or caches[1] != modcache:
            return f"line {item.line} runs go without the mount"
    return None


# -- yum / dnf ----------------------------------------------------------------------------------

# Subcommands that download repository metadata or packages into the cache.
RPM_FILLS_CACHE = frozenset(
    "install groupinstall localinstall reinstall update upgrade update-minimal upgrade-minimal makecache "
    "downgrade distro-sync distrosync swap builddep in up".split()
)


def rpm_generation(doc: Document, instruction: Instruction) -> str | None:
    """Which yum/dnf the stage's base image ships, as far as its name tells: "yum" (yum 3,
    /var/cache/yum), "dnf" (dnf 4, /var/cache/dnf; `yum` is dnf there), "dnf5"
    (/var/cache/libdnf5: Fedora 41 and later); None when the name does not tell."""
    stage = doc.stage_of(instruction)
    if stage is None:
        return None
    repository, tag = split_reference(doc.image.stage(stage).base_image)
    name = repository.rsplit("/", 1)[-1]
    if "$" in repository + tag:
        return None
    number = re.match(r"(?:centos|stream)?(\d+)", tag)
    major = int(number.group(1)) if number else None
    if name == "fedora" or repository.endswith("fedora/fedora"):
        if tag in ("", "latest", "rawhide") or (major is not None and major >= 41):
            return "dnf5"
        return "dnf" if major is not None and major >= 22 else None
    if name in ("rockylinux", "almalinux") or re.search(r"(^|/)ubi(8|9)(-init)?(/|$)", repository):
        return "dnf"
    if name in ("centos", "oraclelinux", "scientific"):
        if major == 7 or tag.startswith("centos7"):
            return "yum"
        if major in (8, 9, 10) or tag.startswith("stream"):
            return "dnf"
        return None
    if name == "amazonlinux":
        return "dnf" if tag.startswith("2023") else "yum" if major == 2 else None
    if re.search(r"(^|/)ubi7(/|$)", repository):
        return "yum"
    return None


_RPM_CACHE = {"yum": "/var/cache/yum", "dnf": "/var/cache/dnf", "dnf5": "/var/cache/libdnf5"}
_RPM_CLEAN_KINDS = frozenset({"all", "packages", "metadata", "dbcache", "expire-cache"})


def _rpm_cleans_cache(values: list[str | None]) -> bool:
    """`dnf clean all` (`yum -y clean packages`, ...): it empties only the tool's cache folder."""
    if not values or values[0] not in ("yum", "dnf", "dnf5"):
        return False
    rest = [value for value in values[1:] if value in ("-y", "-q", "--assumeyes", "--quiet")]
    words = [value for value in values[1:] if value not in rest]
    return len(words) >= 2 and words[0] == "clean" and all(word in _RPM_CLEAN_KINDS for word in words[1:])


_RPM_OFFLINE_RE = re.compile(r"\b(?:yum|dnf5?)\b[^;&|\n]*\s(?:-C|--cacheonly)\b")


def rpm_plan(doc: Document, instruction: Instruction, view: ShellView) -> Plan | None:
    """Mount the yum/dnf cache (metadata and, with keepcache, the packages) with
    `sharing=locked` on a RUN that installs with yum or dnf, tell each call to keep the packages
    and to check the cached metadata first (`--refresh`: the same packages as a fresh download),
    and take out the `clean` that would empty the cache. microdnf and zypper are left
    to the cleanup (DO221): their cache folder and options differ between versions."""
    if not _eligible(doc, instruction, view):
        return None
    calls = [
        (call, index) for call, index, sub in rpm_calls(view)
        if call.program in ("yum", "dnf", "dnf5")
        and (sub.split(" ")[-1] in RPM_FILLS_CACHE or sub.startswith(("group ", "groups ", "module ")))
    ]
    if not calls or any(call.program not in ("yum", "dnf", "dnf5") for call, _, _ in rpm_calls(view)):
        return None
    generation = rpm_generation(doc, instruction)
    if generation is None:
        return None
    if any(call.program == "dnf" and generation == "yum" for call, _ in calls):
        return None
    if any(call.has_prefix("--installroot", "--setopt=cachedir", "--setopt=keepcache", "--setopt=metadata_expire") for call, _ in calls):
        return None
    text = text_of(doc, instruction)
    if re.search(r"/etc/(?:yum|dnf)[^\s]*\.conf|/etc/dnf/|/etc/yum\.conf", text) or _RPM_OFFLINE_RE.search(text):
        return None  # the RUN changes the tool's settings, or installs from the image's cache
    cache = _RPM_CACHE["dnf5" if any(call.program == "dnf5" for call, _ in calls) else generation]
    later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
    if any(_RPM_OFFLINE_RE.search(text_of(doc, item)) for item in later) or _read_later(doc, instruction, [cache]):
        return None  # a later step installs from (or names) the cache the image holds
    flags = [cache_flag(target, locked=True) for target in missing(instruction, [cache])]
    if not flags:
        return None
    spans: list[Span] = []
    for call, _ in calls:
        end = end_position(view, call.program_word.node)
        if end is None or view.text(call.program_word.node) != call.program_word.value:
            return None
        keep = "--setopt=keepcache=1" if call.program == "yum" else "--setopt=keepcache=True"
        # A cache holds metadata until it expires (hours, days): without a check the install
        # could pick older packages than the fresh download the RUN made before. The check
        # fetches only repomd.xml, and the rest again only when it changed.
        fresh = "--setopt=metadata_expire=0" if generation == "yum" else "--refresh"
        spans.append((end, end, f" {keep}" + ("" if call.has("--refresh") else f" {fresh}")))
    cleanups = _cleanup_spans(doc, instruction, view, [cache], _rpm_cleans_cache)
    if cleanups is None:
        return None
    return Plan(tuple(flags), tuple(spans) + tuple(cleanups))
