"""DO257 go-cache-mount."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.cache_mounts import go_plan, mounting
from dockopt.document import Document
from dockopt.results import Fix, Safety
from dockopt.transform import Context, Severity, Transform


class GoCacheMount(Transform):
    """Keep Go's build and module caches on BuildKit cache mounts (cache policy "mount").

    ## What it does
    Runs only with the cache policy "mount" (`cache = "mount"` in the config, or `--cache mount`).
    A RUN that runs `go build`, `go install`, `go test` (also `vet`, `run`, `list`, `get`, and
    `go mod download`/`tidy`/`vendor`/`verify`, which read only modules) as root gets
    `--mount=type=cache,target=...` on Go's build cache (`GOCACHE`: as set by ENV, else
    `$XDG_CACHE_HOME/go-build` or `$HOME/.cache/go-build`, `/root/.cache/go-build` for root) and
    on its module cache (`GOMODCACHE`: as set by ENV, else `$GOPATH/pkg/mod`, `/go/pkg/mod` on
    the golang images, which set `GOPATH=/go`). A `go clean -cache`/`-modcache` of the mounted
    caches goes.

    The module cache is not mounted when a later RUN (without a mount of it), CMD or ENTRYPOINT
    of the stage or of a stage built on it runs go: those need the modules in the image. A cache
    that a later instruction names (a `COPY --from` of `/go/pkg/mod`, ...) is not mounted either.

    The module cache is mounted on every go RUN of the stage chain or on none: a RUN without it
    would not see the modules downloaded under the mount (later), or a mount would hide modules
    already in the image (earlier, or a `COPY` into that folder). A `go mod download` alone gets
    no build-cache mount (it compiles nothing).

    Left alone: a cache placed inside the RUN (`GOCACHE=...`, `GOPATH=...`, an `eval` or `source`
    that may set them), a `GOENV` file, a cache folder we cannot tell (`GOCACHE=off`, a variable,
    a base image we do not know, whose config may set GOPATH), a RUN run by another user than root
    (a cache mount is root-owned), a cleanup that is not a part of the RUN's `&&` chain, Windows
    stages, ONBUILD, exec form and heredocs. A RUN that mounts the folders already is not touched
    again.

    ## Why
    `go build` compiles every package of the program and its dependencies and keeps the results
    in the build cache; `go mod download` fetches every module. In a layer both are gone as soon
    as `go.mod` or one source file changes. On a cache mount they are there for the next build,
    which only compiles what changed, and they never reach the image.

    ## Example
    ```dockerfile
    FROM golang:1.23
    COPY . .
    RUN go build -o /app .
    ```
    becomes
    ```dockerfile
    FROM golang:1.23
    COPY . .
    RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build -o /app .
    ```

    ## Fix safety
    Unsafe: the build and module caches no longer ship in the image, so a later go command
    without the mount (or the container, with `go run` at start) compiles, and downloads the
    modules, again. The program built is the same. The build needs BuildKit.
    """

    code = "DO257"
    name = "go-cache-mount"
    title = "Go compiles and downloads again what a cache mount would keep (cache policy \"mount\")"
    severity = Severity.INFO
    safety = Safety.UNSAFE
    order = 258
    needs = ("go ",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        if not mounting(ctx):
            return
        for instruction, view in doc.shell_views():
            plan = go_plan(doc, instruction, view)
            edits = plan and plan.edits(doc, instruction)
            if plan is not None and edits:
                yield self.fix(plan.message, instruction, edits, Safety.UNSAFE, reason=plan.unsafe)
