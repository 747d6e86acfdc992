"""DO271 useradd-no-log-init."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from dockopt.document import Document
from dockopt.package_managers import Invocation, Word, add_option_after, invocations, line_edits
from dockopt.results import Fix
from dockopt.transform import Context, Transform

# useradd's short options that take a value: in a cluster the rest of the word (or the next
# word) is that value.
_SHORT_WITH_VALUE = frozenset("bcdefgGkKpPRsuZ")
_LONG_WITH_VALUE = frozenset(
    "--base-dir --comment --home-dir --expiredate --inactive --gid --groups --skel --key --password "
    "--prefix --root --shell --uid --selinux-user --btrfs-subvolume-home".split()
)
# lastlog and faillog grow to uid x record size: past this the sparse file costs real space.
_HIGH_UID = 99999


class UseraddNoLogInit(Transform):
    """Create a user with a high UID without writing the login logs.

    ## What it does
    Adds `-l` right after `useradd` when the call gives a UID above 99999 (or one that comes from
    a variable, which may be that high) and has no `-l` or `--no-log-init`.

    ## Why
    `useradd` writes the new user's record into `/var/log/lastlog` and `/var/log/faillog`, files
    indexed by UID. For a UID like 1000000 the files become sparse files of hundreds of
    megabytes, and image layers do not keep holes: the image grows by that much, all zeros
    (hadolint DL3046). `-l` skips those two records; nothing else changes. Recent shadow
    releases (Debian 12's) no longer extend the files for a new user, older ones (Debian 10,
    Ubuntu 18.04, CentOS 7) do: the flag keeps the Dockerfile right on any of them.

    ## Example
    ```dockerfile
    RUN useradd -u 1000000 -m app
    ```
    becomes
    ```dockerfile
    RUN useradd -l -u 1000000 -m app
    ```

    ## Fix safety
    Safe: the user, its groups, home folder and every file outside `/var/log` are the same. The
    records left out are all zeros, which `lastlog` and `faillog` read exactly as a missing
    record: "never logged in", no failures (proven with real builds on the fixtures).
    """

    code = "DO271"
    name = "useradd-no-log-init"
    title = "useradd with a high UID writes huge login logs into the image"
    aliases = ("DL3046",)
    order = 271
    needs = ("useradd",)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call in invocations(view, ("useradd",), top_level=False):
                if _needs_no_log_init(call):
                    change = add_option_after(view, call.program_word, "-l")
                    if change is not None:
                        changes.append(change)
            if changes:
                yield self.fix("add `-l`: the image keeps no login-log records sized by the UID", instruction, line_edits(doc, changes))


def _needs_no_log_init(call: Invocation) -> bool:
    """Has the call a UID that may be high, and no `-l`? (None when unsure: no fix.)"""
    uid = None
    words = call.words
    index = 0
    while index < len(words):
        value = words[index].value
        if value is None:
            index += 1
            continue
        text = value
        if value == "--":
            break
        if value.startswith("--"):
            name, _, inline = value.partition("=")
            if name == "--no-log-init":
                return False
            if name == "--uid":
                uid = inline if inline else _value_of(words, index + 1)
            if name in _LONG_WITH_VALUE and not inline:
                index += 1
        elif value.startswith("-") and len(value) > 1:
            for position, letter in enumerate(text[1:], start=1):
                if letter == "l":
                    return False
                if letter in _SHORT_WITH_VALUE:
                    rest = text[position + 1 :]
                    if letter == "u":
                        uid = rest if rest else _value_of(words, index + 1)
                    if not rest:
                        index += 1
                    break
        index += 1
    if uid is None:
        return False
    if uid == "":  # expands: may be high
        return True
    return bool(re.fullmatch(r"[0-9]+", uid)) and int(uid) > _HIGH_UID


def _value_of(words: Sequence[Word], index: int) -> str | None:
    """The static value of the word at `index`; "" when it expands; None when there is none."""
    if index >= len(words):
        return None
    value = words[index].value
    return "" if value is None else value
