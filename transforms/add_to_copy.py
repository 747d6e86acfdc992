"""DO102 add-to-copy."""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

from dockopt.context import BuildContext
from dockopt.document import Document, Instruction, line_body, same_case
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

# ADD unpacks a local tar archive, plain or compressed; any of these names may be one.
ARCHIVE_SUFFIXES = (
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tlz", ".tzst", ".tz",
    ".gz", ".bz2", ".xz", ".lz", ".lzma", ".lz4", ".zst", ".z",
)  # fmt: skip
# Magic numbers of the compressions BuildKit's unpacking recognises: gzip, bzip2, xz, zstd.
COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")
# Flags COPY takes with the same meaning; any other ADD flag (--checksum, --keep-git-dir,
# --unpack...) only makes sense for ADD.
COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")  # git@github.com:org/repo.git
_GLOB_CHARS = frozenset("*?[")
COPY_OK, KEEP, UNCHECKED = "copy", "keep", "unchecked"


class AddToCopy(Transform):
    """Use COPY instead of ADD for local files and folders that are not archives.

    ## What it does
    Changes the keyword of an `ADD` whose sources are all local, non-archive paths to `COPY`
    (in the keyword's case), keeping `--chown`, `--chmod`, `--link` and `--exclude` and every
    other byte of the instruction. It leaves ADD alone when a source is a URL or a git
    reference, may be a tar archive (which ADD unpacks), contains a variable or a glob whose
    matches cannot be checked, or when the instruction uses an ADD-only flag (`--checksum`,
    `--keep-git-dir`, ...) or a heredoc.
    Where an ADD of local sources stays (a variable, a quoted source, a glob it cannot check, an
    ADD-only flag), it says why, since hadolint's DL3020 still flags it.

    ## Why
    ADD has hidden behaviour: it downloads URLs and unpacks tar archives. COPY does only what
    it says, so a reader (and a reviewer) knows what the step does. Docker's best practices
    and hadolint (DL3020) recommend COPY for local files.

    ## Example
    ```dockerfile
    ADD requirements.txt /app/
    ADD --chown=app:app src/ /app/src/
    ADD rootfs.tar.xz /
    ```
    becomes
    ```dockerfile
    COPY requirements.txt /app/
    COPY --chown=app:app src/ /app/src/
    ADD rootfs.tar.xz /
    ```

    ## Fix safety
    Safe when nothing can be unpacked: for a local source that is not a tar archive, ADD and
    COPY produce the same files. ADD unpacks a file by its content, not its name (a tarball
    called `payload` is unpacked too). With the build context at hand, every file a source names
    or a glob matches is opened and checked; folders are never unpacked. A source missing from
    the context is judged by its name: one with a non-archive extension (`app.py`) is safe, one
    with no extension (`payload`) makes the fix unsafe, since only its content could tell.
    Inside ONBUILD the fix is unsafe too: the image stores the trigger's text in its config.
    """

    code = "DO102"
    name = "add-to-copy"
    title = "Use COPY instead of ADD for local files and folders"
    severity = Severity.WARNING
    aliases = ("DL3020", "DS005", "CKV_DOCKER_4")
    order = 110
    needs = ('add',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if "ADD" not in (instruction.cmd, instruction.sub_cmd) or instruction.heredocs:
                continue
            flags, args = _flags_and_args(instruction)
            if len(args) < 2:
                continue
            # ONBUILD runs in a later build, with that build's context: ours proves nothing.
            build = None if instruction.cmd == "ONBUILD" else ctx.build
            verdicts = [_source_verdict(source, build) for source in args[:-1]]
            only_add = [flag.partition("=")[0] for flag in flags if _flag_name(flag) not in COPY_FLAGS]
            if only_add or KEEP in verdicts:
                # A local source kept as ADD is what hadolint's DL3020 flags: say why it stays.
                why = _why_kept(args[:-1], verdicts, only_add, build)
                if why:
                    yield self.fix(f"ADD kept: {why}", instruction)
                continue
            unchecked = [source for source, verdict in zip(args, verdicts) if verdict is UNCHECKED]
            at = _keyword_position(doc, instruction)
            if at is None:
                continue
            line, col = at
            body = line_body(doc.lines[line])
            new = body[:col] + same_case("COPY", body[col : col + 3]) + body[col + 3 :] + "\n"
            safety = Safety.UNSAFE if unchecked or instruction.cmd == "ONBUILD" else None
            if instruction.cmd == "ONBUILD":
                message = "ONBUILD ADD of local files: use COPY (unsafe: the image's stored ONBUILD trigger changes)"
            elif unchecked:
                message = (
                    f"ADD of local files: use COPY (unsafe: {', '.join(unchecked)} could be a tar archive, which ADD"
                    " unpacks; it was not found in the build context to check)"
                )
            else:
                message = "ADD of local files that are not archives: use COPY, which has no URL or unpacking rules"
            yield self.fix(message, instruction, [Edit.replace(line, line, new)], safety=safety)


def _flags_and_args(instruction: Instruction) -> tuple[list[str], list[str]]:
    """ONBUILD's flags arrive among its arguments; split them off the same way for both."""
    flags = list(instruction.flags)
    args = list(instruction.args)
    if instruction.cmd == "ONBUILD" and not instruction.json:
        while args and args[0].startswith("--"):
            flags.append(args.pop(0))
    return flags, args


def _why_kept(sources: list[str], verdicts: list[str], only_add: list[str], build: BuildContext | None) -> str | None:
    """Why ADD of local sources stays ADD; None when a source is remote or an archive, where ADD
    is the right instruction."""
    reasons = []
    for source, verdict in zip(sources, verdicts):
        lowered = source.lower()
        if "://" in source or _SCP_LIKE.match(source) or lowered.endswith(".git") or ".git#" in lowered:
            return None
        if verdict != KEEP:
            continue
        if "$" in source:
            reasons.append(f"`{source}` holds a variable, which could name a URL or a tar archive")
        elif "'" in source or '"' in source:
            reasons.append(f"`{source}` is quoted, and dockopt does not read quoted sources")
        elif _GLOB_CHARS & set(source) and build is None:
            reasons.append(f"`{source}` could match a tar archive, which ADD unpacks (no build context to check)")
        else:
            return None  # an archive: ADD is meant
    if only_add:
        reasons.append(f"`{only_add[0]}` is a flag of ADD only, which COPY rejects")
    return reasons[0] if reasons else None


def _flag_name(flag: str) -> str:
    return flag[2:].partition("=")[0].lower()


def _source_verdict(source: str, build: BuildContext | None) -> str:
    """COPY_OK when ADD would copy the source as it is; KEEP when ADD may fetch or unpack it;
    UNCHECKED when only the file itself could tell (a name with no extension, not in the context)."""
    if not source or "$" in source or "'" in source or '"' in source:
        return KEEP  # a variable could name a URL or an archive; quotes we do not interpret
    lowered = source.lower()
    if "://" in source or _SCP_LIKE.match(source) or lowered.endswith(".git") or ".git#" in lowered:
        return KEEP
    globbed = bool(_GLOB_CHARS & set(source))
    if build is not None:
        verdict = _checked_in_context(source, globbed, build)
        if verdict is not None:
            return COPY_OK if verdict else KEEP
    if globbed:
        return KEEP  # could match an archive we cannot see
    if source.endswith("/") or source.rstrip("/") in ("", "."):
        return COPY_OK  # a folder: ADD copies its contents as they are
    name = source.rstrip("/").rsplit("/", 1)[-1]
    if _archive_name(name):
        return KEEP
    stem, dot, extension = name.lstrip(".").rpartition(".")
    return COPY_OK if dot and stem and extension else UNCHECKED  # `app.py` is no tarball; `payload` might be


def _checked_in_context(source: str, globbed: bool, build: BuildContext) -> bool | None:
    """True/False when the context shows what the source is; None when it is not there."""
    relative = source.lstrip("/")
    while relative.startswith("./"):
        relative = relative[2:]
    relative = relative.rstrip("/") or "."
    root = build.root.resolve()
    if globbed:
        try:
            paths = sorted(root.glob(relative))
        except (ValueError, OSError):
            return None
        if not paths:
            return None
    else:
        paths = [root / relative]
    for path in paths:
        try:
            target = path.resolve()
            target.relative_to(root)  # a link out of the context: we cannot vouch for it
        except (OSError, ValueError):
            return None
        if target.is_dir():
            continue  # ADD copies a folder's contents as they are, archives inside included
        if not target.is_file() or build.ignored(target.relative_to(root).as_posix()):
            return None
        if _archive_name(target.name) or _archive_content(target):
            return False
    return True


def _archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _archive_content(path: Path) -> bool:
    """Would ADD unpack this file? Compressed data counts as an archive without looking inside."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        if head.startswith(COMPRESSED_MAGIC):
            return True
        with tarfile.open(path, mode="r:") as archive:
            return archive.next() is not None
    except (OSError, tarfile.TarError, EOFError):
        return False


def _keyword_position(doc: Document, instruction: Instruction) -> tuple[int, int] | None:
    """(line, column) of the ADD keyword (after ONBUILD, if any), when it sits on one line."""
    logical = doc.logical(instruction)
    text = logical.text
    offset = 0
    if instruction.cmd == "ONBUILD":
        match = re.match(r"\S+[ \t]+", text)
        if not match:
            return None
        offset = match.end()
    if text[offset : offset + 3].upper() != "ADD":
        return None
    first = logical.position(offset)
    last = logical.position(offset + 2)
    if first[0] != last[0] or last[1] != first[1] + 2:
        return None
    return first

