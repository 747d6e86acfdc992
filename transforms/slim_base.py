"""DO501 slim-base."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator

from dockopt.base_images import (
    BaseSite,
    ImageRef,
    base_site,
    only_variable,
    slim_data,
    slim_tag,
)
from dockopt.build_needs import Needs, stage_needs
from dockopt.compiled_split import plan_for
from dockopt.document import Document, Instruction, Stage
from dockopt.edits import Edit
from dockopt.results import Fix
from dockopt.stage_split import NotMapped
from dockopt.transform import Context, Safety, Severity, Transform

# -- the transform -----------------------------------------------------------------------------------


class SlimBase(Transform):
    """Use the slim variant of an official base image.

    ## What it does
    Changes `python:3.11` to `python:3.11-slim` (also `node`, `ruby`, `perl`, `debian`, `openjdk`,
    and `eclipse-temurin` JDK → JRE in a stage that compiles no Java), following the mapping in
    `dockopt/data/slim_images.json`. Only the text that names the image changes: the FROM line, or
    the default of the ARG it comes from. `--platform`, the stage name and a registry prefix stay.
    Only the stages of the image that ships change (the final stage and those it is built FROM): a
    builder stage keeps its full image, whose tools are there on purpose and never ship.

    Before it swaps, it checks what the build takes from the full image: compilers and headers
    (then it leaves the file and points to DO502, which moves them into a builder stage; so too
    for a Node build that installs devDependencies for a build script, which DO502 prunes), tools
    such as `git`, `curl` or `wget` (installed explicitly, in the RUN that uses them), packages
    that compile on `pip install` or load system libraries. When it cannot tell, it does not swap
    and says why.

    ## Why
    The full images carry compilers, headers and version-control tools most images never use at
    run time: `python:3.11` is about four times the size of `python:3.11-slim`. A smaller image
    pulls faster and has fewer packages to patch.

    ## Example
    ```dockerfile
    FROM python:3.11
    RUN pip install --no-cache-dir flask
    ```
    becomes
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir flask
    ```

    ## Fix safety
    Unsafe: the slim image lacks programs and libraries of the full one. The checks cover what
    the Dockerfile runs, not what the application may call at run time. A digest-pinned FROM is
    never changed (it names one exact image); it is reported instead.
    """

    code = "DO501"
    safety = Safety.UNSAFE
    severity = Severity.INFO
    name = "slim-base"
    title = "Use the slim variant of the base image"
    aliases = ()
    order = 10

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        done_args: set[str] = set()
        shipped = set(doc.image.chain(doc.final_stage)) if doc.final_stage is not None else set()
        for stage in doc.stages:
            if stage not in shipped:
                continue  # a builder's size never reaches the image: its compilers are there on purpose
            site = base_site(doc, stage)
            if site is None or slim_data()["images"].get(site.image.repo) is None:
                continue
            if site.via_arg:
                if site.via_arg in done_args:
                    continue
                done_args.add(site.via_arg)
            yield from self._check_site(doc, ctx, site)

    def _check_site(self, doc: Document, ctx: Context, site: BaseSite) -> Iterator[Fix]:
        image = site.image
        resolved = ImageRef.parse(site.resolved) if site.resolved else None
        resolved_tag = resolved.tag if resolved else None
        new_tag = slim_tag(image.repo, image.tag, resolved_tag)
        if new_tag is None:
            return
        at = site.stage.from_instruction
        if image.digest:
            yield self.fix(f"`{image}` is pinned by digest to one exact image: not swapped for a slim variant; pin the slim image's digest yourself", at)
            return
        new = image.with_tag(new_tag)
        rule = slim_data()["images"][image.repo]
        stages = [s for s in doc.stages if _uses_site(doc, s, site)]
        family = [member for s in stages for member in doc.image.descendants(s)]
        if rule["checks"] == "java-runtime":
            reason = _java_compiles(doc, family)
            if reason:
                yield self.fix(f"`{image}` not swapped for the JRE: {reason}", at)
                return
            needs = Needs()
        elif rule["checks"] == "buildpack":
            needs = stage_needs(doc, family, ctx)
            if rule.get("language") in ("node", "ruby", "perl"):
                _package_manager_needs(doc, family, ctx, needs, rule["language"])
        else:
            needs = Needs()
        if needs.unsure:
            yield self.fix(f"`{image}` not swapped for `{new}`: {needs.unsure[0]}", at)
            return
        if needs.compiles:
            yield self.fix(f"`{image}` not swapped for `{new}`: the build compiles ({needs.compiles[0]}) with tools only the full image has; DO502 (multi-stage) can keep them in a builder stage", at)
            return
        dev = _node_dev_build(doc, ctx, site) if rule.get("language") == "node" else None
        if dev:
            yield self.fix(f"`{image}` not swapped for `{new}`: {dev}; DO502 (multi-stage) builds in a builder stage and prunes them", at)
            return
        edits = [Edit.replace(site.line, site.line, _replace_at(doc.lines[site.line], site.column, site.text, str(ImageRef(image.prefix, image.repo, new_tag, None))))]
        extra = {**needs.tools, **needs.runtime}
        installs = _install_edits(doc, extra, family)
        if installs is None:
            why = next(iter(extra.values()))[1]
            yield self.fix(f"`{image}` not swapped for `{new}`: {why}, and dockopt cannot add the install to that RUN", at)
            return
        edits.extend(installs)
        message = f"`{image}` → `{new}`: the slim variant has the same runtime without compilers and docs"
        if extra:
            message += f" (installs {', '.join(sorted(extra))} explicitly, which the build used from the full image)"
        yield self.fix(message, at, edits, reason="programs and libraries of the full image that the app calls at run time are gone")


def _uses_site(doc: Document, stage: Stage, site: BaseSite) -> bool:
    if site.via_arg is None:
        return stage is site.stage
    return only_variable(stage.base) == site.via_arg


def _replace_at(line: str, column: int, old: str, new: str) -> str:
    assert line[column : column + len(old)] == old
    return line[:column] + new + line[column + len(old) :]


def _java_compiles(doc: Document, stages: list[Stage]) -> str | None:
    compilers = set(slim_data()["java_compilers"])
    for stage in stages:
        for instruction in stage.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            if instruction.cmd == "RUN" and (view is None or view.has_error):
                return f"line {instruction.line} cannot be checked for Java compilers"
            for command in view.commands if view else ():
                name = command.name or ""
                if name in compilers or posixpath.basename(name) in compilers:
                    return f"line {instruction.line} runs `{name}`, which needs the JDK"
    return None


def _package_manager_needs(doc: Document, stages: list[Stage], ctx: Context, needs: Needs, language: str) -> None:
    """npm / bundler / cpan may compile native modules with the full image's compilers."""
    managers = {"node": {"npm", "yarn", "pnpm", "npx"}, "ruby": {"bundle", "gem"}, "perl": {"cpan", "cpanm"}}[language]
    for stage in stages:
        for instruction in stage.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            for command in view.commands if view else ():
                name = posixpath.basename(command.name or "")
                if name not in managers or not ({"install", "ci", "add"} & set(command.args) or name in ("cpan", "cpanm")):
                    continue
                if language == "node" and _node_lock_is_plain(ctx):
                    continue
                needs.unsure.append(f"line {instruction.line}: `{name}` may compile native modules with the full image's compilers")
                return


def _node_dev_build(doc: Document, ctx: Context, site: BaseSite) -> str | None:
    """Why a one-stage Node build is better split than slimmed: it installs the devDependencies a
    build script needs (`npm run build` with tsc, say), and a slim image would still ship them.
    Only when the stage split applies (the plan is in core), so one of the two fixes is made."""
    if len(doc.stages) != 1 or ctx.build is None:
        return None
    try:
        package = json.loads(ctx.build.read_text("package.json") or "null")
    except ValueError:
        return None
    dev = sorted(package.get("devDependencies") or {}) if isinstance(package, dict) else []
    if not dev:
        return None
    try:
        if plan_for(doc, ctx, site.stage, site) is None:
            return None
    except NotMapped:
        return None
    shown = ", ".join(dev[:3]) + (", ..." if len(dev) > 3 else "")
    return f"the image would keep the devDependencies the build installs ({shown})"


def _node_lock_is_plain(ctx: Context) -> bool:
    """A package-lock.json (v2+) in which no package runs an install script (no node-gyp build)."""
    if ctx.build is None:
        return False
    text = ctx.build.read_text("package-lock.json")
    if text is None:
        return False
    try:
        lock = json.loads(text)
    except ValueError:
        return False
    packages = lock.get("packages") if isinstance(lock, dict) else None  # valid JSON of another shape: unsure
    return isinstance(packages, dict) and not any(isinstance(p, dict) and p.get("hasInstallScript") for p in packages.values())


def _install_edits(doc: Document, needed: dict[str, tuple[Instruction, str]], stages: list[Stage]) -> list[Edit] | None:
    """Prefix the RUNs that need packages with an apt-get install of them; None if one cannot be."""
    by_run: dict[int, tuple[Instruction, list[str]]] = {}
    for package, (run, _) in needed.items():
        by_run.setdefault(run.index, (run, []))[1].append(package)
    edits = []
    for run, packages in by_run.values():
        edit = _prefix_run(doc, run, packages, stages)
        if edit is None:
            return None
        edits.append(edit)
    return edits


def _prefix_run(doc: Document, run: Instruction, packages: list[str], stages: list[Stage]) -> Edit | None:
    view = doc.shell(run)
    if view is None or not view.top_level_operators <= {"&&", "|"} or run.flags:
        return None
    user = doc.image.scope(run).user
    if user not in (None, "root", "0", "0:0", "root:root"):
        return None  # apt-get needs root
    logical = doc.logical(run)
    line, column = logical.position(logical.body)
    if line != run.start:
        return None
    if any(p in slim_data()["tools_need_certificates"] for p in packages):
        packages = [*packages, "ca-certificates"]
    body = doc.lines[line][column:].rstrip("\r\n")
    head = doc.lines[line][:column]
    esc = doc.escape
    text = (
        f"{head}apt-get update && apt-get install -y --no-install-recommends {' '.join(sorted(set(packages)))} {esc}\n"
        f"    && rm -rf /var/lib/apt/lists/* {esc}\n"
        f"    && {body}\n"
    )
    return Edit.replace(line, line, text)
