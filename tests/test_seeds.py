"""The teaching documents' "before" Dockerfiles (../shared/seeds/) as acceptance cases for DO501/DO502.

Contexts are in fixtures/seeds/<seed>/ (see its README for which files Docker can build here).
"""

from __future__ import annotations

from pathlib import Path


import dockopt

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def rewrite(seed, name="Dockerfile", select=("DO501", "DO502")):
    folder = SEEDS / seed
    return dockopt.fix((folder / name).read_bytes(), select=list(select), unsafe_fixes=True, context=folder)


def test_seed_000_as_printed_is_left_alone_with_the_reason():
    result = rewrite("000")
    assert not result.changed
    assert any("extra words" in f.text for f in result.fixes)


def test_seed_000_buildable_gets_the_slim_base_the_seed_proposes():
    result = rewrite("000", "Dockerfile.buildable")
    assert b"FROM python:3.10-slim\n" in result.output
    assert result.output.replace(b"python:3.10-slim", b"python:3.10") == (SEEDS / "000" / "Dockerfile.buildable").read_bytes()


def test_seed_000_multi_stage_alone_builds_deps_in_a_builder():
    out = rewrite("000", "Dockerfile.buildable", select=("DO502",)).output.decode()
    assert "FROM python:3.10 AS builder" in out and "FROM python:3.10-slim\n" in out
    assert "nano vim" in out.split("FROM python:3.10-slim")[1]


def test_seed_001_is_already_slim():
    assert not rewrite("001").changed


def test_seed_002_centos_compiles_in_a_builder_and_runs_on_ubi_minimal():
    out = rewrite("002").output.decode()
    builder, runtime = out.split("\n\nFROM ")
    assert "FROM centos:7.5.1804 AS builder" in builder and "make myrand" in builder
    assert runtime.startswith("registry.access.redhat.com/ubi7/ubi-minimal:7.9\n")
    assert 'COPY --from=builder /app/myrand /app/myrand' in runtime
    assert "yum" not in runtime and "myrand.c" not in runtime
    assert runtime.endswith("ENV VAL=1\nENTRYPOINT /app/myrand $VAL\n")  # shell form kept: it expands $VAL


def test_seed_003_debian_gets_its_slim_variant():
    assert rewrite("003").output.startswith(b"FROM debian:wheezy-slim\n")
