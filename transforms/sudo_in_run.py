"""DO260 sudo-in-run."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.base_images import base_config, split_reference
from dockopt.document import Document, Instruction
from dockopt.image import is_root_user
from dockopt.package_managers import command_words, line_edits, word_span
from dockopt.results import Fix
from dockopt.shell import Command, ShellView
from dockopt.transform import Context, Safety, Severity, Transform

# Images that run as root unless the Dockerfile says otherwise (Docker Hub's OS and language
# images; also under docker.io/library/ and mirror.gcr.io/).
_ROOT_REPOSITORIES = frozenset(
    "debian ubuntu alpine busybox centos fedora rockylinux almalinux oraclelinux amazonlinux buildpack-deps "
    "python pypy node golang ruby rust perl php openjdk eclipse-temurin amazoncorretto maven gradle haskell "
    "elixir erlang r-base julia swift".split()
)
_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "library/", "mirror.gcr.io/library/", "mirror.gcr.io/")
# sudo options that neither change the user nor what runs: the rest of the call runs as it is.
_PLAIN_OPTIONS = frozenset("-n -E -H -S -- --non-interactive --preserve-env --set-home --stdin".split())
_ROOT_NAMES = ("root", "0", "#0")


class SudoInRun(Transform):
    """Drop `sudo` from a RUN that already runs as root; flag it elsewhere.

    ## What it does
    Removes a `sudo` prefix (with the options `-n`, `-E`, `-H`, `-S`, `-u root`) from a command
    of a RUN that runs as root: after `USER root`, or with no USER at all on a base image known to
    run as root (Debian, Ubuntu, Alpine, the Red Hat family and the official language images:
    python, node, golang, ruby...). Every other `sudo` is reported: after a non-root USER, on an
    unknown base, or with options that change the user or the shell (`-u app`, `-i`, `-s`).

    ## Why
    RUN already executes as the current USER. As root, `sudo` only adds a package to the image,
    resets the environment the Dockerfile set, and hides which user a step really needs
    (hadolint DL3004). Where another user is wanted, switch with `USER` (and back, if a later
    step needs root).

    ## Example
    ```dockerfile
    FROM debian:bookworm
    RUN sudo apt-get update
    ```
    becomes
    ```dockerfile
    FROM debian:bookworm
    RUN apt-get update
    ```

    ## Fix safety
    Unsafe: the command now runs with the image's environment (`ENV` values, the base image's
    `PATH`), which sudo's `env_reset` replaced, and without the `SUDO_USER`-style variables some
    installers look at; and where sudo is not installed, the RUN no longer fails. The findings
    are not fixed: which user each step runs as is the author's decision.
    """

    code = "DO260"
    name = "sudo-in-run"
    title = "sudo in RUN: steps already run as the current USER"
    safety = Safety.UNSAFE
    severity = Severity.WARNING
    aliases = ("DL3004",)
    order = 260
    needs = ('sudo',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            view = doc.shell(instruction)
            if view is None:
                continue
            root = _runs_as_root(doc, instruction) if instruction.cmd == "RUN" else False
            changes = []
            for command in view.commands:
                if command.name != "sudo":
                    continue
                change = _drop_prefix(view, command) if root else None
                if change is not None:
                    changes.append(change)
                    continue
                line, _ = view.position(command.node)
                if root is None:
                    stage = doc.stage_of(instruction)  # None for a RUN above every FROM (BuildKit rejects it)
                    base = doc.image.stage(stage).base_image if stage is not None else "the base image"
                    message = (f"sudo in RUN; left alone: dockopt does not know which user {base} runs as "
                               "(switch with USER where another user is needed)")
                elif root:
                    message = "sudo with options that change the user or the shell: switch with USER instead"
                else:
                    message = "sudo in RUN: steps already run as the current USER; switch with USER instead"
                yield self.fix(message, line)
            if changes:
                yield self.fix(
                    "drop `sudo`: this RUN already runs as root "
                    "(unsafe: the command now sees the ENV and PATH that sudo reset, and runs where sudo is missing)",
                    instruction,
                    line_edits(doc, changes),
                )


def _runs_as_root(doc: Document, instruction: Instruction) -> bool | None:
    """Does the RUN run as root? None: the base image decides, and dockopt does not know it."""
    user = doc.image.scope(instruction).user
    if user is not None:
        return is_root_user(user) and "$" not in user
    stage = doc.stage_of(instruction)
    if stage is None:
        return None
    base = doc.image.stage(stage).base_image
    repository, _ = split_reference(base)
    for prefix in _HUB_PREFIXES:
        if repository.startswith(prefix):
            repository = repository[len(prefix) :]
            break
    if repository in _ROOT_REPOSITORIES:
        return base_config(base).user is None
    return None


def _drop_prefix(view: ShellView, command: Command) -> tuple[int, int, int, str] | None:
    """A change that deletes `sudo` and its plain options, up to the command it runs (same line)."""
    words = command_words(view, command)
    index = 1
    while index < len(words):
        value = words[index].value
        if value is None:
            return None
        if value in ("-u", "--user") and index + 1 < len(words) and words[index + 1].value in _ROOT_NAMES:
            index += 2
        elif value.startswith("--user=") and value.partition("=")[2] in _ROOT_NAMES:
            index += 1
        elif value in _PLAIN_OPTIONS:
            index += 1
        elif value.startswith("-"):
            return None  # an option that changes the user, the shell or what runs
        else:
            break
    if index >= len(words):
        return None
    first, rest = word_span(view, words[0]), word_span(view, words[index])
    if first is None or rest is None or first[0] != rest[0]:
        return None
    return first[0], first[1], rest[1], ""
