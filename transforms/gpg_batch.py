"""DO283 gpg-batch."""

from __future__ import annotations

from collections.abc import Iterator

from dockopt.document import Document
from dockopt.package_managers import Invocation, add_option_after, invocations, line_edits
from dockopt.results import Fix
from dockopt.shell import ShellView
from dockopt.transform import Context, Transform

# gpg commands that never ask a question: with or without --batch they do the same thing.
_QUIET_COMMANDS = frozenset(
    "--verify --recv-key --recv-keys --receive-keys --fetch-keys --locate-keys --refresh-keys --export "
    "--dearmor --dearmour --enarmor --enarmour --list-keys --list-public-keys -k --fingerprint --list-sigs "
    "--check-sigs --show-keys --print-md --print-mds".split()
)
# Every other gpg command (some of which ask: passphrases, overwrite, confirmations).
_OTHER_COMMANDS = frozenset(
    "-s --sign --clear-sign --clearsign -b --detach-sign -e --encrypt -c --symmetric -d --decrypt --import "
    "--gen-key --generate-key --full-gen-key --full-generate-key --edit-key --sign-key --lsign-key "
    "--delete-key --delete-keys --delete-secret-key --delete-secret-keys --delete-secret-and-public-key "
    "--export-secret-keys --export-secret-subkeys --import-ownertrust --export-ownertrust --update-trustdb "
    "--check-trustdb --card-edit --card-status --change-pin --passwd --list-secret-keys -K --gen-revoke "
    "--generate-revocation --desig-revoke --send-keys --send-key --search-keys --decrypt-files "
    "--encrypt-files --verify-files --store --list-packets --gen-random --gen-prime --tofu-policy".split()
    + [name for name in ("--quick-gen-key", "--quick-generate-key", "--quick-add-uid", "--quick-add-key",
                         "--quick-sign-key", "--quick-lsign-key", "--quick-set-expire", "--quick-revoke-uid",
                         "--quick-set-primary-uid", "--quick-revoke-sig", "--quick-add-adsk")]
)


class GpgBatch(Transform):
    """Run gpg with `--batch` in the build.

    ## What it does
    Adds `--batch` right after `gpg` (or `gpg2`) when the call has neither `--batch` nor
    `--no-batch` and its command is one that never asks anything: `--recv-keys`,
    `--verify`, `--export`, `--dearmor`, `--fingerprint`, `--list-keys` and the like. Calls
    that import, sign, decrypt, delete or generate keys are left alone: those can prompt.

    ## Why
    gpg is written for a person at a terminal; `--batch` is how it is meant to run in scripts,
    and the official images always pass it (binnacle's and Parfum's `gpgUseBatchFlag`).
    Having it everywhere means a later edit that adds a prompting command fails fast instead
    of waiting for a terminal the build does not have.

    ## Example
    ```dockerfile
    RUN gpg --keyserver hkps://keys.openpgp.org --recv-keys "$KEY"
    ```
    becomes
    ```dockerfile
    RUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$KEY"
    ```

    ## Fix safety
    Safe: the commands it touches ask nothing (their one question, whether to overwrite an
    existing `--output` file, fails the same way in a build with or without `--batch`: there
    is no terminal to answer it), so the keyring, the files they write and their exit status are
    the same. Proven with real builds on the fixtures (`--show-keys`, `--dearmor`, `--export`).
    """

    code = "DO283"
    name = "gpg-batch"
    title = "gpg runs without --batch in the build"
    aliases = ("gpgUseBatchFlag",)
    order = 283
    needs = ('gpg',)

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            changes = []
            for call in invocations(view, ("gpg", "gpg2"), top_level=False):
                values = call.values()
                if {"--batch", "--no-batch"} & set(values) or not _only_quiet_commands(view, call):
                    continue
                change = add_option_after(view, call.program_word, "--batch")
                if change is not None:
                    changes.append(change)
            if changes:
                yield self.fix("add `--batch`: gpg runs unattended in a build", instruction, line_edits(doc, changes))


def _only_quiet_commands(view: ShellView, call: Invocation) -> bool:
    """Does the call run only commands that never prompt? A word that expands is taken for a
    key name when quoted (`"$KEY"`) or after the command; anywhere else it could be an option."""
    commands: set[str] = set()
    for word in call.words:
        value = word.value
        if value is None:
            if not commands and not view.text(word.node).startswith('"'):
                return False
            continue
        if value in _QUIET_COMMANDS or value in _OTHER_COMMANDS:
            commands.add(value)
    return bool(commands) and commands <= _QUIET_COMMANDS
