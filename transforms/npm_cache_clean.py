"""DO245 npm-cache-clean."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockopt.cache_mounts import mounting, npm_plan
from dockopt.document import Document
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform
from dockopt.package_managers import (
    append_to_chain,
    invocations,
    later_instructions,
    mount_targets,
    subcommand,
    text_of,
)

_NPM_INSTALLS = frozenset(
    "install i in ins inst insta instal isnt isnta isntal isntall add ci clean-install install-clean "
    "isntall-clean update up upgrade".split()
)
_YARN_INSTALLS = frozenset({"install", "add", "upgrade", "global"})
# Already cleaned, or a cache the user configures on purpose.
_HANDLED_RE = re.compile(r"cache\s+(clean|verify|rm)|/\.npm\b|_cacache|/\.cache/yarn|\.yarn-cache|npm_config_cache|--cache\b|--cache-folder")
_OFFLINE_RE = re.compile(r"--(prefer-)?offline\b")


class NpmCacheClean(Transform):
    """Clean the npm or yarn cache in the RUN that fills it.

    ## What it does
    Appends `&& npm cache clean --force` to a RUN whose `&&` chain runs `npm install` (`npm ci`,
    `npm i`, `npm update`...), and `&& yarn cache clean` to one that runs `yarn`, `yarn install`
    or `yarn add`, in the stages the image is built from (a builder stage's cache never reaches
    the image, as hadolint's DL3060 sees it). Left out when the RUN already cleans or configures the cache, mounts a cache
    for npm or yarn, or a later RUN installs with `--offline` / `--prefer-offline`.
    With the cache policy "mount" it adds nothing to a RUN that `npm-cache-mount` (DO255) puts
    the cache on a cache mount.

    ## Why
    npm keeps every downloaded tarball under `~/.npm/_cacache` and yarn under its cache folder:
    often hundreds of megabytes that ship in the layer and are never read again.

    ## Example
    ```dockerfile
    RUN npm ci
    ```
    becomes
    ```dockerfile
    RUN npm ci && npm cache clean --force
    ```

    ## Fix safety
    Safe for npm: only its download cache leaves the image. Unsafe for yarn: Yarn 2+ (Plug'n'Play)
    loads packages straight from its cache, so cleaning it can break the app.
    """

    code = "DO245"
    name = "npm-cache-clean"
    title = "npm/yarn cache left in the layer"
    severity = Severity.INFO
    aliases = ("DL3060",)
    order = 260
    needs = ('npm', 'yarn', 'pnpm')

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        for instruction, view in doc.shell_views():
            if not doc.image.ships(doc.stage_of(instruction)):
                continue  # a builder stage: its cache never reaches the image
            if mounting(ctx) and npm_plan(doc, instruction, view) is not None:
                continue  # cache policy "mount": the mount pass keeps this cache out of the image
            if _HANDLED_RE.search(text_of(doc, instruction)):
                continue
            if any("npm" in target or "yarn" in target or target.endswith("/.cache") for target in mount_targets(instruction)):
                continue
            tools = []
            for call in invocations(view, ("npm", "yarn"), top_level=True):  # the clean runs the tool: it must be there
                sub = subcommand(call)
                if call.program == "npm" and sub is not None and sub[1] in _NPM_INSTALLS:
                    tools.append("npm")
                elif call.program == "yarn" and (sub is None and not call.words or sub is not None and sub[1] in _YARN_INSTALLS):
                    tools.append("yarn")
            if not tools:
                continue
            later = [item for item in later_instructions(doc, instruction) if "RUN" in (item.cmd, item.sub_cmd)]
            if any(_OFFLINE_RE.search(text_of(doc, item)) for item in later):
                continue
            tools = list(dict.fromkeys(tools))
            cleanup = " && ".join("npm cache clean --force" if tool == "npm" else "yarn cache clean" for tool in tools)
            edits = append_to_chain(doc, instruction, view, cleanup)
            if edits is None:
                continue
            if "yarn" in tools:
                yield self.fix(
                    f"clean the cache in the layer that fills it (`{cleanup}`)",
                    instruction,
                    edits,
                    safety=Safety.UNSAFE,
                    reason="Yarn 2+ runs packages from its cache",
                )
            else:
                yield self.fix(f"clean the npm cache in the layer that fills it (`{cleanup}`)", instruction, edits)
