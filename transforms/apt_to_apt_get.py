"""DO210 apt-to-apt-get."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform
from dockopt.package_managers import add_option_after, apt_calls, line_edits, word_span

# apt subcommand -> the apt-get words that do the same (None: the same word). Others (list,
# search, show...) have no apt-get form and are left alone.
_IN_APT_GET = {
    "install": None,
    "remove": None,
    "purge": None,
    "autoremove": None,
    "update": None,
    "clean": None,
    "autoclean": None,
    "build-dep": None,
    "source": None,
    "download": None,
    "satisfy": None,
    "upgrade": "--with-new-pkgs",  # `apt upgrade` may install new dependencies; apt-get only with this
    "full-upgrade": "dist-upgrade",
}


class AptToAptGet(Transform):
    """Use `apt-get` instead of `apt` in RUN.

    ## What it does
    Rewrites `apt install/update/remove/...` as the same `apt-get` command. `apt upgrade` becomes
    `apt-get upgrade --with-new-pkgs` and `apt full-upgrade` becomes `apt-get dist-upgrade`, which
    is what they do. `apt list`, `apt search` and `apt show` have no apt-get form and stay.

    ## Why
    `apt` is the interactive front end: its command line is not stable for scripts and it warns
    so on every run ("apt does not have a stable CLI interface"). `apt-get` is meant for scripts.

    ## Example
    ```dockerfile
    RUN apt update && apt install -y curl
    ```
    becomes
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix safety
    Safe: both front ends use the same libapt, configuration and solver, so they install the
    same packages. Only the progress output differs, and `apt` deletes the downloaded `.deb`
    files (a cache) that `apt-get` keeps.
    """

    code = "DO210"
    name = "apt-to-apt-get"
    title = "Use apt-get, not apt, in scripts"
    severity = Severity.WARNING
    aliases = ("DL3027",)
    order = 200
    needs = ('apt',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call, index, sub in apt_calls(view):
                if call.program != "apt" or sub not in _IN_APT_GET:
                    continue
                program = word_span(view, call.program_word)
                word = call.words[index]
                sub_span = word_span(view, word)
                extra = _IN_APT_GET[sub]
                option = add_option_after(view, word, extra) if extra == "--with-new-pkgs" else None
                if program is None or sub_span is None or (extra == "--with-new-pkgs" and option is None):
                    continue  # quoted or split over lines: leave it
                line, _, end = program
                changes.append((line, end, end, "-get"))
                if option is not None:
                    changes.append(option)
                elif extra is not None:
                    changes.append((sub_span[0], sub_span[1], sub_span[2], extra))
            if changes:
                yield self.fix("use `apt-get` in scripts, not `apt`", instruction, line_edits(doc, changes))
