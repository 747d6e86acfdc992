"""What a run learns about files other than the one it fixes, kept for the run.

A batch fixes many Dockerfiles of the same folders and repositories, and each reads its neighbours
(the repository's other Dockerfiles, those sharing its `.dockerignore`): they are read once per
run, not once per file. A run is one call of `dockopt.fix`, or a whole batch: the batch forgets
when it starts and fixes each file inside `one_run`. A long-lived process (the language server)
calls `forget` before each analysis, since any of those files may have been edited in between.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import _lru_cache_wrapper, lru_cache
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

_CACHES: list[_lru_cache_wrapper[object]] = []
_open_runs = [0]  # batches inside `one_run`


def per_run(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """`functools.lru_cache`, emptied by `forget`."""

    def wrap(function: Callable[..., T]) -> _lru_cache_wrapper[T]:
        cached = lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached

    return wrap


def forget() -> None:
    """Read the neighbours again on the next question."""
    for cache in _CACHES:
        cache.cache_clear()


def forget_outside_a_run() -> None:
    """`forget`, unless a batch has opened a run (`one_run`)."""
    if not _open_runs[0]:
        forget()


@contextmanager
def one_run() -> Iterator[None]:
    """Fixes inside share what they read of the files around their Dockerfiles."""
    _open_runs[0] += 1
    try:
        yield
    finally:
        _open_runs[0] -= 1


@per_run(maxsize=8192)
def is_folder(path: str) -> bool:
    """Is `path` a folder (following links)? Rules ask it of the same context paths again and
    again: each round, each COPY a path may come from, each folder of PATH."""
    return os.path.isdir(path)
