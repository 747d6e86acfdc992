"""Git, as `dockopt migrate` uses it: plumbing commands in a subprocess, with a clean environment.

A migration branch is built without checking anything out. The fixed files are written to the
object store as blobs, a tree is made from the base commit's tree in a temporary index, a commit is
made on top of the base commit, and the branch is moved with a compare-and-swap `update-ref`. The
work tree, the user's index and HEAD are never touched, so a run over a folder of checkouts cannot
disturb anyone's work; and nothing is ever pushed or fetched, so no credential is ever needed.

The environment is clean: every `GIT_*` variable of the caller is dropped (a hook's `GIT_DIR` or
`GIT_INDEX_FILE` would send us to another repository or index) except `GIT_AUTHOR_DATE` and
`GIT_COMMITTER_DATE`; the system and global config files are not read, so only the repository's
own config counts (its `user.name`, `user.email`); output is in the C locale; git never prompts,
pages, signs, or takes optional locks.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass

from dockopt.errors import DockoptError

DEFAULT_IDENTITY = ("dockopt", "dockopt@localhost")
_KEPT_GIT_VARIABLES = frozenset({"GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"})
_IDENTITY_RE = re.compile(r"^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$")
GIT_TIMEOUT = 120


class GitError(DockoptError):
    """A git command failed; the message is git's own last line."""


def clean_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_") or key in _KEPT_GIT_VARIABLES}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        LC_ALL="C",
    )
    return env


def parse_identity(text: str) -> tuple[str, str]:
    """`Name <email>` → (name, email); ValueError when it is not that."""
    match = _IDENTITY_RE.match(text)
    if not match or not match.group(1):
        raise ValueError(f"'{text}' is not 'Name <email>'")
    return match.group(1), match.group(2)


def valid_branch_name(name: str) -> bool:
    """Would git take this as a branch name? GitError when there is no git at all."""
    try:
        done = subprocess.run(
            ["git", "check-ref-format", "--branch", name], capture_output=True, env=clean_environment(), timeout=GIT_TIMEOUT
        )
    except OSError:
        raise GitError("git is not installed (or not on PATH)") from None
    return done.returncode == 0 and not name.startswith("-")


@dataclass(frozen=True)
class CommitInfo:
    tree: str
    parents: tuple[str, ...]
    message: str


class Repository:
    """One work tree and its repository, found at `root` (the folder holding `.git`)."""

    def __init__(self, root: str):
        self.root = root
        self.env = clean_environment()

    def _run(self, args: tuple[str, ...], data: bytes | None, extra_env: dict[str, str] | None) -> subprocess.CompletedProcess[bytes]:
        env = {**self.env, **extra_env} if extra_env else self.env
        try:
            return subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.root, input=data, capture_output=True, env=env, timeout=GIT_TIMEOUT,
                stdin=None if data is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError("git is not installed") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish in {GIT_TIMEOUT} s") from None

    def git(self, *args: str, data: bytes | None = None, extra_env: dict[str, str] | None = None, check: bool = True) -> bytes:
        done = self._run(args, data, extra_env)
        if check and done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(lines[-1] if lines else f"git {args[0]} exited {done.returncode}")
        return done.stdout

    def _text(self, *args: str) -> str | None:
        """The command's output as one stripped line, or None when it fails (a question, not an order)."""
        out = self.git(*args, check=False)
        return out.decode("utf-8", "surrogateescape").strip() or None

    # -- questions about the checkout ----------------------------------------------------------

    def head_commit(self) -> str | None:
        out = self.git("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip()
        return out.decode() or None

    def head_branch(self) -> str | None:
        """The checked-out branch; None when HEAD is detached."""
        return self._text("symbolic-ref", "-q", "--short", "HEAD")

    def default_branch(self) -> str | None:
        """The branch `origin/HEAD` names (as known locally, never fetched), without `origin/`."""
        name = self._text("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
        return name.split("/", 1)[1] if name and "/" in name else None

    def operation_in_progress(self) -> str | None:
        for marker, what in (
            ("MERGE_HEAD", "a merge"),
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase or am"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
            ("REVERT_HEAD", "a revert"),
            ("BISECT_LOG", "a bisect"),
        ):
            if os.path.exists(self.git_path(marker)):
                return what
        return None

    def changed_tracked_files(self) -> list[str]:
        """Tracked files with staged or unstaged changes (untracked files do not count)."""
        out = self.git("status", "--porcelain=v1", "-z", "--untracked-files=no", "--ignore-submodules=none")
        entries = out.decode("utf-8", "surrogateescape").split("\0")
        paths, skip = [], False
        for entry in entries:
            if skip:  # the source of a rename
                skip = False
                continue
            if len(entry) > 3:
                paths.append(entry[3:])
                skip = entry[0] in "RC"
        return paths

    def tracked_files(self) -> dict[str, str]:
        """Tracked path → mode (`100644`, `100755`, `120000` for a symlink, `160000` a submodule)."""
        out = self.git("ls-files", "-z", "--stage")
        found = {}
        for entry in out.decode("utf-8", "surrogateescape").split("\0"):
            if entry:
                info, _, path = entry.partition("\t")
                found[path] = info.split(" ", 1)[0]
        return found

    def git_path(self, name: str) -> str:
        """Where `.git/<name>` lives (worktrees and `.git` files resolved), as an absolute path."""
        out = self.git("rev-parse", "--git-path", name).decode("utf-8", "surrogateescape").strip()
        return os.path.normpath(os.path.join(self.root, out))

    # -- objects -------------------------------------------------------------------------------

    def blob(self, commit: str, path: str) -> bytes:
        return self.git("cat-file", "blob", f"{commit}:{path}")

    def branch_tip(self, branch: str) -> str | None:
        out = self.git("rev-parse", "-q", "--verify", f"refs/heads/{branch}^{{commit}}", check=False).strip()
        return out.decode() or None

    def is_ancestor(self, commit: str, of: str) -> bool:
        return self._run(("merge-base", "--is-ancestor", commit, of), None, None).returncode == 0

    def commit_info(self, commit: str) -> CommitInfo:
        raw = self.git("cat-file", "commit", commit).decode("utf-8", "surrogateescape")
        header, _, message = raw.partition("\n\n")
        tree, parents = "", []
        for line in header.splitlines():
            key, _, value = line.partition(" ")
            if key == "tree":
                tree = value
            elif key == "parent":
                parents.append(value)
        return CommitInfo(tree, tuple(parents), message)

    def identity(self, override: tuple[str, str] | None) -> tuple[str, str]:
        """Who commits: the override, else the repository's own user.name/user.email, else dockopt."""
        if override:
            return override
        name, email = self._text("config", "user.name"), self._text("config", "user.email")
        if name and email:
            return name, email
        return DEFAULT_IDENTITY

    def tree_with(self, base: str, files: dict[str, bytes]) -> str:
        """The tree of `base` with `files` (path → new bytes) replaced or added; files keep their mode."""
        with tempfile.TemporaryDirectory(prefix="dockopt-index-") as scratch:
            index = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            self.git("read-tree", base, extra_env=index)
            for path, data in sorted(files.items()):
                listing = self.git("ls-tree", base, "--", path).decode("utf-8", "surrogateescape")
                mode = listing.split(" ", 1)[0] if listing else "100644"  # keeps the executable bit
                blob = self.git("hash-object", "-w", "--no-filters", "--stdin", data=data).decode().strip()
                self.git("update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}", extra_env=index)  # --add: a new file too
            return self.git("write-tree", extra_env=index).decode().strip()

    def commit_tree(self, tree: str, parent: str, message: str, identity: tuple[str, str]) -> str:
        name, email = identity
        people = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        out = self.git("commit-tree", "--no-gpg-sign", tree, "-p", parent, "-F", "-", data=message.encode("utf-8"), extra_env=people)
        return out.decode().strip()

    def move_branch(self, branch: str, new: str, old: str | None, reason: str) -> None:
        """Point `branch` at `new`, only if it still points at `old` (None: only if it does not exist)."""
        self.git("update-ref", "-m", reason, f"refs/heads/{branch}", new, old or "0" * len(new))
