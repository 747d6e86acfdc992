"""DO401 non-root-user."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from dockopt.app_facts import AppFacts, analyse
from dockopt.base_images import base_config, family, split_reference
from dockopt.commands import server_ports, unwrap_shell
from dockopt.context import in_context
from dockopt.document import Document, Instruction, Stage
from dockopt.edits import Edit
from dockopt.image import Copy, Runtime, is_root_user, is_under
from dockopt.js_facts import WriteSite, source_files, write_sites
from dockopt.results import Fix
from dockopt.transform import Context, Safety, Severity, Transform

UID = 10001  # as `docker init` does: far above the ranges distributions hand out
USER_NAME = "app"
DISTROLESS_UID = 65532  # distroless's and Chainguard's `nonroot`

# How each family creates the user and group with fixed ids and a home ({name}, {uid}). Not a
# `--system` account: 10001 is above SYS_UID_MAX, and useradd would warn on every build. `-l`:
# no lastlog/faillog entry, which for a high uid is a large sparse file (hadolint DL3046).
CREATE_USER = {
    "debian": "groupadd --gid {uid} {name} && useradd --uid {uid} --gid {name} --no-log-init --create-home --shell /usr/sbin/nologin {name}",
    "rhel": "groupadd --gid {uid} {name} && useradd --uid {uid} --gid {name} --no-log-init --create-home --shell /sbin/nologin {name}",
    "alpine": "addgroup -g {uid} {name} && adduser -D -u {uid} -G {name} -h /home/{name} -s /sbin/nologin {name}",
}
# Base images whose default user is already not root.
NON_ROOT_BASES = (r"(^|/)distroless/.*:.*nonroot", r"^bitnami/", r"-unprivileged(:|$)", r"^cgr\.dev/chainguard/")
# Programs that, run with no arguments, only open a prompt.
INTERACTIVE = r"(python|pypy|php|node|ruby|irb|perl|bash|sh|ash|zsh|ghci|iex|erl|R|julia|jshell|lua)[0-9.]*"
# Plain operating-system images (a Dockerfile on one of them without CMD is a base for others).
OS_REPOSITORIES = frozenset(
    "debian ubuntu alpine busybox centos fedora rockylinux almalinux oraclelinux buildpack-deps scratch".split()
)
# Users a base image ships for its app to run as (from data/base_image_config.json), by name.
APP_USERS = ("app", "node", "nonroot")
# Base images whose own entrypoint or main process must start as root (used while the Dockerfile
# does not replace ENTRYPOINT): repository -> why.
ROOT_BASES = {
    "nginx": "nginx's master process starts as root (nginx-unprivileged exists for this)",
    "httpd": "httpd's parent process starts as root",
    "postgres": "its entrypoint drops privileges itself (gosu)",
    "mysql": "its entrypoint drops privileges itself (gosu)",
    "mariadb": "its entrypoint drops privileges itself (gosu)",
    "redis": "its entrypoint drops privileges itself (gosu/setpriv)",
    "mongo": "its entrypoint drops privileges itself (gosu)",
    "rabbitmq": "its entrypoint drops privileges itself (gosu)",
    "docker": "docker-in-docker needs root",
}
# Programs that drop privileges themselves: the image must start as root for them.
DROP_PROGRAMS = frozenset("gosu su-exec setpriv runuser su chpst s6-setuidgid setuidgid sudo start-stop-daemon capsh".split())
# Programs that need root to start (or to do what they are there for).
ROOT_PROGRAMS = {
    "nginx": "nginx's master process starts as root",
    "httpd": "httpd's parent process starts as root",
    "apache2": "apache's parent process starts as root",
    "apache2-foreground": "apache's parent process starts as root",
    "apachectl": "apache's parent process starts as root",
    "apache2ctl": "apache's parent process starts as root",
    "php-fpm": "php-fpm's master process starts as root",
    "dockerd": "docker-in-docker needs root",
    "dockerd-entrypoint.sh": "docker-in-docker needs root",
    "init": "an init system needs root",
    "systemd": "systemd needs root",
    "supervisord": "supervisord usually starts its programs as other users",
    "s6-svscan": "s6 supervision needs root",
    "runsvdir": "runit supervision needs root",
    "sshd": "sshd needs root",
    "cron": "cron needs root",
    "crond": "cron needs root",
    "apt-get": "it installs packages when it starts",
    "apt": "it installs packages when it starts",
    "apk": "it installs packages when it starts",
    "yum": "it installs packages when it starts",
    "dnf": "it installs packages when it starts",
    "chown": "it changes file owners when it starts",
    "mount": "it mounts file systems",
    "sysctl": "it changes kernel settings",
    "iptables": "it changes the firewall",
    "modprobe": "it loads kernel modules",
    "useradd": "it adds users when it starts",
    "usermod": "it changes users when it starts",
    "update-ca-certificates": "it updates the system CA store when it starts",
}
# Folders a non-root user gets no write access to from us: giving it would open the system.
SYSTEM_FOLDERS = frozenset(
    "/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /libx32 /media /mnt /opt /proc /root /run /sbin /srv /sys "
    "/usr /usr/bin /usr/lib /usr/lib64 /usr/libexec /usr/local /usr/local/bin /usr/local/lib /usr/local/sbin "
    "/usr/sbin /usr/share /usr/src /var /var/cache /var/lib /var/log /var/run /var/spool /var/mail".split()
)
SYSTEM_TREES = ("/bin/", "/boot/", "/dev/", "/etc/", "/lib/", "/lib64/", "/proc/", "/root/", "/sbin/", "/sys/", "/usr/bin/", "/usr/lib/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/lib/")
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")
# useradd / adduser options that take a value (GNU shadow, Debian adduser, BusyBox).
_USER_OPTIONS_WITH_VALUE = frozenset(
    "-b -c -d -e -f -g -G -k -K -p -R -P -s -u -Z -h --base-dir --comment --home-dir --home --expiredate --inactive "
    "--gid --groups --skel --key --password --root --prefix --shell --uid --selinux-user --ingroup --gecos "
    "--firstuid --lastuid --firstgid --lastgid --conf --extrausers".split()
)


@dataclass
class _Plan:
    """What the fix will do."""

    user: str  # for USER: `uid:gid` where known (Kubernetes' runAsNonRoot cannot check a name)
    owner: str  # for chown / --chown
    kind: str = "existing"  # existing, owner, nonroot, shipped, created, numeric
    name: str | None = None  # the user's name, for messages
    create: str | None = None  # the RUN body that creates the user, when we create one
    chown_copies: list[Instruction] = field(default_factory=list)  # COPY instructions that get --chown
    prepare: list[str] = field(default_factory=list)  # shell commands run as root right before USER
    writable: list[str] = field(default_factory=list)  # what the user may now write, for the message


class NonRootUser(Transform):
    """Run the container as a non-root user.

    ## What it does
    When the final stage runs as root (no `USER`, or the last `USER` is `root`/`0`), creates a
    system user and group `app` with fixed ids (10001, as `docker init` does) using the base
    image's own tools (`groupadd`/`useradd` on Debian, Ubuntu and RHEL; `addgroup`/`adduser` on
    Alpine and BusyBox), and switches to it with `USER app` after the last step that needs root,
    before `CMD`/`ENTRYPOINT`. Distroless images and `scratch` get `USER 65532:65532`. A user the
    file already creates (or the base image ships, like `node`) is reused, never a second one.

    It reads the Python sources in the build context (with libcst, never running them) for what
    the app writes, and gives the user exactly that: `COPY --chown=10001:10001` of the app folder
    when the app writes inside it, or `mkdir -p X && chown -R app:app X` of the folders it writes
    (a sqlite database's folder, an upload folder); never a system folder.

    It leaves the file alone and says why when the image must start as root: the app binds a port
    below 1024 (`app.run(port=80)`, `gunicorn -b :80`, or `EXPOSE 80` when nothing else tells),
    the entrypoint drops privileges itself (`gosu`, `su-exec`, `setpriv`, as the official postgres
    and redis images do), it runs nginx/httpd, docker-in-docker, systemd or another init, the app
    changes its own uid or writes system folders, or the base image's tools are unknown. It
    changes nothing, and says what to check, where the app writes what it cannot follow: a Node
    app's writes, paths known only at run time, a Ruby app server (`rails server`, puma, unicorn,
    sidekiq), which writes its pid file under tmp/ and its logs under log/ of the app folder.

    ## Why
    A process running as root in a container is root on the host's kernel: a container escape or
    a writable host mount then gives root on the host. hadolint DL3002, Trivy DS002 and Checkov
    CKV_DOCKER_3/CKV_DOCKER_8 flag it; Kubernetes' `runAsNonRoot` refuses such images.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["python", "app.py"]
    ```
    becomes
    ```dockerfile
    FROM python:3.12-slim
    RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    USER app
    CMD ["python", "app.py"]
    ```

    ## Fix safety
    Unsafe: the process no longer runs as root, so anything it writes outside the folders given to
    it, any port below 1024 it binds outside Docker, and any program it runs that needs root will
    fail. The static analysis of the app is a best effort; test the image.
    """

    code = "DO401"
    name = "non-root-user"
    title = "The container runs as root: add a non-root USER"
    safety = Safety.UNSAFE
    severity = Severity.WARNING
    aliases = ("DL3002", "DS002", "AVD-DS-0002", "CKV_DOCKER_3", "CKV_DOCKER_8", "tally/user-created-but-never-used")
    order = 40
    edits_when_left_out = False  # without --unsafe-fixes it skips reading the app (`_facts`): not its real edits

    def check(self, doc: Document, ctx: Context) -> Iterator[Fix]:
        plan = doc.image.runtime()
        if plan is None:
            return
        stage = plan.stage  # the final stage
        if not _runs_as_root(plan):
            return
        at = _start_instruction(plan) or stage.from_instruction
        facts = _facts(ctx, plan)
        reason = _must_stay_root(doc, plan, facts, ctx)
        if reason:
            if ctx.unsafe_fixes:  # the reason answers "why was my unsafe fix not made?"
                yield self.fix(f"runs as root, and must: {reason}; left as is", at)
            return
        fix_plan = _fix_plan(doc, plan, facts, ctx)
        if facts is not None and facts.unknown_writes and not isinstance(fix_plan, str):
            sites = ", ".join(str(site) for site in facts.unknown_writes[:3])
            fix_plan = (f"the app writes paths known only at run time ({sites}): check that a non-root user may "
                        "write them and add a USER yourself, or let `dockopt fix --write --verify` build and test it")
        node_writes = _node_writes(ctx, plan) if not isinstance(fix_plan, str) else []
        if node_writes:
            sites = ", ".join(str(site) for site in node_writes[:3])
            fix_plan = (f"the Node app writes files ({sites}): check that a non-root user may write them and add a "
                        "USER yourself, or let `dockopt fix --write --verify` build and test it")
        ruby_server = _ruby_server(plan, ctx) if not isinstance(fix_plan, str) else None
        if ruby_server:
            fix_plan = (f"`{ruby_server}` writes tmp/ (its pid file) and log/ in the app folder: give a non-root user "
                        "those folders (`chown -R`) and add the USER yourself, or let `dockopt fix --write --verify` build and test it")
        if isinstance(fix_plan, str):
            if ctx.unsafe_fixes:
                yield self.fix(f"runs as root; not changed: {fix_plan}", at)
            return
        edits = _edits(doc, stage, plan, fix_plan)
        if fix_plan.kind == "created":
            message = f"runs as root: add user {fix_plan.name} ({fix_plan.user}) and switch to it"
        elif fix_plan.kind == "nonroot":
            message = f"runs as root: switch to the base image's nonroot user ({fix_plan.user})"
        elif fix_plan.kind == "shipped":
            message = f"runs as root: switch to user {fix_plan.name} ({fix_plan.user}), which the base image ships"
        elif fix_plan.kind == "owner":
            message = f"runs as root: switch to {fix_plan.user}, the owner the file gives the app's files"
        elif fix_plan.kind == "numeric":
            message = f"runs as root: switch to uid {fix_plan.user} (base image {plan.base_image} has no useradd, and the app needs no account)"
        else:
            message = f"runs as root: switch to user {fix_plan.user}, which the image already has"
        if fix_plan.writable:
            message += "; it may write " + ", ".join(fix_plan.writable)
        message += " (unsafe: the process loses root; writes elsewhere, ports below 1024 and root-only programs fail)"
        yield self.fix(message, at, edits)


# -- is it root? ---------------------------------------------------------------------------------


def _runs_as_root(plan: Runtime) -> bool:
    if plan.user is not None:
        return is_root_user(plan.user) and "$" not in plan.user
    reference = plan.base_image.lower()
    if any(re.search(pattern, reference) for pattern in NON_ROOT_BASES):
        return False
    return "$" not in reference  # an image chosen at build time: its user is unknown


def _start_instruction(plan: Runtime) -> Instruction | None:
    for stage in reversed(plan.chain):
        for instruction in reversed(stage.instructions):
            if instruction.cmd in ("CMD", "ENTRYPOINT"):
                return instruction
    return None


# -- must it stay root? --------------------------------------------------------------------------


def _facts(ctx: Context, plan: Runtime) -> AppFacts | None:
    """The app's facts, for the sources the image really contains."""
    if ctx.build is None or not ctx.unsafe_fixes:
        return None  # the fix is only counted, not applied: spare the libcst analysis
    facts = analyse(ctx.build.root, ctx.build)
    return facts.only(rel for rel in facts.files if plan.container_path(rel) is not None)


def _node_writes(ctx: Context, plan: Runtime) -> list[WriteSite]:
    """Where a Node app the image contains writes files (Python apps are read by `analyse`)."""
    if ctx.build is None or not ctx.unsafe_fixes:
        return []
    programs = {posixpath.basename(argv[0]) for argv in plan.commands()}
    if not programs & {"node", "npm", "yarn", "pnpm", "npx", "nodejs", "docker-entrypoint.sh"}:
        return []
    files = [rel for rel in source_files(ctx.build) if plan.container_path(rel) is not None]
    return write_sites(ctx.build, files)


def _must_stay_root(doc: Document, plan: Runtime, facts: AppFacts | None, ctx: Context) -> str | None:
    if any("--privileged" in line or "--cap-add" in line for line in doc.lines):
        return "the file mentions --privileged/--cap-add"
    for stage in plan.chain:
        for instruction in stage.instructions:
            if instruction.cmd == "ONBUILD":
                return "ONBUILD: it is a base for other builds, whose steps would run as the new user"
            if instruction.cmd == "STOPSIGNAL" and "RTMIN+3" in " ".join(instruction.args).upper():
                return "STOPSIGNAL SIGRTMIN+3: it runs systemd"
    repository, tag = split_reference(plan.base_image)
    short = repository.rsplit("/", 1)[-1]
    if plan.entrypoint is None and ROOT_BASES.get(short):
        return f"base image {plan.base_image}: {ROOT_BASES[short]}"
    if short == "php" and ("apache" in tag or "fpm" in tag) and plan.cmd is None:
        return f"base image {plan.base_image}: its server's master process starts as root"
    if plan.entrypoint is None and plan.cmd is None:
        if family(plan.base_image) in ("unknown", "distroless") or repository not in OS_REPOSITORIES:
            return f"no CMD or ENTRYPOINT: it starts base image {plan.base_image}'s own command, which dockopt cannot see"
        return "no CMD or ENTRYPOINT: it looks like a base for other builds, whose steps would run as the new user"
    passes_through = plan.entrypoint is None or "entrypoint" in " ".join(plan.entrypoint[0]).lower()
    if plan.cmd is not None and passes_through and _interactive(plan.cmd[0]):
        return f"CMD {' '.join(plan.cmd[0])} starts an interpreter or shell: it looks like a base for other builds"
    for stage in plan.chain:
        for instruction in stage.instructions:
            if instruction.cmd in ("RUN", "COPY", "ADD"):
                match = re.search(r"\b(gosu|su-exec)\b", doc.logical(instruction).text)
                if match:
                    return f"it installs {match.group(1)} (line {instruction.line}) to drop privileges itself"
    # What starts: the commands, and the scripts they run when the context has them.
    commands = _start_commands(plan, ctx)
    for argv in commands:
        program = posixpath.basename(argv[0])
        if program in DROP_PROGRAMS or (program == "chroot" and any(a.startswith("--userspec") for a in argv)):
            return f"it starts with `{program}`, which drops privileges itself"
    for argv in commands:
        program = posixpath.basename(argv[0])
        if program in ROOT_PROGRAMS:
            return f"it runs `{program}`: {ROOT_PROGRAMS[program]}"
        if program.startswith("php-fpm"):
            return f"it runs `{program}`: php-fpm's master process starts as root"
        if argv[0] in ("/sbin/init", "/usr/sbin/init", "/lib/systemd/systemd", "/init"):
            return f"it runs `{argv[0]}`: an init system needs root"
        installs = _installs_at_start(argv)
        if installs:
            return f"it runs `{installs}` when it starts, which writes folders only root may write"
        server = _dev_server(argv, ctx)
        if server:
            return f"it runs a development server (`{server}`), which writes into the app folder (node_modules)"
    if any(is_under(path, "/root") for path in [plan.workdir, *(copy.dest_folder for copy in plan.copies)]):
        return "the app lives under /root, which only root may read (mode 0700)"
    low = _low_ports(doc, plan, facts)
    if low:
        return low
    if facts is not None:
        if facts.privilege_drops:
            return f"the app changes its own user id ({facts.privilege_drops[0]})"
        if facts.root_calls:
            call = facts.root_calls[0]
            return f"the app calls {call.via} ({call.site}), which needs root"
        for run in facts.runs:
            program = posixpath.basename(run.program or "")
            if program in ROOT_PROGRAMS or program in DROP_PROGRAMS:
                return f"the app runs `{program}` ({run.site}), which needs root"
    return None


_PIP = re.compile(r"^pip[0-9.]*$")
_PYTHON = re.compile(r"^python[0-9.]*$")
_NODE_INSTALLS = {"npm": {"install", "i", "ci", "add"}, "yarn": {"install", "add"}, "pnpm": {"install", "i", "add"}}
# Development servers write into the app folder (`node_modules/.vite`, `.next`, `.angular/cache`).
DEV_SERVERS = {"vite": None, "nodemon": None, "webpack-dev-server": None, "next": "dev", "nuxt": "dev", "nuxi": "dev",
               "ng": "serve", "react-scripts": "start", "webpack": "serve", "astro": "dev", "remix": "dev"}


def _installs_at_start(argv: list[str]) -> str | None:
    """`pip install ...` / `npm install` in a start command or its script: they write as root would."""
    program = posixpath.basename(argv[0])
    rest = argv[1:]
    if _PYTHON.match(program) and rest[:2] == ["-m", "pip"]:
        program, rest = "pip", rest[2:]
    if _PIP.match(program) and "install" in rest and "--user" not in rest and "--target" not in rest:
        return f"{program} install"
    if program in _NODE_INSTALLS and rest and rest[0] in _NODE_INSTALLS[program] and "-g" not in rest:
        return f"{program} {rest[0]}"
    return None


def _dev_server(argv: list[str], ctx: Context | None) -> str | None:
    """The development server a start command runs: directly, through npx, or as an npm script."""
    program = posixpath.basename(argv[0])
    rest = argv[1:]
    if program == "npx" and rest:
        program, rest = rest[0], rest[1:]
    if program in DEV_SERVERS and (DEV_SERVERS[program] is None or DEV_SERVERS[program] in rest):
        return program
    if program in ("npm", "yarn", "pnpm") and rest:
        script = rest[1] if rest[0] == "run" and len(rest) > 1 else rest[0]
        if script == "dev":
            return f"{program} {' '.join(rest)}"
        body = _npm_script(ctx, script)
        if body:
            words = body.split()
            found = _dev_server(words, None) if words else None
            if found:
                return f"{program} {' '.join(rest)}: {found}"
    return None


def _npm_script(ctx: Context | None, name: str) -> str | None:
    text = ctx.build.read_text("package.json") if ctx is not None and ctx.build is not None else None
    try:
        scripts = json.loads(text).get("scripts", {}) if text else {}
    except (ValueError, AttributeError):
        return None
    value = scripts.get(name) if isinstance(scripts, dict) else None
    return value if isinstance(value, str) else None


def _interactive(words: Sequence[str]) -> bool:
    """`python3`, `php -a`, `bash`, `node`: a CMD that only opens a prompt (official language images)."""
    if len(words) == 1 and " " in words[0]:
        words = words[0].split()
    if not words:
        return False
    program = posixpath.basename(words[0])
    rest = [w for w in words[1:] if w not in ("-a", "-i", "-l", "--login", "-il")]
    return not rest and re.fullmatch(INTERACTIVE, program) is not None


# Ruby app servers write their pid file under tmp/ and logs under log/ of the app folder, which
# COPY leaves owned by root: as another user they stop at start (Rails' own Dockerfile chowns them).
_RUBY_SERVERS = frozenset({"rails", "puma", "pumactl", "unicorn", "unicorn_rails", "thin", "passenger", "rackup", "falcon", "sidekiq"})


def _ruby_server(plan: Runtime, ctx: Context) -> str | None:
    """The Ruby app server the image starts (`rails server`, `bundle exec puma`...), if any."""
    for argv in _start_commands(plan, ctx):
        for word in argv:
            name = posixpath.basename(word)
            if name in _RUBY_SERVERS:
                return name
    return None


def _start_commands(plan: Runtime, ctx: Context) -> list[list[str]]:
    """Start commands, plus the commands of entrypoint scripts found in the context."""
    found = []
    for argv in plan.commands():
        found.append([plan.expand(word) for word in argv])
        if ctx.build is None:
            continue
        program = plan.expand(argv[0])
        if len(argv) > 1 and posixpath.basename(program) in ("sh", "bash", "ash", "dash"):
            program = plan.expand(argv[1])  # `sh entrypoint.sh`
        for candidate in _locations(plan, program):
            source = plan.context_path(candidate, ctx.build.root)
            text = ctx.build.read_text(source) if source else None
            if text and not text.startswith("\x7fELF"):
                found.extend(unwrap_shell(text))
                break
    return found


def _locations(plan: Runtime, program: str) -> list[str]:
    """Where the image may hold a program: its path, or each folder of PATH for a bare name."""
    if "/" in program:
        return [posixpath.normpath(posixpath.join(plan.workdir, program))]
    path = plan.env.get("PATH") or "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # unset or unknown
    return [posixpath.join(folder, program) for folder in path.split(":") if folder.startswith("/")]


def _low_ports(doc: Document, plan: Runtime, facts: AppFacts | None) -> str | None:
    """Why the image binds a port below 1024, if it does."""
    strong: list[tuple[int, str]] = []
    scripts_run = set()
    for argv in plan.commands():
        words = [plan.expand(word) for word in argv]
        ports = server_ports(words, plan.variables)
        if ports is not None:
            strong.extend((port, f"`{' '.join(words[:6])}` listens on port {port}") for port in ports)
        program = posixpath.basename(words[0])
        if program.startswith("python") and len(words) > 1:
            target = words[2] if words[1] == "-m" and len(words) > 2 else words[1]
            scripts_run.add(target)
    if facts is not None:
        for port in facts.ports:
            if port.main_only and not _runs_script(plan, port.site.file, scripts_run):
                continue
            strong.append((port.number, f"{port.via} binds port {port.number} ({port.site})"))
    low = [why for port, why in strong if port < 1024]
    if low:
        return low[0]
    if not strong:
        exposed = [port for port in doc.image.exposed_ports(plan.stage) if port < 1024]
        if exposed:
            return f"EXPOSE {exposed[0]}: it listens on a port below 1024"
    return None


def _runs_script(plan: Runtime, rel: str, scripts: set[str]) -> bool:
    """Does the start command run this source file as a script (`python app.py`, `python -m pkg.app`)?"""
    where = plan.container_path(rel)
    for script in scripts:
        if script.endswith(".py"):
            if where and posixpath.normpath(posixpath.join(plan.workdir, script)) == where:
                return True
        elif rel[:-3].replace("/", ".").endswith(script) or rel.endswith(script.replace(".", "/") + "/__main__.py"):
            return True
    return False


# -- the fix -------------------------------------------------------------------------------------


def _fix_plan(doc: Document, plan: Runtime, facts: AppFacts | None, ctx: Context) -> _Plan | str:
    base_family = _family(doc, plan)
    existing = _existing_user(doc, plan)
    if existing == "":
        return "it creates a user whose name is only known at build time"
    repository, _ = split_reference(plan.base_image)
    shipped = _shipped_user(plan.base_image)
    owner = _stated_owner(doc, plan)
    if existing:
        user = _numeric(doc, plan, existing) or existing
        fix = _Plan(user=user, owner=user)
    elif owner:  # `RUN chown -R 1000:2000 /code/media`: the file says who runs the app
        fix = _Plan(user=owner, owner=owner, kind="owner")
    elif base_family in ("distroless", "scratch"):
        nonroot = f"{DISTROLESS_UID}:{DISTROLESS_UID}"
        fix = _Plan(user=nonroot, owner=nonroot, kind="nonroot")
    elif shipped is not None:
        name, uid, gid = shipped
        fix = _Plan(user=f"{uid}:{gid}", owner=f"{uid}:{gid}", kind="shipped", name=name)
    elif base_family in CREATE_USER and not _lacks_useradd(repository):
        fix = _Plan(user=f"{UID}:{UID}", owner=f"{UID}:{UID}", kind="created", name=USER_NAME)
        fix.create = CREATE_USER[base_family].format(uid=UID, name=USER_NAME)
    elif _lacks_useradd(repository):  # no useradd: a numeric user needs no account
        fix = _Plan(user=f"{UID}:{UID}", owner=f"{UID}:{UID}", kind="numeric")
    else:
        return f"cannot tell how base image {plan.base_image} adds users; add a USER yourself"
    for stage in plan.chain:
        for instruction in stage.instructions:
            if instruction.cmd == "SHELL" and not re.search(r"(^|/)(ba)?sh\b", " ".join(instruction.args)):
                return "a SHELL that is not sh/bash: the user would be created with the wrong shell"
    problem = _writable(plan, facts, fix, base_family, ctx)
    if problem:
        return problem
    if fix.prepare and base_family in ("distroless", "scratch"):
        return f"the app writes {', '.join(fix.writable)}, and base image {plan.base_image} has no shell to prepare it"
    if fix.kind == "numeric" and (fix.prepare or (facts is not None and facts.uses_home)):
        return f"the app needs a home or writable folders, and base image {plan.base_image} has no useradd to make its user"
    return fix


def _shipped_user(image_ref: str) -> tuple[str, int, int] | None:
    """The unprivileged user a base image ships for its app (node's `node`, .NET's `app`)."""
    users = {name: (uid, gid) for name, uid, gid in base_config(image_ref).users}
    for name in APP_USERS:
        if name in users:
            return name, *users[name]
    return None


def _numeric(doc: Document, plan: Runtime, name: str) -> str | None:
    """`uid:gid` (or `uid`) of a user by name, when the base image or a useradd in the file says."""
    if name.split(":", 1)[0].isdigit():
        return name
    for shipped, uid, gid in base_config(plan.base_image).users:
        if shipped == name:
            return f"{uid}:{gid}"
    for stage in plan.chain:
        for instruction in stage.instructions:
            for words in _run_commands(doc, instruction):
                if words and posixpath.basename(words[0]) in ("useradd", "adduser") and _login_name(words[1:]) == name:
                    given = _option_value(words[1:], ("-u", "--uid"))
                    if given is not None and given.isdigit():
                        return given
    return None


def _option_value(words: list[str], names: tuple[str, ...]) -> str | None:
    for index, word in enumerate(words):
        word = word.strip("\"'")
        for name in names:
            if word == name and index + 1 < len(words):
                return words[index + 1].strip("\"'")
            if name.startswith("--") and word.startswith(name + "="):
                return word[len(name) + 1 :]
    return None


def _stated_owner(doc: Document, plan: Runtime) -> str | None:
    """The one non-root owner the file gives the app's files (`chown -R 1000:2000 /code`,
    `COPY --chown=app:app`): who the app must run as to write them. None when none or several."""
    owners = set()
    for stage in plan.chain:
        for instruction in stage.instructions:
            chown = instruction.flag("chown") if instruction.cmd in ("COPY", "ADD") else None
            if chown:
                owners.add(chown)
            for words in _run_commands(doc, instruction):
                if words and posixpath.basename(words[0]) == "chown":
                    target = next((w for w in words[1:] if not w.startswith("-")), None)
                    if target is not None:
                        owners.add(target.strip("\"'"))
    owners = {owner for owner in owners if not is_root_user(owner)}
    if len(owners) != 1:
        return None
    owner = owners.pop()
    return None if "$" in owner or "`" in owner else owner


# RPM-based images that leave out shadow-utils, so `groupadd`/`useradd` do not exist there.
_NO_USERADD_RE = re.compile(r"(^|/)(amazonlinux|ubi\d*-(minimal|micro)|ubi-(minimal|micro))$")


def _lacks_useradd(repository: str) -> bool:
    # Even when the file installs shadow-utils, the user is created above that RUN: leave it to the author.
    return bool(_NO_USERADD_RE.search(repository))


def _family(doc: Document, plan: Runtime) -> str:
    found = family(plan.base_image)
    if found != "unknown" or "windows" in plan.base_image.lower():
        return found
    # A custom base: the package manager the file uses tells the family.
    for stage in plan.chain:
        for instruction in stage.instructions:
            view = doc.shell(instruction) if instruction.cmd == "RUN" else None
            for command in view.commands if view else ():
                if command.name in ("apt-get", "apt", "dpkg"):
                    return "debian"
                if command.name == "apk":
                    return "alpine"
                if command.name in ("yum", "dnf"):
                    return "rhel"
    return "unknown"


def _existing_user(doc: Document, plan: Runtime) -> str | None:
    """The non-root user the file already uses or creates: its name, "" if unknowable, None if none."""
    named = None
    for stage in plan.chain:
        for instruction in stage.instructions:
            if instruction.cmd == "USER" and instruction.args and not is_root_user(instruction.args[0]):
                named = instruction.args[0]
    if named:
        return named
    created = None
    for stage in plan.chain:
        for instruction in stage.instructions:
            for words in _run_commands(doc, instruction):
                if words and posixpath.basename(words[0]) in ("useradd", "adduser"):
                    name = _login_name(words[1:])
                    created = plan.expand(name) if name is not None else ""
                    if "$" in created:
                        created = created if instruction.stage == plan.chain[-1].index else ""
    return created


def _run_commands(doc: Document, instruction: Instruction) -> list[list[str]]:
    """The simple commands of a RUN (shell form or heredoc), each as the words written."""
    from dockopt.shell import parse_script

    if instruction.cmd != "RUN":
        return []
    scripts = []
    view = doc.shell(instruction)
    if view is not None:
        return [[view.text(child) for child in command.node.children if child.type != "variable_assignment"] for command in view.commands]
    scripts = [heredoc.content for heredoc in instruction.heredocs]
    found = []
    for script in scripts:
        tree = parse_script(script)
        encoded = script.encode("utf-8")
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "command":
                found.append([encoded[c.start_byte : c.end_byte].decode("utf-8", "replace") for c in node.children if c.type != "variable_assignment"])
            stack.extend(reversed(node.children))
    return found


def _login_name(words: list[str]) -> str | None:
    """The login a useradd/adduser command creates (as written; None when it cannot be read)."""
    skip = False
    for raw in words:
        word = raw.strip("\"'")
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            # `-u 1000`, `--uid 1000`, and BusyBox's bundled short flags (`-Dh /home/x`)
            skip = word in _USER_OPTIONS_WITH_VALUE or (
                not word.startswith("--") and len(word) > 2 and "=" not in word and f"-{word[-1]}" in _USER_OPTIONS_WITH_VALUE
            )
            continue
        return word
    return None


def _writable(plan: Runtime, facts: AppFacts | None, fix: _Plan, base_family: str, ctx: Context) -> str | None:
    """Fill in what the user must be able to write; a reason string when we cannot give it safely."""
    if facts is None:
        return None
    app_folders = {posixpath.normpath(c.dest): c for c in plan.copies if _is_folder_copy(c, ctx)}
    folders: dict[str, str] = {}  # folder -> "file" when only one known file in it is written
    files: dict[str, str] = {}
    for write in facts.writes:
        module_dir = posixpath.dirname(plan.container_path(write.site.file) or "") or None
        folder = write.folder.resolve(plan.workdir, module_dir)
        if write.path.anchor in ("home", "tmp") or folder is None:
            continue
        if any(folder == w or folder.startswith(w + "/") for w in WORLD_WRITABLE):
            continue
        if folder in SYSTEM_FOLDERS or folder.startswith(SYSTEM_TREES):
            exact = write.path.resolve(plan.workdir, module_dir)
            if write.kind == "file" and write.path.exact and exact and not exact.startswith(SYSTEM_TREES):
                files[exact] = str(write.site)
                continue
            return f"the app writes to {folder}, a system folder ({write.site})"
        folders.setdefault(folder, str(write.site))
    recursive: set[str] = set()  # folders given with everything in them (`chown -R`)
    for folder in sorted(folders, key=len):
        if any(folder.startswith(done + "/") for done in recursive):
            continue  # already inside a folder we give whole
        # Inside an app folder that is only chowned itself, a folder a root RUN made (`mkdir -p
        # uploads` after the COPY) stays root's: it is given on its own, below.
        if folder in app_folders:
            copy = app_folders[folder]
            if copy.chown is None:
                fix.chown_copies.append(copy.instruction)
            fix.prepare.append(f"chown {fix.owner} {folder}")
        elif any(folder.startswith(app + "/") for app in app_folders if app_folders[app].instruction in fix.chown_copies):
            fix.prepare.append(f"mkdir -p {folder} && chown {fix.owner} {folder}")
        else:
            fix.prepare.append(f"mkdir -p {folder} && chown -R {fix.owner} {folder}")
            recursive.add(folder)
        fix.writable.append(folder)
    for path, _site in sorted(files.items()):
        fix.prepare.append(f"touch {path} && chown {fix.owner} {path}")
        fix.writable.append(path)
    return None


def _is_folder_copy(copy: Copy, ctx: Context) -> bool:
    """A COPY of a whole folder of the context (`COPY . .`, `COPY src/ /app/`)."""
    if len(copy.sources) != 1:
        return False
    source = copy.sources[0].strip()
    if source in (".", "./", "/"):
        return True
    if any(ch in source for ch in "*?["):
        return False
    return ctx.build is not None and (ctx.build.root / in_context(source)).is_dir()


# -- edits ---------------------------------------------------------------------------------------


def _edits(doc: Document, stage: Stage, plan: Runtime, fix: _Plan) -> list[Edit]:
    upper = not doc.keywords_lower

    def keyword(word: str) -> str:
        return word if upper else word.lower()

    edits = []
    line = _user_line(doc, stage)
    create_at = stage.from_instruction.end + 1
    create = f"{keyword('RUN')} {fix.create}\n" if fix.create else ""
    if create and create_at != line:
        text = create
        if create_at < len(doc.lines) and not doc.lines[create_at].strip():
            text = "\n" + text  # keep FROM in its own paragraph
        edits.append(Edit.insert(create_at, text))
        create = ""  # written above; otherwise it goes with the USER below, in that order
    for instruction in fix.chown_copies:
        written = doc.lines[instruction.start]
        indent = doc.indent(instruction.start)
        head = indent + instruction.keyword
        new = head + f" --chown={fix.owner}" + written[len(head) :]
        edits.append(Edit.replace(instruction.start, instruction.start, new.rstrip("\r\n") + "\n"))
    block = create
    if fix.prepare:
        block += f"{keyword('RUN')} " + " \\\n    && ".join(fix.prepare).replace("\\\n", doc.escape + "\n") + "\n"
    block += f"{keyword('USER')} {fix.user}\n"
    # Replace a trailing `USER root` that nothing after it needs.
    last_user = next((i for i in reversed(stage.instructions) if i.cmd == "USER"), None)
    after = stage.instructions[stage.instructions.index(last_user) + 1 :] if last_user else []
    if last_user is not None and is_root_user(last_user.args[0] if last_user.args else "") and not any(i.cmd == "RUN" for i in after) and not fix.prepare:
        edits.append(Edit.replace(last_user.start, last_user.end, doc.indent(last_user.start) + block))
        return edits
    if line > 0 and not doc.lines[line - 1].strip() and line < len(doc.lines):
        block += "\n"  # its own paragraph, like the instructions around it
    edits.append(Edit.insert(line, block))
    return edits


def _user_line(doc: Document, stage: Stage) -> int:
    """Where USER goes: before the first CMD/ENTRYPOINT after the last step that changes files."""
    instructions = stage.instructions
    last_fs = 0
    for index, instruction in enumerate(instructions):
        if instruction.cmd in ("RUN", "COPY", "ADD", "WORKDIR", "FROM"):
            last_fs = index
    for instruction in instructions[last_fs + 1 :]:
        if instruction.cmd in ("CMD", "ENTRYPOINT"):
            return doc.comments_above(instruction)  # keep a comment with the instruction it explains
    return instructions[last_fs].end + 1
