"""DO281 curl-follow-redirects."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.downloads import CURL_SHORT_WITH_VALUE, CurlCall, add_short_option, curl_calls, output_is_used
from dockopt.package_managers import end_position, line_edits
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Safety, Transform


class CurlFollowRedirects(Transform):
    """Make curl follow redirects when its download is used.

    ## What it does
    Adds `-L` (`--location`) to a curl whose output is used (written with `-o`/`-O` or
    `> file`, piped, or read by `$(...)`) and that has no `-L`, `--location` or
    `--location-trusted`. The letter joins the call's first short-option cluster (`-fsS`
    becomes `-fsSL`), or goes right after `curl`.

    ## Why
    Download URLs often redirect (GitHub releases, mirrors, `latest` links). Without `-L` curl
    saves the redirect's own short body instead of the file, and the build breaks later, or
    worse, goes on (tally's `curl-should-follow-redirects`, Parfum's `curlUseFlagL`).

    ## Example
    ```dockerfile
    RUN curl -fsS https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    ```
    becomes
    ```dockerfile
    RUN curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    ```

    ## Fix safety
    Unsafe: when the URL redirects, the build now downloads the redirect's target instead of the
    redirect's body: the file in the image changes (that is the point). Without a redirect
    nothing changes.
    """

    code = "DO281"
    name = "curl-follow-redirects"
    title = "curl saves a redirect instead of following it"
    safety = Safety.UNSAFE
    aliases = ("tally/curl-should-follow-redirects", "curlUseFlagL")
    order = 281
    needs = ('curl',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for curl in curl_calls(view):
                if curl.has("L", "--location", "--location-trusted") or not output_is_used(view, curl):
                    continue
                change = _append_to_cluster(view, curl) or add_short_option(view, curl, "L")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix(
                    "add `-L` so curl follows redirects instead of saving the redirect "
                    "(unsafe: a URL that redirects now downloads its target)",
                    instruction,
                    line_edits(doc, changes),
                )


def _append_to_cluster(view: ShellView, curl: CurlCall) -> tuple[int, int, int, str] | None:
    """`-fsS` → `-fsSL`: the letter at the end of the first cluster that takes no value."""
    for word in curl.clusters:
        value = word.value  # never None: clusters are written plainly
        if value is None or value[-1] in CURL_SHORT_WITH_VALUE or any(letter in CURL_SHORT_WITH_VALUE for letter in value[1:]):
            continue
        end = end_position(view, word.node)
        if end is None or view.text(word.node) != word.value:
            continue
        return end[0], end[1], end[1], "L"
    return None
