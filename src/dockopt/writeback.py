"""Reading a Dockerfile and writing the fixed one back without ever leaving a broken file.

A write goes to a sibling temp file in the same folder, gets the original's permission bits, is
fsynced, and replaces the original with `os.replace` (atomic on POSIX); only when the bytes
changed. A symlink is written through: its target gets the new content and the link stays.
Read-only files are refused even when running as root (who could write them anyway), because
the user marked them so on purpose.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from typing import Callable

from dockopt.document import MAX_BYTES
from dockopt.errors import DockoptError


class FileError(DockoptError):
    """A file that cannot be read or written; the message is the reason only."""


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    mtime_ns: int
    size: int


def read(path: str) -> Snapshot:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileError(_reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileError("is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise FileError("not a regular file")
    if info.st_size > MAX_BYTES:
        # Refused before reading: a 5 MB "Dockerfile" is not one, and memory stays flat.
        raise FileError(f"file too large ({info.st_size / 1e6:.1f} MB; the limit is {MAX_BYTES // 1024} KiB)")
    if not os.access(path, os.R_OK):
        raise FileError("permission denied")
    try:
        with open(path, "rb") as handle:
            data = handle.read(info.st_size + 1)  # a read of the limit would allocate the limit
            if len(data) > info.st_size:  # it grew since the stat: on, up to the limit
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as exc:
        raise FileError(_reason(exc)) from None
    return Snapshot(data, info.st_mtime_ns, info.st_size)


def check_writable(path: str) -> None:
    """Refuse before any work is done, so a read-only file is reported, not half-handled."""
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except OSError as exc:
        raise FileError(_reason(exc)) from None
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise FileError("read-only file (not written)")
    if not os.access(os.path.dirname(target) or ".", os.W_OK | os.X_OK):
        raise FileError("cannot write: its folder is not writable")


def write(path: str, data: bytes, snapshot: Snapshot) -> None:
    """Atomically replace the file (the symlink's target) with `data`."""
    check_writable(path)
    target = os.path.realpath(path)
    info = os.stat(target)
    if (info.st_mtime_ns, info.st_size) != (snapshot.mtime_ns, snapshot.size):
        raise FileError("the file changed while dockopt was working on it (not written)")
    folder = os.path.dirname(target)

    def replace(temp: str) -> None:
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temp):
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except OSError:
                pass  # only root can give a file away; the mode bits are what matter
        os.replace(temp, target)

    try:
        _put_in_place(target, data, replace)
    except OSError as exc:
        raise FileError(f"cannot write: {_reason(exc)}") from None
    _fsync_folder(folder)


def _put_in_place(target: str, data: bytes, finish: Callable[[str], None]) -> None:
    """Write `data` to a temporary file beside `target`, flushed to disk, and let `finish` move
    it into place; the temporary file never outlives a failure (OSError is raised on)."""
    folder, name = os.path.split(target)
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".dockopt-tmp", dir=folder or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        finish(temp)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def merged_addition(current: str, before: str | None, after: str) -> str | None:
    """`after` extends `before` with lines: the same lines added to `current` (those not already
    there), or None when nothing is left to add. How two Dockerfiles' additions to one shared
    companion file combine, for the write and for the diff shown before it."""
    have = set(current.splitlines())
    added = [line for line in after[len(before or "") :].splitlines() if line not in have]
    if not any(line.strip() and not line.startswith("#") for line in added):
        return None
    newline = "\r\n" if "\r\n" in current else "\n"
    head = current if current.endswith(("\n", "\r")) or not current else current + newline
    return head + newline.join(added) + newline


def folded(current: str, before: str | None, after: str) -> str | None:
    """A companion file's text after one Dockerfile's change (computed on `before`), once the
    earlier Dockerfiles' changes made it `current`: `after` when nothing came between, else
    `current` with the lines `after` adds (`current` itself when they are all there); None when
    the change is not an addition to `before` and cannot be combined."""
    if current == before:
        return after
    if not after.startswith(before or ""):
        return None
    merged = merged_addition(current, before, after)
    return current if merged is None else merged


def write_companion(path: str, before: str | None, after: str, done: dict[str, str]) -> None:
    """Write a companion file's new text (`before` None: create it), atomically.

    `done` maps the files this run already wrote to their text. Several Dockerfiles of one
    context propose additions to the same file, each computed on its text before the run: an
    addition computed on the old text is appended to what an earlier one wrote (its lines not
    already there, in run order), so neither overwrites the other.
    """
    key = os.path.realpath(path)
    try:
        with open(key, "rb") as handle:
            current: str | None = handle.read().decode("utf-8")
    except FileNotFoundError:
        current = None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"{path}: cannot read: {exc}") from None
    if current != before:
        combined = folded(current, before, after) if key in done and current == done[key] else None
        if combined is None:
            raise FileError(f"{path} changed while dockopt was working on it (not written)")
        if combined == current:
            return  # every line is there already
        after = combined
    folder = os.path.dirname(key)
    if current is not None:
        check_writable(key)
    elif not os.access(folder or ".", os.W_OK | os.X_OK):
        raise FileError(f"{path}: cannot create: its folder is not writable")

    def finish(temp: str) -> None:
        if current is not None:
            os.chmod(temp, stat.S_IMODE(os.stat(key).st_mode))
            os.replace(temp, key)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            os.link(temp, key)  # fails if the file appeared meanwhile: never overwrite a stranger's
            os.unlink(temp)

    try:
        _put_in_place(key, after.encode("utf-8"), finish)
    except OSError as exc:
        raise FileError(f"{path}: cannot write: {_reason(exc)}") from None
    _fsync_folder(folder)
    done[key] = after


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _fsync_folder(folder: str) -> None:
    # Makes the rename itself durable; not every platform allows opening a folder.
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
