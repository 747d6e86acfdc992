"""`dockopt migrate DIR...`: one branch, one commit and one pull-request body per git repository.

For every repository found under the folders given (a folder that is itself a repository counts;
the search goes `MAX_DEPTH` levels down and never into a repository, `node_modules` or a hidden
folder), dockopt:

1. skips it, saying why, when HEAD is detached or has no commit, when the checkout is not the
   default branch (`origin/HEAD`, when the clone knows it), when a merge or rebase is in progress,
   when a tracked file has uncommitted changes, when the config of the folder holding it excludes
   it, when it has no tracked Dockerfile, or when nothing would change;
2. fixes each tracked Dockerfile as committed at HEAD (the work tree is the build context) with the
   settings of its nearest config and the command line's, exactly as `dockopt fix` would;
3. with `--verify`, builds each rewrite first and keeps only those that build and pass their smoke
   test (`[tool.dockopt.verify]` of the nearest config);
4. commits only the rewritten Dockerfiles, on top of HEAD, to the migration branch, with a message
   that lists the fixes by code (git plumbing: the work tree, the index and HEAD are not touched);
   with `--no-commit` it writes them into the work tree instead, for a fan-out tool to commit;
5. writes the pull-request body (first line `# title`, then the `--report` markdown) to
   `.git/dockopt/PR_BODY.md`, or to `--pr-body-file` for a single repository.

The branch is always one dockopt commit on top of the current HEAD. A second run on an unchanged
repository finds the same tree on the same parent and changes nothing. When the default branch
has moved, the branch is recreated on the new HEAD (not rebased: the fixes are computed again from
the new files, so there is never a conflict to resolve). A branch holding a commit dockopt did not
make is never overwritten: that repository is skipped, with the reason. Nothing is ever pushed.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from dockopt.batch import FileResult, Task

if TYPE_CHECKING:
    from dockopt.config_model import Config
    from dockopt.gitrepo import Repository
    from dockopt.report import FileReport
    from dockopt.verify import Verdict
    from dockopt.writeback import Snapshot

DEFAULT_BRANCH = "dockopt/optimize-dockerfiles"
MAX_DEPTH = 4  # DIR/org/repo and host/org/repo layouts, with room to spare
PR_BODY = "dockopt/PR_BODY.md"  # inside the repository's git dir: never committed, never in `git status`
TRAILER = "Generated-by: dockopt migrate"
SKIP_SEARCH = frozenset({"node_modules", "vendor", "__pycache__"})
EXIT_OK, EXIT_FAILED = 0, 2


@dataclass
class MigrateOptions:
    dirs: list[str]
    branch: str = DEFAULT_BRANCH
    author: str | None = None  # "Name <email>"
    commit: bool = True  # False: --no-commit
    pr_body_file: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    unsafe_fixes: bool | None = None
    jobs: int | None = None
    output_format: str = "text"
    summary: str | None = None
    verify: bool = False
    verify_jobs: int = 1
    verify_timeout: int | None = None


@dataclass
class FileOutcome:
    path: str  # relative to the repository root, with `/`
    absolute: str
    before: bytes
    result: FileResult
    snapshot: Snapshot | None = None  # of the work-tree file (--no-commit writes it)
    verdict: Verdict | None = None  # when --verify ran

    @property
    def output(self) -> bytes:
        """The rewritten bytes of a changed file (migrate always asks the batch for them)."""
        assert self.result.output is not None
        return self.result.output

    @property
    def applied(self) -> list[dict[str, Any]]:
        return [fix for fix in self.result.fixes if fix["applied"]] if self.result.status == "changed" else []


@dataclass
class RepoOutcome:
    shown: str  # the path as the user sees it
    root: str  # absolute
    status: str = "pending"  # changed / up-to-date / skipped / failed
    reason: str | None = None
    base_branch: str | None = None
    base_commit: str | None = None
    commit: str | None = None
    previous: str | None = None  # the branch tip this run replaced
    files: list[FileOutcome] = field(default_factory=list)
    pr_title: str | None = None
    pr_body: str | None = None  # where the body was written

    def changed(self) -> list[FileOutcome]:
        return [item for item in self.files if item.result.status == "changed"]

    def failed(self) -> list[FileOutcome]:
        return [item for item in self.files if item.result.status == "error"]

    def fixes(self) -> Counter[str]:
        return Counter(fix["code"] for item in self.changed() for fix in item.applied)

    def skip(self, reason: str) -> RepoOutcome:
        self.status, self.reason = "skipped", reason
        return self

    def fail(self, reason: str) -> RepoOutcome:
        self.status, self.reason = "failed", reason
        return self


class UsageProblem(Exception):
    """Bad options: one line, exit 2, nothing done."""


# -- finding repositories --------------------------------------------------------------------------


def is_repository(folder: str) -> bool:
    return os.path.lexists(os.path.join(folder, ".git"))  # a folder, or a file (worktrees, submodules)


def find_repositories(folder: str, depth: int = MAX_DEPTH) -> list[str]:
    """Repository roots at or under `folder`, sorted; never inside one."""
    if is_repository(folder):
        return [folder]
    if depth == 0:
        return []
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    found: list[str] = []
    for name in names:
        if name.startswith(".") or name in SKIP_SEARCH:
            continue
        found += find_repositories(os.path.join(folder, name), depth - 1)
    return found


# -- the run ---------------------------------------------------------------------------------------


def run_migrate(options: MigrateOptions) -> int:
    from dockopt.reporting import Streams

    streams = Streams()
    try:
        identity = _validate(options)
    except UsageProblem as exc:
        streams.err(f"dockopt: error: {exc}\n")
        return EXIT_FAILED
    problems: list[tuple[str, str]] = []
    repos: list[RepoOutcome] = []
    seen: set[str] = set()
    for folder in options.dirs:
        if not os.path.isdir(folder):
            problems.append((folder, "no such folder"))
            continue
        roots = find_repositories(folder)
        if not roots:
            problems.append((folder, f"no git repository here or up to {MAX_DEPTH} levels below"))
        for root in roots:
            key = os.path.realpath(root)
            if key not in seen:
                seen.add(key)
                repos.append(RepoOutcome(shown=_shown(root), root=os.path.abspath(root)))
    if options.pr_body_file and len(repos) > 1:
        streams.err("dockopt: error: --pr-body-file is for one repository; without it each body goes to .git/dockopt/PR_BODY.md\n")
        return EXIT_FAILED

    # The git steps of different repositories are independent and mostly waiting on git: threads.
    with ThreadPoolExecutor(max_workers=_jobs(options)) as pool:
        prepared = list(pool.map(lambda repo: _guarded(repo, _prepare, repo, options) or [], repos))
    tasks: list[Task] = []
    owners: list[tuple[RepoOutcome, FileOutcome]] = []
    for repo, items in zip(repos, prepared):
        for item, task in items:
            repo.files.append(item)
            if task is not None:
                tasks.append(task)
                owners.append((repo, item))
    _fix(tasks, owners, options)
    if options.verify:
        _verify([item for repo in repos if repo.status == "pending" for item in repo.changed()], options)
    pending = [repo for repo in repos if repo.status == "pending"]
    with ThreadPoolExecutor(max_workers=_jobs(options)) as pool:
        list(pool.map(lambda repo: _guarded(repo, _finish, repo, options, identity), pending))

    from dockopt.migration_summary import render, write_summary

    for path, reason in problems:
        streams.error(path, reason)
    for repo in repos:
        if repo.status == "failed" and not repo.failed():  # else the files' own lines say why
            streams.error(repo.shown, repo.reason or "failed")
        for item in repo.failed():
            streams.error(os.path.join(repo.shown, item.path), item.result.error or "failed")
    streams.out(render(repos, options, options.output_format))
    if options.summary and not write_summary(options.summary, repos, options, streams):
        return EXIT_FAILED
    failed = problems or any(repo.status == "failed" or repo.failed() for repo in repos)
    return EXIT_FAILED if failed else EXIT_OK


_T = TypeVar("_T")


def _guarded(repo: RepoOutcome, step: Callable[..., _T], *args: object) -> _T | None:
    """Run one repository's step; a bug costs that repository, never the run."""
    try:
        return step(*args)
    except Exception as exc:
        repo.fail(f"internal error: {type(exc).__name__}: {exc}")
        return None


def _validate(options: MigrateOptions) -> tuple[str, str] | None:
    from dockopt.gitrepo import GitError, parse_identity, valid_branch_name

    if not options.dirs:
        raise UsageProblem("give at least one folder")
    try:
        if not valid_branch_name(options.branch):
            raise UsageProblem(f"'{options.branch}' is not a valid branch name")
    except GitError as exc:
        raise UsageProblem(str(exc)) from None
    if options.verify_jobs < 1:
        raise UsageProblem("--verify-jobs must be at least 1")
    if options.verify_timeout is not None and options.verify_timeout < 1:
        raise UsageProblem("--verify-timeout must be at least 1 second")
    selectors = (options.select or []) + (options.ignore or [])
    if selectors:
        from dockopt.registry import unknown_selectors

        unknown = unknown_selectors(selectors)
        if unknown:
            raise UsageProblem(f"unknown rule selector '{unknown[0]}' (see `dockopt rules`)")
    if options.author is None:
        return None
    try:
        return parse_identity(options.author)
    except ValueError as exc:
        raise UsageProblem(f"--author: {exc}") from None


def _shown(root: str) -> str:
    relative = os.path.relpath(root)
    return relative if not relative.startswith("..") else os.path.abspath(root)


def _config_for_discovery(folder: str) -> Config | None:
    from dockopt.config import config_for
    from dockopt.config_model import ConfigError

    try:
        return config_for(folder)
    except ConfigError:
        return None  # reported with its reason when the files' settings are resolved


# -- per repository: what to fix -------------------------------------------------------------------


def _prepare(repo: RepoOutcome, options: MigrateOptions) -> list[tuple[FileOutcome, Task | None]]:
    """(FileOutcome, Task or None) for each Dockerfile to fix; sets repo.status when it is skipped."""
    from dockopt.config_model import ConfigError
    from dockopt.gitrepo import GitError, Repository

    try:
        git = Repository(repo.root)
        found = _check(repo, git, options)
        if found is None:
            return []
        return [_task(repo, git, path, options) for path in found]
    except GitError as exc:
        repo.fail(f"git: {exc}")
    except ConfigError as exc:
        repo.fail(f"{exc.path}: {exc.reason}")
    return []


def _check(repo: RepoOutcome, git: Repository, options: MigrateOptions) -> list[str] | None:
    """The tracked Dockerfiles to fix (paths relative to the root), or None with the repo skipped."""
    from dockopt.config import config_for
    from dockopt.discovery import Found, discover, is_dockerfile_name

    parent = config_for(os.path.dirname(repo.root))
    if parent is not None and parent.excludes(repo.root, is_dir=True):
        repo.skip(f"excluded by {os.path.relpath(parent.path)}")
        return None
    repo.base_commit = git.head_commit()
    if repo.base_commit is None:
        repo.skip("no commit yet")
        return None
    repo.base_branch = git.head_branch()
    if repo.base_branch is None:
        repo.skip("HEAD is detached: check out the default branch")
        return None
    if options.commit and repo.base_branch == options.branch:
        repo.skip(f"the migration branch {options.branch} is checked out: check out the default branch")
        return None
    default = git.default_branch() if options.commit else None  # a fan-out tool picks its own branch
    if default and repo.base_branch != default:
        repo.skip(f"on branch {repo.base_branch}, not the default branch {default}")
        return None
    operation = git.operation_in_progress()
    if operation:
        repo.skip(f"{operation} is in progress")
        return None
    dirty = git.changed_tracked_files()
    if dirty:
        repo.skip(f"uncommitted changes in {_plural(len(dirty), 'tracked file')}")
        return None
    tracked = git.tracked_files()
    real_root = os.path.realpath(repo.root)
    # Regular tracked files only: a symlinked Dockerfile is fixed where it points (discovery reports
    # a file once, under the first name it meets), a submodule's in its own repository.
    found = sorted(
        {
            _relative(os.path.realpath(item.path), real_root)
            for item in discover([repo.root], _config_for_discovery)
            if isinstance(item, Found)
        }
    )
    found = [path for path in found if tracked.get(path) in ("100644", "100755")]
    if not found:
        named = any(is_dockerfile_name(path.rsplit("/", 1)[-1]) for path in tracked)
        repo.skip("every Dockerfile is excluded by config or .gitignore" if named else "no Dockerfile")
        return None
    return found


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _task(repo: RepoOutcome, git: Repository, path: str, options: MigrateOptions) -> tuple[FileOutcome, Task | None]:
    from dockopt.config import config_for, settings_for
    from dockopt.gitrepo import GitError
    from dockopt.writeback import FileError, read

    assert repo.base_commit is not None  # _check read it
    absolute = os.path.join(repo.root, *path.split("/"))
    folder = os.path.dirname(absolute)
    snapshot = None
    try:
        if options.commit:
            before = git.blob(repo.base_commit, path)
        else:
            snapshot = read(absolute)
            before = snapshot.data
    except (GitError, FileError) as exc:
        return FileOutcome(path, absolute, b"", FileResult(path, "error", error=str(exc))), None
    settings = settings_for(absolute, config_for(folder), options.select, options.ignore or [], options.unsafe_fixes)
    task = Task(
        path=absolute,
        explicit=False,
        select=settings.select,
        unsafe_fixes=settings.unsafe_fixes,
        context=folder,
        want_output=True,
        want_bases=True,
        group=repo.root,
        data=before,
        companions=True,
    )
    return FileOutcome(path, absolute, before, FileResult(path, "pending"), snapshot), task


def _jobs(options: MigrateOptions) -> int:
    from dockopt.batch import default_jobs

    return options.jobs if options.jobs and options.jobs > 0 else default_jobs()


def _fix(tasks: list[Task], owners: list[tuple[RepoOutcome, FileOutcome]], options: MigrateOptions) -> None:
    from dockopt.batch import run

    for (_repo, item), result in zip(owners, run(tasks, _jobs(options))):
        if result.status == "changed" and result.output == item.before and not result.files:
            result.status = "ok"  # a fixed point that gives back the same bytes (and no companion file) is no change
        item.result = result


# -- --verify --------------------------------------------------------------------------------------


def _verify(items: list[FileOutcome], options: MigrateOptions) -> None:
    """Build each rewrite (at most --verify-jobs at once); a refused one becomes a failed file."""
    if not items:
        return
    port_locks: dict[int, threading.Lock] = {}
    guard = threading.Lock()

    def one(item: FileOutcome) -> None:
        from dockopt.config import verify_settings
        from dockopt.verify import BUILD_TIMEOUT, EngineError, Smoke, verify

        settings = verify_settings(os.path.dirname(item.absolute))
        smoke = Smoke(command=settings.get("smoke"), port=settings.get("port"), path=settings.get("path", "/"))
        timeout = options.verify_timeout or settings.get("timeout") or BUILD_TIMEOUT
        with guard:  # two containers cannot listen on one host port: those builds take turns
            lock = port_locks.setdefault(smoke.port, threading.Lock()) if smoke.port else None
        try:
            if lock:
                lock.acquire()
            try:
                item.verdict = verify(
                    Path(item.absolute), item.output.decode("utf-8"), Path(os.path.dirname(item.absolute)),
                    smoke, settings.get("build-args", []), settings.get("target"), timeout=timeout,
                    ignore_file=next((c["after"] for c in item.result.files if c["path"].endswith(".dockerignore")), None),
                )
            finally:
                if lock:
                    lock.release()
        except EngineError as exc:
            item.result.status, item.result.error = "error", str(exc)
            return
        except Exception as exc:  # one build's surprise costs that file, never the run
            item.result.status, item.result.error = "error", f"verify: {type(exc).__name__}: {exc}"
            return
        if not item.verdict.agrees:
            item.result.status = "error"
            item.result.error = "verify refused the rewrite (it does not build or fails its smoke test); left out"

    with ThreadPoolExecutor(max_workers=options.verify_jobs) as pool:
        list(pool.map(one, items))


# -- per repository: commit (or write) and the pull-request body ----------------------------------


def _finish(repo: RepoOutcome, options: MigrateOptions, identity: tuple[str, str] | None) -> None:
    from dockopt.gitrepo import GitError, Repository

    git = Repository(repo.root)
    changed = repo.changed()
    try:
        body_path = os.path.abspath(options.pr_body_file) if options.pr_body_file else git.git_path(PR_BODY)
        if not changed:
            if repo.failed():
                repo.fail(f"nothing committed: {_plural(len(repo.failed()), 'Dockerfile')} failed")
            else:
                repo.skip("nothing to change")
                if not options.pr_body_file:
                    _remove(body_path)  # a body left from an earlier run would describe nothing
            return
        repo.pr_title = pr_title(repo)
        if options.commit:
            _commit(repo, git, options, identity)
        else:
            _write_work_tree(repo)
        if repo.status in ("changed", "up-to-date"):
            _write_if_changed(body_path, pr_body(repo, options))
            repo.pr_body = body_path
    except GitError as exc:
        repo.fail(f"git: {exc}")
    except OSError as exc:
        repo.fail(f"cannot write the pull-request body: {exc.strerror or exc}")


def _commit(repo: RepoOutcome, git: Repository, options: MigrateOptions, identity: tuple[str, str] | None) -> None:
    assert repo.base_commit is not None  # _check read it
    files = {item.path: item.output for item in repo.changed()}
    files.update(_companions(repo, git))
    tree = git.tree_with(repo.base_commit, files)
    tip = git.branch_tip(options.branch)
    if tip is not None:
        info = git.commit_info(tip)
        ours = TRAILER in info.message.splitlines()
        if not ours and not git.is_ancestor(tip, repo.base_commit):
            repo.skip(f"branch {options.branch} has commits dockopt did not make: delete it or pick another --branch")
            return
        if ours and info.parents == (repo.base_commit,) and info.tree == tree:
            repo.status, repo.commit = "up-to-date", tip
            return
    commit = git.commit_tree(tree, repo.base_commit, commit_message(repo, options), git.identity(identity))
    git.move_branch(options.branch, commit, tip, "dockopt migrate")
    repo.status, repo.commit, repo.previous = "changed", commit, tip


def _companions(repo: RepoOutcome, git: Repository) -> dict[str, bytes]:
    """The companion files (`.dockerignore`) the changed Dockerfiles bring, as the commit holds
    them: several Dockerfiles' additions to one file merged in order, as `fix --write` merges
    them. One computed on a file that differs from the base commit's is left out."""
    from dockopt.gitrepo import GitError
    from dockopt.writeback import folded

    assert repo.base_commit is not None  # _check read it
    texts: dict[str, str] = {}
    for item in repo.changed():
        for change in item.result.files:
            path = _relative(change["path"], repo.root)
            if path.startswith("../"):
                continue  # outside the repository
            if path not in texts:
                try:
                    committed: str | None = git.blob(repo.base_commit, path).decode("utf-8")
                except (GitError, UnicodeDecodeError):
                    committed = None
                if committed != change["before"]:
                    continue  # the work tree's file is not the commit's: the addition was computed on another text
                texts[path] = change["after"]
            else:
                combined = folded(texts[path], change["before"], change["after"])
                if combined is not None:  # an addition: merged as `fix --write` merges it
                    texts[path] = combined
    return {path: text.encode("utf-8") for path, text in texts.items()}


def _write_work_tree(repo: RepoOutcome) -> None:
    from dockopt.writeback import FileError, write, write_companion

    written = 0
    done: dict[str, str] = {}  # companion files written so far: Dockerfiles may share one
    for item in repo.changed():
        assert item.snapshot is not None  # --no-commit read the work-tree file
        try:
            if item.output != item.before:
                write(item.absolute, item.output, item.snapshot)
            for change in item.result.files:
                write_companion(change["path"], change["before"], change["after"], done)
            item.result.written = True
            written += 1
        except FileError as exc:
            item.result.status, item.result.error = "error", str(exc)
    if written:
        repo.status = "changed"
    else:
        repo.fail("no rewrite could be written")


def _write_if_changed(path: str, text: str) -> None:
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = f"{path}.dockopt-tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- texts: commit message, pull-request title and body --------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def pr_title(repo: RepoOutcome) -> str:
    fixes = sum(repo.fixes().values())
    return f"Optimize Dockerfiles: {_plural(fixes, 'fix', 'fixes')} in {_plural(len(repo.changed()), 'file')} (dockopt)"


def commit_message(repo: RepoOutcome, options: MigrateOptions) -> str:
    from dockopt.registry import by_code

    lines = [repo.pr_title or pr_title(repo), "", "Fixes by code:"]
    for code, count in sorted(repo.fixes().items()):
        transform = by_code(code)
        lines.append(f"- {code} {transform.name if transform else ''} ({count})".replace("  ", " "))
    lines += ["", "Files:"]
    for item in repo.changed():
        lines.append(f"- {item.path}: {', '.join(sorted({fix['code'] for fix in item.applied}))}")
    lines += ["", TRAILER]
    return "\n".join(lines) + "\n"


def pr_body(repo: RepoOutcome, options: MigrateOptions) -> str:
    """turbolift's description format: the first line is the title (`# ` is dropped), the rest the body."""
    from dockopt import __version__
    from dockopt.report import render_markdown

    text = render_markdown([file_report(item) for item in repo.files], title=repo.pr_title or pr_title(repo))
    where = f"{repo.base_branch} ({repo.base_commit[:12]})" if repo.base_commit else "the checkout"
    mode = f"branch `{options.branch}`" if options.commit else "the work tree"
    return text + f"\n---\nMade by `dockopt migrate` (dockopt {__version__}) from {where} into {mode}.\n"


def file_report(item: FileOutcome) -> FileReport:
    from dockopt.diffs import unified_diff
    from dockopt.report import FileReport

    result = item.result
    status = {"ok": "unchanged"}.get(result.status, result.status)
    diff = ""
    if result.status == "changed":
        diff = unified_diff(item.path, item.before.decode("utf-8"), item.output.decode("utf-8"))
    return FileReport(
        path=item.path,
        status=status,
        diff=diff,
        fixes=result.fixes,
        error=result.error,
        base_before=result.base_before,
        base_after=result.base_after,
        verify=item.verdict.as_dict() if item.verdict is not None else None,
    )
