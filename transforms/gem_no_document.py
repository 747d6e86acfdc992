"""DO248 gem-no-document."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.package_managers import add_option_after, invocations, line_edits, subcommand

_DOC_OPTIONS = ("--no-document", "-N", "--document", "--no-ri", "--no-rdoc", "--ri", "--rdoc")


class GemNoDocument(Transform):
    """Add `--no-document` to `gem install` and `gem update`.

    ## What it does
    Inserts `--no-document` after `install` / `update` in gem commands that say nothing about
    documentation (`--no-document`, `-N`, `--document`, `--no-ri`, `--no-rdoc`).

    ## Why
    By default gem generates ri and rdoc documentation for every gem it installs: slow, and
    megabytes in the image that nobody reads in a container.

    ## Example
    ```dockerfile
    RUN gem install bundler
    ```
    becomes
    ```dockerfile
    RUN gem install --no-document bundler
    ```

    ## Fix safety
    Unsafe: the gems' ri/rdoc documentation is no longer in the image (and RubyGems older than
    2.0 does not know the option).
    """

    code = "DO248"
    name = "gem-no-document"
    title = "gem install generates documentation"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    order = 270
    needs = ('gem',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call in invocations(view, ("gem",)):
                sub = subcommand(call)
                if sub is None or sub[1] not in ("install", "update") or call.has_prefix(*_DOC_OPTIONS):
                    continue
                change = add_option_after(view, call.words[sub[0]], "--no-document")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "add `--no-document` (unsafe: the gems' documentation leaves the image)",
                    instruction,
                    line_edits(doc, changes),
                )
