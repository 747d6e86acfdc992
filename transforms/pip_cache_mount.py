"""DO254 pip-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import mounting, pip_plan
from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Severity, Transform


class PipCacheMount(Transform):
    """Keep the cache of pip, uv and Poetry on a BuildKit cache mount (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount" (`cache = "mount"` in the config, or `--cache mount`).
    A RUN that runs `pip install` (also `pip3`, `python -m pip`), `uv pip install`, `uv sync`,
    `uv add`, or `poetry install`/`add`/`update`/`lock` as root gets
    `--mount=type=cache,target=...` on the tool's cache folder: `$XDG_CACHE_HOME/<tool>`, else
    `$HOME/.cache/<tool>` (`pip`, `uv`, `pypoetry`), with `HOME` and `XDG_CACHE_HOME` read from
    the ENV in effect (`/root` when unset). Options that turn the cache off (`--no-cache-dir`,
    `uv --no-cache`, `poetry --no-cache`) and `pip cache purge` / `uv cache clean` parts go:
    they would make the mount useless. With this policy `pip-no-cache-dir` (DO240) adds nothing
    where this rule mounts.

    Left alone: a cache placed or turned off on purpose (`PIP_CACHE_DIR`, `PIP_NO_CACHE_DIR`,
    `PIP_CONFIG_FILE`, `UV_CACHE_DIR`, `UV_NO_CACHE`, `POETRY_CACHE_DIR`, `--cache-dir`), a cache
    folder a later instruction reads, a `HOME` set inside the RUN, a RUN run by another user than
    root (a cache mount is root-owned: pip would turn its cache off), Windows stages, ONBUILD,
    exec form and heredocs. A RUN that mounts the folder already is not touched again.

    ## Why
    pip's cache holds every downloaded archive and built wheel. Deleted (or never written, with
    `--no-cache-dir`), it is gone when one requirement changes and the RUN runs again: every
    package is downloaded (and built) again. On a cache mount it never reaches the image and is
    there for the next build.

    ## Example
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    becomes
    ```dockerfile
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```

    ## Fix safety
    Safe: the same packages are installed, and the cache is on the mount, not in the image (the
    mounted folder is empty in the image; Docker 20.10 keeps the empty folder where the mount
    was). The build needs BuildKit.
    """

    code = "DO254"
    name = "pip-cache-mount"
    title = "pip downloads again what a cache mount would keep (cache policy \"mount\")"
    severity = Severity.INFO
    aliases = ("DL3042",)
    order = 249
    needs = ("pip", "uv", "poetry")

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        for instruction, view in doc.shell_views():
            plan = pip_plan(doc, instruction, view)
            edits = plan and plan.edits(doc, instruction)
            if edits:
                yield self.fix("keep the package cache on a cache mount", instruction, edits)
