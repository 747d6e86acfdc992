"""DO310 run-app-as-build-step."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping

from dockopt.document import Document, Instruction, Stage
from dockopt.image import join
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

# Commands that start a long-running server: as a RUN they hang the build.
_SERVERS = {"uvicorn", "gunicorn", "hypercorn", "daphne", "waitress-serve", "granian"}
_SERVER_SUBCOMMANDS = {"flask": {"run"}, "streamlit": {"run"}, "fastapi": {"run", "dev"}, "npm": {"start"}}
_SERVER_MODULES = {"uvicorn", "gunicorn", "hypercorn", "flask", "http.server", "streamlit", "fastapi"}
_PYTHON = re.compile(r"python(\d(\.\d+)?)?")


class RunAppAsBuildStep(Transform):
    """`RUN` starts the application where `CMD` was meant.

    ## What it does
    Finds RUN instructions that start the application: a server (`uvicorn`, `gunicorn`,
    `flask run`, `python -m http.server`, `manage.py runserver`, ...), or `python app.py` where
    `app.py` is the script the image's CMD/ENTRYPOINT runs, or the last instruction of an image that
    has no CMD at all. It reports them; it does not rewrite them.

    ## Why
    RUN executes while the image is built. A server started there never exits, so the build hangs
    (or times out); a script that does exit runs once at build time and not when a container starts.
    Starting the app is the job of CMD (or ENTRYPOINT).

    ## Example
    ```dockerfile
    COPY . /code
    RUN python myapp.py
    ```
    should be
    ```dockerfile
    COPY . /code
    CMD ["python", "myapp.py"]
    ```

    ## Fix safety
    No automatic fix: whether the step was meant as a build step or as the container's command is
    the author's call.
    """

    code = "DO310"
    name = "run-app-as-build-step"
    title = "RUN starts the application where CMD was meant"
    safety = Safety.DISPLAY
    severity = Severity.WARNING
    order = 400
    # What `_starts_app` can recognise at all: a server, a command that serves, or Python.
    needs = tuple(sorted({*_SERVERS, *_SERVER_SUBCOMMANDS, "python"}))

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        cwds = doc.image.workdirs
        final = doc.final_stage
        for stage in doc.stages:
            targets = _cmd_scripts(stage, cwds)
            has_cmd = any(item.cmd in ("CMD", "ENTRYPOINT") for item in stage.instructions)
            for instruction in stage.instructions:
                if instruction.cmd != "RUN":
                    continue
                last = stage is final and instruction is stage.instructions[-1] and not has_cmd
                for command in _commands(doc, instruction):
                    why = _starts_app(command, cwds[instruction.index], targets, last)
                    if why:
                        shown = " ".join(command)
                        cmd = "[" + ", ".join(f'"{part}"' for part in command) + "]"
                        yield self.fix(
                            f"`RUN {shown}` {why} during the build (it blocks the build or runs only once); "
                            f"did you mean `CMD {cmd}`?",
                            instruction,
                        )
                        break


def _commands(doc: Document, instruction: Instruction) -> list[list[str]]:
    """Each simple command of a RUN as static words (exec form included); backgrounded bodies skipped."""
    if instruction.json:
        return [list(instruction.args)]
    view = doc.shell(instruction)
    if view is None or view.has_error or "&" in view.top_level_operators:
        return []
    return [[command.name, *(arg for arg in command.args if arg is not None)] for command in view.commands
            if command.name is not None and None not in command.args]


def _starts_app(words: list[str], cwd: str, targets: set[str], last: bool) -> str | None:
    name = posixpath.basename(words[0])
    args = words[1:]
    positional = [arg for arg in args if not arg.startswith("-")]
    if name in _SERVERS:
        return "starts a server"
    if positional[:1] and positional[0] in _SERVER_SUBCOMMANDS.get(name, ()):
        return "starts a server"
    if not _PYTHON.fullmatch(name):
        return None
    if args[:1] == ["-m"] and len(args) > 1:
        module = args[1]
        if module in _SERVER_MODULES and (module not in ("flask", "fastapi", "streamlit") or "run" in args[2:]):
            return "starts a server"
        return None
    script = next((arg for arg in args if not arg.startswith("-")), None)
    if script is None or not script.endswith(".py"):
        return None
    if posixpath.basename(script) == "manage.py" and "runserver" in args:
        return "starts a server"
    if join(cwd, script) in targets:
        return "runs the script the image's CMD runs"
    if last and posixpath.basename(script) not in ("setup.py", "manage.py"):
        return "runs the app"
    return None


def _cmd_scripts(stage: Stage, cwds: Mapping[int, str]) -> set[str]:
    """In-image paths of the .py scripts the stage's CMD/ENTRYPOINT run."""
    found = set()
    for instruction in stage.instructions:
        if instruction.cmd not in ("CMD", "ENTRYPOINT"):
            continue
        words = list(instruction.args) if instruction.json else " ".join(instruction.args).split()
        for word in words:
            if word.endswith(".py"):
                found.add(join(cwds[instruction.index], word))
    return found
