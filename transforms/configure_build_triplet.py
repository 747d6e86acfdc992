"""DO287 configure-build-triplet."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.base_images import family
from dockopt.document import Document
from dockopt.package_managers import add_option_after, command_words, line_edits
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform

BUILD_FLAG = '--build="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"'


class ConfigureBuildTriplet(Transform):
    """Tell `./configure` the build system, as Debian names it.

    ## What it does
    Adds `--build="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"` right after
    `./configure` (or any `.../configure`) in a stage on a Debian or Ubuntu base, when the call
    has no `--build`.

    ## Why
    Without `--build`, autoconf guesses the system with `config.guess`, which reads the kernel:
    a 32-bit build on a 64-bit host (or an arm userland on an arm64 kernel, as on many CI
    machines) is then configured for the wrong machine. The official images pass the triplet
    dpkg knows (binnacle's and Parfum's `configureShouldUseBuildFlag`).

    ## Example
    ```dockerfile
    RUN ./configure --prefix=/usr/local && make && make install
    ```
    becomes
    ```dockerfile
    RUN ./configure --build="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)" --prefix=/usr/local && make && make install
    ```

    ## Fix safety
    Unsafe: it needs `dpkg-architecture` (package dpkg-dev) in the image, a configure script that
    is not autoconf's (nginx's, OpenSSL's) may reject the option, and where the kernel and the
    userland differ the build is now configured for the userland.
    """

    code = "DO287"
    name = "configure-build-triplet"
    title = "./configure guesses the build system from the kernel"
    safety = Safety.UNSAFE
    aliases = ("configureShouldUseBuildFlag",)
    order = 287
    needs = ('configure',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            stage = doc.stage_of(instruction)
            if stage is None or family(doc.image.stage(stage).base_image) != "debian":
                continue
            changes = []
            for command in view.commands:
                words = command_words(view, command)
                if not words or words[0].value is None or not words[0].value.endswith("/configure"):
                    continue
                if any((w.value or view.text(w.node)).lstrip("\"'").startswith("--build") for w in words[1:]):
                    continue
                change = add_option_after(view, words[0], BUILD_FLAG)
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "pass `--build` with Debian's name of the build system, so configure does not guess it from the kernel "
                    "(unsafe: needs dpkg-dev, and a configure script that is not autoconf's may reject it)",
                    instruction,
                    line_edits(doc, changes),
                )
