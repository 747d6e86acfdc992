"""Running the engine over many files: one plain result per file, in parallel when it pays.

The `dockerfile` package runs a Go runtime inside the process, and a process that has loaded it
must never fork (the child deadlocks silently). The CLI's main process never parses a Dockerfile
itself, so on Linux it imports the engine once and *forks* its workers, which inherit it (a
spawned worker starts an interpreter and imports everything again: a quarter of a second of CPU
each). A process that has loaded the parser, or runs other threads, *spawns* them instead. Workers
take files in chunks; a handful of files is done in-process, where starting workers would cost
more than it saves. Results come back in input order, with a bounded number of chunks in flight,
so memory stays flat over thousands of files. A file's failure is its result; it never stops the
batch.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TypedDict

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from dockopt.engine import FixResult
    from dockopt.result_cache import ResultCache
    from dockopt.writeback import Snapshot

IN_PROCESS_LIMIT = 8  # fewer files than this: no worker processes
# Starting a worker (interpreter, imports, registry) costs about as much CPU as fixing 100 KiB
# of Dockerfiles; below this much input, the pool would finish after a single process.
IN_PROCESS_BYTES = 256 * 1024
MAX_CHUNK = 16


@dataclass(frozen=True)
class Task:
    path: str  # as shown to the user; "-" for stdin (then `data` holds the bytes)
    explicit: bool  # named on the command line, so processed whatever its name or content
    select: tuple[str, ...] | None
    unsafe_fixes: bool
    context: str | None  # build context folder; None = the Dockerfile's folder
    write: bool = False
    want_diff: bool = False
    want_output: bool = False  # return the fixed bytes (to verify them before writing)
    want_bases: bool = False  # resolve the final stage's base image before and after (report)
    group: str = ""  # the command-line argument the file was found under
    data: bytes | None = None  # the file's bytes when they come from stdin (or an editor)
    severity: tuple[tuple[str, str], ...] = ()  # (code, level) overrides from the config
    trusted_registries: tuple[str, ...] | None = None
    cache: str = "clean"  # the cache policy: "clean" or "mount"
    # With `data`: may the fixes change companion files beside the Dockerfile (`migrate` commits
    # them with it)? Text from stdin has no folder to write them in.
    companions: bool = False
    digest: bool = False  # return the sha256 of the bytes fixed (`result_cache` checks them)


class CompanionChange(TypedDict):
    """A companion file's change, as a worker sends it back (see `FileResult.files`)."""

    path: str
    before: str | None  # None: the fix creates the file
    after: str


@dataclass
class FileResult:
    """Tagged by `status`: "ok" (nothing to change), "changed", "error", "skipped"."""

    path: str
    status: str
    written: bool = False
    fixes: list[dict[str, Any]] = field(default_factory=list)  # Fix.as_dict() and the rule's "severity"
    error: str | None = None
    skipped: str | None = None
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message): never fail the file
    diff: str | None = None  # unified diff, when asked for and the file changed
    output: bytes | None = None  # the fixed bytes, for stdin or when asked for
    group: str = ""
    base_before: str | None = None
    base_after: str | None = None
    stdin: bool = False  # the text came from stdin, not from the file at `path`
    # Companion files the fixes change (`.dockerignore`): path, before (None: created), after.
    # The main process writes them, so Dockerfiles sharing one never race (see `write_companions`).
    files: list[CompanionChange] = field(default_factory=list)
    digest: str | None = None  # sha256 of the file's bytes, when the task asks for it

    @property
    def changed(self) -> bool:
        return self.status == "changed"


def process(task: Task) -> FileResult:
    """Fix one file as part of a batch (`run_memory.one_run`); never raises."""
    from dockopt.run_memory import one_run

    try:
        with one_run():
            return _process(task)
    except Exception as exc:  # a bug must cost one file, not the batch, and never a traceback
        return FileResult(task.path, "error", error=f"internal error: {type(exc).__name__}: {exc}")


def _process(task: Task) -> FileResult:
    outcome = _fix_one(task)
    outcome.group = task.group
    outcome.stdin = task.data is not None
    if task.data is not None and outcome.output is None and outcome.status != "error":
        outcome.output = task.data  # stdin: whatever was not changed comes back as it was
    return outcome


def _fix_one(task: Task) -> FileResult:
    from dockopt.writeback import FileError, read

    snapshot = None
    if task.data is not None:
        data = task.data
    else:
        try:
            snapshot = read(task.path)
        except FileError as exc:
            return FileResult(task.path, "error", error=str(exc))
        data = snapshot.data
    outcome = _fix_bytes(task, data, snapshot)
    if task.digest:
        import hashlib

        outcome.digest = hashlib.sha256(data).hexdigest()
    return outcome


def _fix_bytes(task: Task, data: bytes, snapshot: Snapshot | None) -> FileResult:
    from dockopt.context import BuildContext
    from dockopt.engine import fix
    from dockopt.errors import DockoptError
    from dockopt.writeback import FileError, write

    if not task.explicit and data.startswith(b"#!"):
        return FileResult(task.path, "skipped", skipped="not a Dockerfile (a script: starts with #!)")
    if task.data is not None:
        # stdin, or a file's bytes from a commit (`migrate`): a build context only when one is given
        # (`--context`, `--stdin-filename`)
        context = BuildContext(task.context, dockerfile=None if task.path == "-" else task.path) if task.context else None
    else:
        folder = task.context or os.path.dirname(task.path) or "."
        context = BuildContext(folder, dockerfile=task.path)
    select = None if task.select is None else list(task.select)
    try:
        result = fix(data, select=select, unsafe_fixes=task.unsafe_fixes, context=context, cache=task.cache)
        warnings = list(result.warnings)
        if task.trusted_registries is not None:
            from dockopt.trusted_registries import keep_to_trusted

            def rerun(left_out: list[str]) -> FixResult:
                from dockopt.registry import all_transforms

                codes = [t.code for t in all_transforms() if (select is None or t.code in select) and t.code not in left_out]
                return fix(data, select=codes, unsafe_fixes=task.unsafe_fixes, context=context, cache=task.cache)

            result, notes = keep_to_trusted(data, result, rerun, task.trusted_registries)
            warnings += notes
    except DockoptError as exc:
        return FileResult(task.path, "error", error=str(exc))
    from dockopt.registry import severity_of

    if task.data is not None and result.files and not task.companions:
        # Text from stdin or from a commit (`migrate`): no folder beside it to write a companion
        # file in, so those fixes are not made.
        result.fixes = [item.replace(applied=False) if item.files else item for item in result.fixes]
        result.files = []
    fixes = [{**item.as_dict(), "severity": severity_of(item.code, task.severity)} for item in result.fixes]
    if result.error:
        return FileResult(task.path, "error", fixes=fixes, error=result.error)
    if result.skipped:
        return FileResult(task.path, "skipped", fixes=fixes, skipped=result.skipped)
    if not result.changed:
        return FileResult(task.path, "ok", fixes=fixes, warnings=warnings)
    output = result.output if isinstance(result.output, bytes) else result.output.encode("utf-8")
    from dockopt.diffs import unified_diff

    before, after = data.decode("utf-8"), output.decode("utf-8")
    files: list[CompanionChange] = [{"path": change.path, "before": change.before, "after": change.after} for change in result.files]
    outcome = FileResult(task.path, "changed", fixes=fixes, warnings=warnings, files=files)
    if task.want_diff:
        outcome.diff = (unified_diff(task.path, before, after) if before != after else "") + "".join(
            unified_diff(change.path, change.before, change.after) for change in result.files
        )
    if task.want_bases:
        from dockopt.report import final_base_image

        outcome.base_before, outcome.base_after = final_base_image(before), final_base_image(after)
    if task.data is not None or task.want_output:
        outcome.output = output
    elif task.write:
        if output != data:  # else only companion files change: the main process writes those
            assert snapshot is not None  # task.data is None: the file was read from disk above
            try:
                write(task.path, output, snapshot)
            except FileError as exc:
                outcome.status, outcome.error = "error", str(exc)
                return outcome
        outcome.written = True
    return outcome


def process_chunk(tasks: list[Task]) -> list[FileResult]:
    return [process(task) for task in tasks]


def _warm_up() -> None:
    # Each worker pays for the imports and the transform registry once, not once per file.
    import gc

    import dockopt.engine  # noqa: F401
    from dockopt.registry import all_transforms

    all_transforms()
    gc.freeze()  # what lives as long as the worker: no collection need look at it again


def run(tasks: list[Task], jobs: int, results: ResultCache | None = None) -> Iterator[FileResult]:
    """Results in the order of `tasks`. Worker processes start in this call, not at the first
    result: a caller may then start threads (a progress bar's) without stopping the fork.
    The run reads the files around the Dockerfiles afresh, and each of them once (`run_memory`).
    With `results`, a file whose stored result is still valid is not fixed again."""
    from dockopt.run_memory import forget

    forget()  # before the fork: the workers start from what the files are now
    if results is not None:
        return results.around(tasks, lambda missing: _fixed(missing, jobs))
    return _fixed(tasks, jobs)


def _fixed(tasks: list[Task], jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(tasks) < IN_PROCESS_LIMIT or _input_bytes(tasks) < IN_PROCESS_BYTES:
        return (process(task) for task in tasks)
    return _run_pool(tasks, len(tasks), jobs)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _input_bytes(tasks: list[Task]) -> int:
    total = 0
    for task in tasks:
        if task.data is not None:
            total += len(task.data)
            continue
        try:
            total += os.path.getsize(task.path)
        except OSError:
            pass
        if total >= IN_PROCESS_BYTES:
            break
    return total


def _run_pool(tasks: Iterable[Task], count: int, jobs: int) -> Iterator[FileResult]:
    from concurrent.futures import ProcessPoolExecutor

    # Chunks small enough to balance the load and show progress, large enough to amortise IPC.
    size = max(1, min(MAX_CHUNK, count // (jobs * 4)))
    workers = min(jobs, (count + size - 1) // size)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_start_method(), initializer=_warm_up)
    pending: deque[Future[list[FileResult]]] = deque()
    chunks = _chunks(tasks, size, count, workers)
    try:
        for chunk in islice(chunks, workers * 3):  # the first submit starts every worker
            pending.append(executor.submit(process_chunk, chunk))
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return _results(executor, pending, chunks)


def _results(executor: ProcessPoolExecutor, pending: deque[Future[list[FileResult]]], chunks: Iterator[list[Task]]) -> Iterator[FileResult]:
    """The pool's results in order, with as many chunks in flight as were submitted first."""
    try:
        for chunk in chunks:
            yield from pending.popleft().result()
            pending.append(executor.submit(process_chunk, chunk))
        while pending:
            yield from pending.popleft().result()
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _start_method() -> BaseContext:
    """Fork where that is safe, else spawn (see the module's docstring).

    Python 3.11 is the first whose pool starts all its forked workers before its own thread.
    Elsewhere than Linux, a forked child may break system libraries (macOS).
    """
    import multiprocessing
    import sys
    import threading

    if sys.platform == "linux" and sys.version_info >= (3, 11) and "dockerfile" not in sys.modules and threading.active_count() == 1:
        _warm_up()  # the imports every forked worker inherits
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _chunks(tasks: Iterable[Task], size: int, count: int, jobs: int) -> Iterator[list[Task]]:
    """Chunks of `size` tasks, smaller towards the end (a quarter of each worker's share of what
    is left), so the workers finish together instead of one waiting on another's last chunk."""
    chunk: list[Task] = []
    left = count
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= min(size, max(1, left // (jobs * 4))):
            left -= len(chunk)
            yield chunk
            chunk = []
    if chunk:
        yield chunk
