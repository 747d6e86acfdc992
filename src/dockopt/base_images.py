"""Which family a base image belongs to, from its reference alone.

The family says which tools the image has: `debian` (Debian/Ubuntu: apt, groupadd/useradd),
`alpine` (Alpine/BusyBox/Wolfi: apk or busybox, addgroup/adduser), `rhel` (yum/dnf and shadow-utils),
`distroless` (no shell, no package manager), `scratch` (empty). Anything else is `unknown`: the
caller must then not assume any tool exists.

    family("python:3.12-slim")           -> "debian"
    family("node:20-alpine")             -> "alpine"
    family("gcr.io/distroless/python3")  -> "distroless"

The mapping is data (`_OS_RULES`, `_TAG_RULES`, `_REPOSITORY_DEFAULTS`), checked in that order;
the first match wins.
References with unexpanded `$VARS` in the repository are `unknown`.
"""

from __future__ import annotations

import re

FAMILIES = ("debian", "alpine", "rhel", "distroless", "scratch", "unknown")

# Operating-system repositories: the repository decides, with a few tags that change the answer.
# (repository pattern, tag regex or "" for any tag, family); `*` matches any run of characters.
_OS_RULES: tuple[tuple[str, str, str], ...] = (
    ("alpine", "", "alpine"),
    ("*/alpine", "", "alpine"),
    ("busybox", "", "alpine"),  # BusyBox has the addgroup/adduser applets, as Alpine does
    ("*/busybox", "", "alpine"),
    ("wolfi-base", "", "alpine"),
    ("*/wolfi-base", "", "alpine"),
    ("debian", "", "debian"),
    ("*/debian", "", "debian"),
    ("ubuntu", "", "debian"),
    ("*/ubuntu", "", "debian"),
    ("buildpack-deps", "", "debian"),
    ("*ubi*-minimal", "", "unknown"),  # microdnf, no shadow-utils
    ("*ubi*-micro", "", "unknown"),
    ("*/ubi*", "", "rhel"),
    ("ubi*", "", "rhel"),
    ("oraclelinux", "slim", "unknown"),  # microdnf, no shadow-utils
    ("oraclelinux", "", "rhel"),
    ("centos", "", "rhel"),
    ("*/centos", "", "rhel"),
    ("fedora", "", "rhel"),
    ("*/fedora", "", "rhel"),
    ("rockylinux", "minimal", "unknown"),
    ("rockylinux", "", "rhel"),
    ("*/rockylinux", "", "rhel"),
    ("almalinux", "minimal|micro", "unknown"),
    ("almalinux", "", "rhel"),
    ("*/almalinux", "", "rhel"),
    ("amazonlinux", "", "unknown"),  # the 2023 image ships without shadow-utils
    ("*/windows/*", "", "unknown"),
    ("microsoft/*windows*", "", "unknown"),
)

# For every other repository (language and app images), words in the tag say which OS it is built
# on; they win over the repository's default (python:3.12-alpine is alpine, python:3.12 is debian).
_TAG_RULES: tuple[tuple[str, str], ...] = (
    (r"windowsservercore|nanoserver|ltsc\d+|windows", "unknown"),
    (r"chiseled|distroless", "distroless"),
    (r"alpine|musl", "alpine"),
    (r"ubi\d*-?(minimal|micro)", "unknown"),
    (r"ubi\d*|rockylinux|almalinux|centos|fedora|oraclelinux|\bel\d+\b", "rhel"),
    (
        r"bookworm|bullseye|buster|stretch|jessie|wheezy|trixie|forky|\bsid\b|"
        r"noble|jammy|focal|bionic|xenial|trusty|plucky|oracular|questing|resolute|"
        r"slim",
        "debian",
    ),
)

# Repository defaults when the tag says nothing: official images whose plain tags are Debian-based.
_REPOSITORY_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("python", "debian"),
    ("node", "debian"),
    ("ruby", "debian"),
    ("golang", "debian"),
    ("rust", "debian"),
    ("perl", "debian"),
    ("php", "debian"),
    ("openjdk", "debian"),
    ("eclipse-temurin", "debian"),  # Ubuntu-based
    ("maven", "debian"),
    ("gradle", "debian"),
    ("haskell", "debian"),
    ("elixir", "debian"),
    ("erlang", "debian"),
    ("r-base", "debian"),
    ("continuumio/miniconda3", "debian"),
    ("continuumio/anaconda3", "debian"),
    ("tiangolo/uvicorn-gunicorn*", "debian"),
    ("tiangolo/uwsgi-nginx*", "debian"),
    ("mcr.microsoft.com/dotnet/*", "debian"),
)

_DISTROLESS = ("*distroless/*", "*/chainguard/*", "cgr.dev/*")


def family(image_ref: str) -> str:
    """The family of a base image reference (`python:3.12-slim`, `docker.io/library/alpine:3.20`)."""
    repository, tag = split_reference(image_ref)
    if not repository or "$" in repository:
        return "unknown"
    if repository == "scratch":
        return "scratch"
    if any(_matches(pattern, repository) for pattern in _DISTROLESS):
        return "distroless"
    for pattern, tag_regex, name in _OS_RULES:
        if _matches(pattern, repository) and (not tag_regex or re.search(tag_regex, tag)):
            return name
    if tag and "$" not in tag:
        for tag_regex, name in _TAG_RULES:
            if re.search(tag_regex, tag):
                return name
    for pattern, name in _REPOSITORY_DEFAULTS:
        if _matches(pattern, repository):
            return name
    return "unknown"


def split_reference(image_ref: str) -> tuple[str, str]:
    """(repository, tag) in lower case; Docker Hub's `docker.io/library/` prefix removed; no digest."""
    ref = image_ref.strip().lower().split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        repository, tag = ref[:colon], ref[colon + 1 :]
    else:
        repository, tag = ref, ""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/", "index.docker.io/"):
        if repository.startswith(prefix):
            repository = repository[len(prefix) :]
            break
    return repository, tag


def _matches(pattern: str, repository: str) -> bool:
    regex = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, repository) is not None
