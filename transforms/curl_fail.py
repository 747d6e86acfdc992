"""DO280 curl-fail."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.downloads import add_short_option, curl_calls, output_is_used
from dockopt.package_managers import line_edits
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform


class CurlFail(Transform):
    """Make curl fail on an HTTP error when its download is used.

    ## What it does
    Adds `-f` (`--fail`) to a curl whose output is used (written with `-o`/`-O` or `> file`,
    piped, or read by `$(...)`) and that has no `-f`, `--fail` or `--fail-with-body`. The letter
    goes into the call's first short-option cluster (`-sSL` becomes `-fsSL`), or right after
    `curl`.

    ## Why
    Without `-f`, curl exits 0 on a 404 or a 500 and hands on the error page: the build then
    extracts, installs or pipes to a shell an HTML page, and fails later with a confusing
    message, or not at all (binnacle's and Parfum's `curlUseFlagF`).

    ## Example
    ```dockerfile
    RUN curl -sSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    ```
    becomes
    ```dockerfile
    RUN curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    ```

    ## Fix safety
    Unsafe: it changes the build's outcome when the server answers with an error: the build that
    went on with an error page now stops at curl. That is the point, but it is a change.
    """

    code = "DO280"
    name = "curl-fail"
    title = "curl hands on an HTTP error page as if it were the download"
    safety = Safety.UNSAFE
    aliases = ("curlUseFlagF",)
    order = 280
    needs = ('curl',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for curl in curl_calls(view):
                if curl.has("f", "--fail", "--fail-with-body") or not output_is_used(view, curl):
                    continue
                change = add_short_option(view, curl, "f")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "add `-f` so an HTTP error fails curl instead of handing on the error page "
                    "(unsafe: a download that answers 4xx/5xx now fails the build)",
                    instruction,
                    line_edits(doc, changes),
                )
