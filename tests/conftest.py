"""Shared test switches."""

from __future__ import annotations


def pytest_addoption(parser):
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="rewrite fixtures/*/*.after.Dockerfile from the current output instead of comparing",
    )
