"""What a run learns about files other than the one it fixes, kept for the run.

A batch fixes many Dockerfiles of the same folders and repositories, and each reads its neighbours
(the repository's other Dockerfiles, those sharing its `.dockerignore`): they are read once per
run, not once per file. A long-lived process (the language server) calls `forget` before each
analysis, since any of those files may have been edited in between.
"""

from __future__ import annotations

import os
from functools import _lru_cache_wrapper, lru_cache
from typing import Callable, TypeVar

T = TypeVar("T")

_CACHES: list[_lru_cache_wrapper[object]] = []


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


@per_run(maxsize=8192)
def is_folder(path: str) -> bool:
    """Is `path` a folder (following links)? Rules ask it of the same context paths again and
    again: each round, each COPY a path may come from, each folder of PATH."""
    return os.path.isdir(path)
