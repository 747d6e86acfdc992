"""dockopt: rewrite Dockerfiles into optimized ones, as a reviewable diff.

    >>> import dockopt
    >>> result = dockopt.fix("FROM debian\\nMAINTAINER Jo <jo@example.com>\\n", select=["DO101"], unsafe_fixes=True)
    >>> result.changed, result.output
    (True, 'FROM debian\\nLABEL maintainer="Jo <jo@example.com>"\\n')
"""

from __future__ import annotations

from typing import Any

try:  # written at install time by setuptools-scm, from the git tag
    from dockopt._version import __version__ as __version__
except ImportError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"
__all__ = ["fix", "FixResult", "Fix", "Safety", "DockoptError", "DockerfileParseError", "InputError", "SelectorError"]


def __getattr__(name: str) -> Any:
    # Lazy: `dockopt --help` and `dockopt rules` should not pay for parsers they do not use.
    if name in ("fix", "FixResult"):
        from dockopt import engine

        return getattr(engine, name)
    if name in ("Fix", "Safety"):
        from dockopt import transform

        return getattr(transform, name)
    if name in ("DockoptError", "DockerfileParseError", "InputError", "SelectorError"):
        from dockopt import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'dockopt' has no attribute {name!r}")
