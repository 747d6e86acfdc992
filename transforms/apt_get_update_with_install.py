"""DO211 apt-get-update-with-install."""

from __future__ import annotations

from dockopt.document import line_body
from dockopt.edits import Edit
from dockopt.transform import Transform
from dockopt.package_managers import APT_NEEDS_LISTS, apt_calls


class AptGetUpdateWithInstall(Transform):
    """Run `apt-get update` in the same RUN as the `apt-get install` that needs it.

    ## What it does
    A RUN that only runs `apt-get update`, directly followed by a RUN whose `&&` chain installs
    packages, becomes one RUN: `apt-get update && <the install chain>`. Comments and blank lines
    between the two stay where they are, above the merged RUN.

    ## Why
    Docker caches each RUN on its text alone. A lone `RUN apt-get update` layer is reused for
    months while the install line below it changes, so the install reads stale lists and fails
    with "404 Not Found" or installs outdated packages. The lists also ship in a layer of their own.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Safe: the same commands run in the same order as root in a fresh shell; `apt-get update`
    changes no shell state, and `&&` stops the build where the first RUN would have stopped it.
    Only RUNs with the same flags (`--mount`, `--network`...) are merged.
    """

    code = "DO211"
    name = "apt-get-update-with-install"
    title = "apt-get update alone in its RUN goes stale"
    order = 205

    def check(self, doc, ctx):
        instructions = doc.instructions
        taken: set[int] = set()
        for first, second in zip(instructions, instructions[1:]):
            if first.index in taken or not _lone_update(doc, first) or not _installs(doc, second):
                continue
            if first.cmd != "RUN" or second.cmd != "RUN" or sorted(first.flags) != sorted(second.flags):
                continue
            update = doc.shell(first).script.strip()
            line, col = doc.logical(second).position(doc.logical(second).body)
            body = line_body(doc.lines[line])
            text = body[:col] + update + " && " + body[col:] + "\n"
            taken.update((first.index, second.index))
            yield self.fix(
                "run `apt-get update` in the RUN that installs, so its lists are never stale",
                first,
                [Edit.delete(first.start, first.end), Edit.replace(line, line, text)],
            )


def _lone_update(doc, instruction) -> bool:
    view = doc.shell(instruction)
    if view is None or view.has_error or instruction.cmd != "RUN" or "\n" in view.script.strip():
        return False
    parts = view.and_chain()
    calls = apt_calls(view)
    return bool(parts) and len(calls) == len(parts) and all(sub == "update" for _, _, sub in calls)


def _installs(doc, instruction) -> bool:
    view = doc.shell(instruction)
    if view is None or view.has_error or not view.and_chain():
        return False
    calls = apt_calls(view)
    return bool(calls) and calls[0][2] != "update" and any(sub in APT_NEEDS_LISTS for _, _, sub in calls)
