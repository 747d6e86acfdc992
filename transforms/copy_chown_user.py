"""DO405 copy-chown-user."""

from __future__ import annotations


from collections.abc import Iterator

from dockopt.document import Document, line_body
from dockopt.edits import Edit
from dockopt.image import is_root_user
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform

# Windows images have no --chown (and their USER names are Windows accounts).
_WINDOWS_USERS = frozenset({"containeruser", "containeradministrator"})


class CopyChownUser(Transform):
    """Give files copied after a non-root `USER` to that user.

    ## What it does
    Adds `--chown=USER` to a `COPY` or `ADD` that comes after `USER app` (in its stage, or in the
    stage it is built FROM) and has no `--chown`, using the USER value as written
    (`app`, `app:app`, `1001`, `$APP_USER`). Files from the build context only: artifacts copied
    from another stage or image, and copies into system folders (`/usr`, `/etc`, `/opt/venv`...),
    stay root's, since the app should not be able to change them.

    ## Why
    `USER` changes who runs the later RUN steps and the container, not who owns copied files:
    COPY and ADD always create root-owned files unless told otherwise. A Dockerfile that switches
    to `app` and then copies its code usually expects `app` to own it (to write a cache, a
    database, uploads next to it), and only finds out at run time.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    COPY . /home/app/src
    ```
    becomes
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    USER app
    COPY --chown=app . /home/app/src
    ```

    ## Fix safety
    Unsafe: the files change owner, so the user can now modify (or delete) them, which root-owned
    code deliberately prevents; and a user name that does not exist yet when the COPY runs fails
    the build. Keep the files root-owned when the app only reads them.
    """

    code = "DO405"
    name = "copy-chown-user"
    title = "COPY after a non-root USER leaves the files owned by root"
    safety = Safety.UNSAFE
    aliases = ("tally/copy-after-user-without-chown",)
    order = 510
    needs = ('user',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if instruction.cmd not in ("COPY", "ADD") or instruction.flag("chown") is not None:
                continue
            last = doc.image.last_before(instruction, "USER")  # a USER of the file's own, not the base image's
            user = doc.image.scope_after(last).user if last is not None else None
            if user is None or is_root_user(user) or user.lower() in _WINDOWS_USERS or doc.escape == "`":
                continue
            stage = doc.stage_of(instruction)
            if stage is None or doc.image.stage(stage).windows:
                continue
            copy = doc.image.copy_of(instruction)
            if copy is None or not copy.from_context or _system_path(copy.dest_folder):
                continue  # build artifacts and system folders stay root's: the app should not change them
            body = line_body(doc.lines[instruction.start])
            keyword_end = len(doc.indent(instruction.start)) + len(instruction.keyword)
            if body[keyword_end : keyword_end + 1] not in (" ", "\t"):
                continue  # the arguments start on a continuation line: leave the layout alone
            text = body[:keyword_end] + f" --chown={user}" + body[keyword_end:]
            yield self.fix(
                f"files copied after `USER {user}` are still owned by root: add `--chown={user}` "
                "(unsafe: the user can then change them, and a user that does not exist yet fails the build)",
                instruction,
                [Edit.replace(instruction.start, instruction.start, text + "\n")],
            )


_SYSTEM_TREES = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/var/lib", "/opt/venv", "/root")


def _system_path(path: str) -> bool:
    return any(path == tree or path.startswith(tree + "/") for tree in _SYSTEM_TREES)
