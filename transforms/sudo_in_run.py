"""DO260 sudo-in-run."""

from __future__ import annotations

from dockopt.transform import Safety, Severity, Transform


class SudoInRun(Transform):
    """Flag `sudo` inside RUN.

    ## What it does
    Reports every `sudo` command in a RUN instruction. It does not rewrite anything.

    ## Why
    RUN already executes as the current USER, which is root unless the Dockerfile changed it.
    `sudo` adds a package to the image, behaves differently without a TTY, and hides which
    user a step really needs. Switch users with `USER` instead (and back, if a later step needs
    root).

    ## Example
    ```dockerfile
    USER app
    RUN sudo apt-get install -y curl
    ```
    Install as root before `USER app`, or put `USER root` / `USER app` around the step.

    ## Fix safety
    No fix: which user each step should run as is a decision for the author.
    """

    code = "DO260"
    name = "sudo-in-run"
    title = "Do not use sudo in RUN: switch with USER"
    safety = Safety.DISPLAY
    severity = Severity.WARNING
    aliases = ("DL3004",)
    order = 260
    needs = ('sudo',)

    def check(self, doc, ctx):
        for instruction in doc.instructions:
            view = doc.shell(instruction)
            if view is None:
                continue
            for command in view.commands:
                if command.name == "sudo":
                    line, _ = view.position(command.node)
                    yield self.fix("sudo in RUN: steps already run as the current USER; switch with USER instead", line)
