"""Which files a folder walk finds, and which it leaves alone."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from dockopt.discovery import Found, NotFound, discover, is_dockerfile_name

ROOT = Path(__file__).resolve().parent.parent
REPOS = ROOT / "fixtures" / "repos"

DOCKERFILE_NAMES = [
    "Dockerfile",
    "dockerfile",
    "DOCKERFILE",
    "Containerfile",
    "Dockerfile.prod",
    "Dockerfile.dev.arm64",
    "prod.Dockerfile",
    "api.dockerfile",
    "Dockerfile-alpine",
    "Dockerfile_windows",
    "Containerfile.fedora",
    "app.containerfile",
    "backend__Dockerfile",
    "api__Dockerfile.debug",
]
OTHER_NAMES = [
    "Dockerfile.dockerignore",
    ".dockerignore",
    "Containerfile.containerignore",
    "Dockerfile.template",
    "Dockerfile-linux.template",
    "Dockerfile.j2",
    "Dockerfile.in",
    "Dockerfile.orig",
    "Dockerfile.rej",
    "Dockerfile.bak",
    "Dockerfile~",
    ".#Dockerfile",
    "Dockerfile.md",
    "dockerfile_test.py",
    "update-dockerfile.sh",
    "docker-compose.yml",
    "Dockerfiles",
    "mydockerfile",
    "README",
]


@pytest.mark.parametrize("name", DOCKERFILE_NAMES)
def test_these_names_are_dockerfiles(name):
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", OTHER_NAMES)
def test_these_names_are_not_dockerfiles(name):
    assert not is_dockerfile_name(name)


@pytest.mark.parametrize("hook", [0, 1], ids=["check-hook", "fix-hook"])
def test_the_pre_commit_hooks_pick_the_same_names(hook):
    spec = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[hook]
    files, exclude = re.compile(spec["files"]), re.compile(spec["exclude"])
    for name in DOCKERFILE_NAMES + OTHER_NAMES:
        path = f"some/dir/{name}"
        picked = bool(files.search(path)) and not exclude.search(path)
        assert picked == is_dockerfile_name(name), name


def test_the_hooks_check_fix_and_lint_with_the_config_exclude():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["dockopt-check"]["entry"] == "dockopt fix --check --diff --force-exclude"
    assert hooks["dockopt-fix"]["entry"] == "dockopt fix --write --force-exclude"
    assert hooks["dockopt-lint"]["entry"] == "dockopt check --force-exclude"


def walk(*paths: str) -> list[str]:
    return [item.path if isinstance(item, Found) else f"! {item.path}: {item.reason}" for item in discover(list(paths), lambda folder: None)]


@pytest.fixture
def monorepo(tmp_path, monkeypatch):
    shutil.copytree(REPOS / "monorepo", tmp_path / "monorepo")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "monorepo"


def test_a_walk_skips_ignored_vendored_and_non_dockerfiles(monorepo):
    assert walk("monorepo") == [
        "monorepo/hack/generate-dockerfile",
        "monorepo/services/api/Dockerfile",
        "monorepo/services/web/web.Dockerfile",
        "monorepo/services/worker/Containerfile",
    ]


def test_a_walk_from_inside_the_folder_gives_relative_paths(monorepo, monkeypatch):
    monkeypatch.chdir(monorepo)
    assert walk(".")[1] == "services/api/Dockerfile"


def test_a_file_named_explicitly_is_always_taken(monorepo):
    assert walk("monorepo/docker/Dockerfile.template", "monorepo/generated/Dockerfile") == [
        "monorepo/docker/Dockerfile.template",
        "monorepo/generated/Dockerfile",
    ]


def test_a_file_named_twice_is_taken_once(monorepo):
    assert walk("monorepo/services/api/Dockerfile", "monorepo/services/api") == ["monorepo/services/api/Dockerfile"]


def test_missing_paths_and_empty_folders_are_reported(monorepo):
    (monorepo / "empty").mkdir()
    assert walk("nope", "monorepo/empty") == [
        "! nope: no such file or directory",
        "! monorepo/empty: no Dockerfile found in this directory",
    ]


def test_negated_and_nested_gitignore_patterns_follow_git(monorepo):
    (monorepo / ".gitignore").write_text("*.Dockerfile\n!keep.Dockerfile\n")
    (monorepo / "services" / "web" / "keep.Dockerfile").write_text("FROM scratch\n")
    (monorepo / "services" / "worker" / ".gitignore").write_text("Containerfile\n")
    found = walk("monorepo")
    assert "monorepo/services/web/keep.Dockerfile" in found
    assert "monorepo/services/web/web.Dockerfile" not in found
    assert "monorepo/services/worker/Containerfile" not in found


def test_a_parent_gitignore_applies_inside_a_repository(monorepo):
    (monorepo / ".git").mkdir()
    (monorepo / ".gitignore").write_text("services/web/\n")
    assert "monorepo/services/web/web.Dockerfile" not in walk("monorepo/services")
    assert "monorepo/services/api/Dockerfile" in walk("monorepo/services")


def test_symlinked_folders_are_not_followed(monorepo):
    os.symlink(monorepo / "services", monorepo / "loop")
    assert not [path for path in walk("monorepo") if "/loop/" in path]


def test_config_excludes_prune_the_walk(monorepo):
    class Config:
        def excludes(self, path, is_dir=False):  # noqa: ARG002
            return "services/api" in path

    found = [item.path for item in discover(["monorepo"], lambda folder: Config()) if isinstance(item, Found)]
    assert "monorepo/services/api/Dockerfile" not in found
    assert "monorepo/services/web/web.Dockerfile" in found


def test_not_found_is_a_value_not_an_exception():
    assert isinstance(next(iter(discover(["/definitely/not/here"], lambda folder: None))), NotFound)
