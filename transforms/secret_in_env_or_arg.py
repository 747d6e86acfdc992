"""DO262 secret-in-env-or-arg."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

# Name parts that mark a secret, as BuildKit's SecretsUsedInArgOrEnv check reads names.
_SECRET_WORDS = frozenset({"apikey", "auth", "credential", "credentials", "key", "password", "passwd", "pword", "secret", "token"})
_HARMLESS_WORDS = frozenset({"public", "file", "path", "url", "id", "name", "user", "username", "dir", "host", "version", "type", "size"})
_WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


# A GPG key named by its ID or fingerprint (`ENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305`,
# as the official images do): the public half, which the build fetches from a keyserver.
_KEY_IDS = re.compile(r"\s*(?:(?:0x)?[0-9A-Fa-f]{8,40}\s*)+")
_KEYRING_WORDS = frozenset({"gpg", "pgp", "gnupg"})


def public_key_id(name: str, value: str) -> bool:
    words = {w.lower() for w in _WORD_RE.findall(name)}
    return bool(words & _KEYRING_WORDS) and "private" not in words and bool(_KEY_IDS.fullmatch(value))


def looks_secret(name: str) -> bool:
    words = [w.lower() for w in _WORD_RE.findall(name)]
    if not words or words[-1] in _HARMLESS_WORDS or "public" in words:
        return False
    return any(word in _SECRET_WORDS for word in words)


class SecretInEnvOrArg(Transform):
    """Flag ENV and ARG names that look like secrets.

    ## What it does
    Reports `ENV` and `ARG` whose names contain a word such as password, secret, token, key or
    credentials (names that end in a harmless word like `_FILE`, `_PATH` or `_URL` are left alone,
    and so is a GPG key given by its ID or fingerprint, `ENV GPG_KEY 7169605F...`: the public key
    a download is checked against).
    It does not rewrite anything.

    ## Why
    ENV values are stored in the image config, and ARG values in the build history: anyone who
    can pull the image can read them. Pass secrets with `RUN --mount=type=secret` so they never
    reach a layer.

    ## Example
    ```dockerfile
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```
    ```dockerfile
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## Fix safety
    No fix: the build command has to pass the secret differently too.
    """

    code = "DO262"
    name = "secret-in-env-or-arg"
    title = "Do not pass secrets through ENV or ARG"
    safety = Safety.DISPLAY
    severity = Severity.ERROR
    aliases = ("SecretsUsedInArgOrEnv",)
    order = 262

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction in doc.instructions:
            if instruction.cmd == "ENV":
                pairs = list(zip(instruction.args[0::2], instruction.args[1::2]))
            elif instruction.cmd == "ARG":
                pairs = [(arg.partition("=")[0], arg.partition("=")[2]) for arg in instruction.args]
            else:
                continue
            for name, value in pairs:
                if looks_secret(name) and not public_key_id(name, value):
                    where = "image config" if instruction.cmd == "ENV" else "build history"
                    yield self.fix(
                        f"{instruction.cmd} {name} looks like a secret: it is kept in the {where}; use RUN --mount=type=secret",
                        instruction,
                    )
