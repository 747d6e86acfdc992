"""DO289 https-download."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.package_managers import end_position, invocations, line_edits
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Transform

# Hosts that are this machine or a private network: no certificate there to check.
_LOCAL_HOST = re.compile(r"^(localhost|[^.]+|.*\.(local|localhost|internal|lan|home|test|example|invalid))$", re.IGNORECASE)
_HTTP_URL = re.compile(r"""^(["']?)http://([^/:?#"'$\s]+)""", re.IGNORECASE)


class HttpsDownload(Transform):
    """Download over https instead of http.

    ## What it does
    Rewrites `http://` to `https://` in the URLs that `curl` and `wget` download from, when the
    host is a public name (not `localhost`, an IP address, a single-label or `.local`/`.internal`
    name, or a variable).

    ## Why
    A download over plain http can be read and replaced by anyone on the path: a build that
    installs what it fetched over http runs whatever a proxy or an attacker sent
    (binnacle's and Parfum's `curlUseHttpsUrl` and `wgetUseHttpsUrl`).

    ## Example
    ```dockerfile
    RUN curl -fsSLo /tmp/tool.tgz http://downloads.example.org/tool.tgz
    ```
    becomes
    ```dockerfile
    RUN curl -fsSLo /tmp/tool.tgz https://downloads.example.org/tool.tgz
    ```

    ## Fix safety
    Unsafe: the server must serve the same file over TLS (some only speak http, or serve another
    host's certificate), and the image needs CA certificates for curl or wget to check it.
    """

    code = "DO289"
    name = "https-download"
    title = "curl or wget downloads over plain http"
    safety = Safety.UNSAFE
    aliases = ("curlUseHttpsUrl", "wgetUseHttpsUrl")
    order = 289
    needs = ('http://',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            hosts = []
            for call in invocations(view, ("curl", "wget"), top_level=False):
                for word in call.words:
                    text = view.text(word.node)
                    match = _HTTP_URL.match(text)
                    if match is None or not _public(match.group(2)):
                        continue
                    end = end_position(view, word.node)
                    if end is None:
                        continue
                    column = end[1] - len(text) + len(match.group(1)) + len("http")
                    changes.append((end[0], column, column, "s"))
                    hosts.append(match.group(2))
            if changes:
                names = ", ".join(dict.fromkeys(hosts))
                yield self.fix(
                    f"download from {names} over https, not plain http "
                    "(unsafe: the server must serve the same file over TLS, and the image needs CA certificates)",
                    instruction,
                    line_edits(doc, changes),
                )


def _public(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return False
    except ValueError:
        pass
    return _LOCAL_HOST.match(host) is None
