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

Also here: official image references (`ImageRef`), their slim variants (`slim_tag`, from
`data/slim_images.json`), and where a stage names its image (`base_site`: the FROM line or the ARG
default it expands), which DO501 and DO502 edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from dockopt.text import unquote
from dockopt.words import process_word

if TYPE_CHECKING:
    from dockopt.document import Document, Stage

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
        (r"bookworm|bullseye|buster|stretch|jessie|wheezy|trixie|forky|\bsid\b|"
         r"noble|jammy|focal|bionic|xenial|trusty|plucky|oracular|questing|resolute|"
         r"slim"),
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
    return _pattern(pattern).fullmatch(repository) is not None


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if char == "*" else re.escape(char) for char in pattern))


# -- official image references and their slim variants -----------------------------------------------

_ONLY_VAR = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/", "docker.io/", "library/")


@lru_cache(maxsize=1)
def slim_data() -> dict[str, Any]:
    """The slim mapping and what full images have that slim ones lack (data/slim_images.json)."""
    table: dict[str, Any] = json.loads(resources.files("dockopt").joinpath("data/slim_images.json").read_text("utf-8"))
    return table


@dataclass(frozen=True)
class ImageRef:
    prefix: str  # registry/namespace as written, e.g. "docker.io/library/" or ""
    repo: str  # "python"
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, text: str) -> ImageRef | None:
        """A Docker Hub official image reference; None for other registries and user images."""
        rest, _, digest = text.partition("@")
        prefix = ""
        for candidate in _HUB_PREFIXES:
            if rest.startswith(candidate):
                prefix, rest = candidate, rest[len(candidate) :]
                break
        if "/" in rest:
            return None
        repo, _, tag = rest.partition(":")
        return cls(prefix, repo, tag or None, digest or None)

    def with_tag(self, tag: str) -> str:
        return f"{self.prefix}{self.repo}:{tag}"

    def __str__(self) -> str:
        text = self.prefix + self.repo + (f":{self.tag}" if self.tag else "")
        return text + (f"@{self.digest}" if self.digest else "")


def slim_tag(repo: str, tag: str | None, resolved_tag: str | None = None) -> str | None:
    """The slim variant's tag for `repo:tag`, or None when there is none (or it is already small).

    `tag` is the text as written (it may hold `${VARS}`); `resolved_tag` is its value with ARG
    defaults filled in, used to tell whether the image is already small.
    """
    rule: dict[str, Any] | None = slim_data()["images"].get(repo)
    if rule is None:
        return None
    value = resolved_tag if resolved_tag is not None else tag
    if value and any(word in value for word in slim_data()["already_small"]):
        return None
    if not tag or tag == "latest":
        latest: str | None = rule.get("latest")  # None: no slim image of the latest tag
        return latest
    if rule.get("jdk_to_jre"):
        if "jdk" in tag:
            return tag.replace("jdk", "jre", 1)
        version, sep, rest = tag.partition("-")
        return f"{version}-jre{sep}{rest}"
    parts = tag.split("-")
    if rule["distro_order"] == "slim-first" and parts[-1] in slim_data()["distros"]:
        return "-".join([*parts[:-1], "slim", parts[-1]]) if len(parts) > 1 else f"slim-{tag}"
    suffix: str = rule["slim"]
    return tag + suffix


@dataclass
class BaseSite:
    """Where a stage's image is named: the FROM line itself or an ARG default it expands."""

    stage: Stage
    line: int  # file line that holds the text
    column: int
    text: str  # the image reference as written at that place
    image: ImageRef
    resolved: str | None  # the reference with ARG defaults filled in
    via_arg: str | None = None  # the ARG name when the text is an ARG default


def base_site(doc: Document, stage: Stage) -> BaseSite | None:
    """Locate the image reference of a stage; None for stage names, scratch and unknown images."""
    args = stage.from_instruction.args
    if not (len(args) == 1 or (len(args) == 3 and args[1].lower() == "as")):
        return None  # Docker rejects this FROM (an inline comment?): nothing to swap safely
    base = stage.base
    names = {s.name for s in doc.stages[: stage.index] if s.name}
    if base.lower() in names or base.lower() == "scratch":
        return None
    only_var = _ONLY_VAR.match(base)
    if only_var:
        name = only_var.group(1) or only_var.group(2)
        return _arg_site(doc, stage, name)
    repo_part = base.split(":", 1)[0].split("@", 1)[0]
    if "$" in repo_part:
        return None
    image = ImageRef.parse(base)
    if image is None:
        return None
    logical = doc.logical(stage.from_instruction)
    start = logical.text.find(base, logical.body)
    if start < 0:
        return None
    line, column = logical.position(start)
    if logical.position(start + len(base) - 1)[0] != line:
        return None  # the reference spans lines: too unusual to edit
    return BaseSite(stage, line, column, base, image, process_word(base, doc.image.global_args, doc.escape))


def _arg_site(doc: Document, stage: Stage, name: str) -> BaseSite | None:
    for instruction in doc.instructions:
        if instruction.cmd == "FROM":
            return None
        if instruction.cmd != "ARG" or instruction.start != instruction.end:
            continue
        for item in instruction.args:
            key, sep, value = item.partition("=")
            if key != name or not sep:
                continue
            text = unquote(value)
            image = ImageRef.parse(text) if "$" not in text else None
            if image is None:
                return None
            line = doc.lines[instruction.start]
            column = line.find(f"{key}={value}")
            if column < 0:
                return None
            column += len(key) + 1 + (len(value) - len(text)) // 2
            return BaseSite(stage, instruction.start, column, text, image, text, via_arg=name)
    return None


def only_variable(text: str) -> str | None:
    """The variable name when `text` is just `$NAME` or `${NAME}`."""
    match = _ONLY_VAR.match(text)
    return (match.group(1) or match.group(2)) if match else None


# -- what a base image sets itself ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _config_table() -> list[dict[str, Any]]:
    text = resources.files("dockopt").joinpath("data/base_image_config.json").read_text("utf-8")
    images: list[dict[str, Any]] = json.loads(text)["images"]
    return images


@dataclass(frozen=True)
class BaseConfig:
    """The parts of a base image's config that the Dockerfile builds on (data/base_image_config.json)."""

    workdir: str = "/"
    env: tuple[tuple[str, str], ...] = ()
    user: str | None = None  # None: root, as almost every base image
    users: tuple[tuple[str, int, int], ...] = ()  # (name, uid, gid) the image ships
    workdir_known: bool = False  # the data states the workdir ("/" otherwise is only the likely default)


@lru_cache(maxsize=256)
def base_config(image_ref: str) -> BaseConfig:
    """What `image_ref` sets in its own config, as far as the data knows (defaults otherwise)."""
    repository, tag = split_reference(image_ref)
    for entry in _config_table():
        if not _matches(entry["repository"], repository):
            continue
        if "tag" in entry and not re.search(entry["tag"], tag):
            continue
        users = tuple((name, ids[0], ids[1]) for name, ids in sorted(entry.get("users", {}).items()))
        return BaseConfig(entry.get("workdir", "/"), tuple(sorted(entry.get("env", {}).items())), entry.get("user"), users,
                          "workdir" in entry)
    return BaseConfig()
