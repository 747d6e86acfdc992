"""Errors dockopt reports to the user as one line, never as a traceback."""

from __future__ import annotations


class DockoptError(Exception):
    """An error about one input that the CLI prints as `dockopt: error: PATH: reason`."""


class InputError(DockoptError):
    """The input cannot be read as text: binary, invalid UTF-8, too large, empty."""


class DockerfileParseError(DockoptError):
    """The text is not a Dockerfile that BuildKit would accept."""


class SelectorError(DockoptError, ValueError):
    """A rule selector that names no transform: `dockopt.fix(source, select=["DO9999"])`."""
