"""The `dockopt` command: `fix`, `check`, `verify`, `migrate`, `rules`, `explain`, `server`.

Start-up time matters (pre-commit runs it on every commit, editors on every save), so this module
imports nothing heavy at the top: typer is loaded when the command line is parsed, the engine only
when a file is fixed, rich only when a progress bar is shown. Every error reaches the user as one
line, `dockopt: error: PATH: reason`, with exit code 2; never a traceback.
"""
# No `from __future__ import annotations` here: typer reads the parameter annotations at runtime.

import enum
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:  # annotations naming these are strings: typer and the engine load lazily
    import typer
    from typer import _click  # typer 0.2x's own copy of click: its commands, contexts and parameters
    from typer.core import _TyperParameter  # what _PlainCoercion is installed on (it has `_runtime_param`)

    from dockopt.batch import CompanionChange, FileResult, Task
    from dockopt.config import Settings
    from dockopt.config_model import Config
    from dockopt.discovery import Found, NotFound
    from dockopt.report import FileReport
    from dockopt.reporting import Reporter, Streams, Summary
    from dockopt.result_cache import ResultCache
    from dockopt.results import FileEdit
    from dockopt.transform import Transform
    from dockopt.verify import Smoke, Verdict

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2
# The reader went away (`dockopt fix . | head -1`): what a shell reports for a program that
# SIGPIPE stopped. Never 1, which means "would change" / "findings".
EXIT_BROKEN_PIPE = 128 + 13
HELP_OPTIONS = ["-h", "--help"]


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"
    checkstyle = "checkstyle"


class CachePolicy(str, enum.Enum):
    clean = "clean"
    mount = "mount"


class FailLevel(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    style = "style"
    none = "none"


class RulesFormat(str, enum.Enum):
    text = "text"
    json = "json"


class SummaryFormat(str, enum.Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@dataclass
class FixOptions:
    paths: list[str]
    write: bool = False
    check: bool = False
    diff: bool | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    unsafe_fixes: bool | None = None
    output_format: str = "text"
    jobs: int | None = None
    quiet: bool = False
    context: str | None = None
    no_color: bool = False
    report: str | None = None  # report.md / report.json for reviewers
    verify: bool = False  # with --write: write only rewrites that build and pass the smoke test
    probe: "VerifyOptions | None" = None
    extend_select: list[str] | None = None
    extend_ignore: list[str] | None = None
    config: str | None = None  # --config: this file for every Dockerfile, instead of the nearest
    force_exclude: bool = False  # the config's `exclude` applies to files named on the command line too
    stdin_filename: str | None = None  # stdin is this file: its config, build context and name
    output_file: str | None = None  # what goes to stdout goes to this file instead
    cache: str | None = None  # --cache: "clean" or "mount", instead of the config's (default clean)
    result_cache: bool = True  # reuse the stored results of unchanged files (`result_cache`)


@dataclass
class CheckOptions(FixOptions):
    """`dockopt check`: report, never write; exit 1 when findings reach the fail level."""

    fail_level: str | None = None  # None: the config's, else "info"
    exit_zero: bool = False
    statistics: bool = False


@dataclass
class VerifyOptions:
    """How `dockopt verify` and `fix --verify` build and smoke-test."""

    smoke: str | None = None
    port: int | None = None
    http_path: str = "/"
    build_args: list[str] | None = None
    target: str | None = None
    timeout: int = 1800


class UsageProblem(Exception):
    """Bad options: one line, exit 2."""


def main(argv: list[str] | None = None) -> None:
    try:
        build_command().main(args=argv, prog_name="dockopt")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("dockopt: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        _silence_stdout()
        raise SystemExit(EXIT_BROKEN_PIPE) from None
    except Exception as exc:  # the last line of defence: one line, never a traceback
        sys.stderr.write(f"dockopt: error: internal error: {type(exc).__name__}: {exc}\n")
        raise SystemExit(EXIT_ERROR) from None


def _silence_stdout() -> None:
    """Stop quietly, and keep Python from complaining again while flushing stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def __getattr__(name: str) -> "typer.Typer":
    if name == "app":  # `from dockopt.cli import app` for typer's CliRunner
        return build_app()
    raise AttributeError(name)


def build_app() -> "typer.Typer":
    from typing import Annotated, List, Optional

    import typer

    app = typer.Typer(
        name="dockopt",
        help="Rewrite Dockerfiles into optimized ones and show the change as a reviewable diff.",
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        no_args_is_help=True,
        context_settings={"help_option_names": HELP_OPTIONS},
    )

    def show_version(value: bool) -> None:
        if value:
            from dockopt import __version__

            typer.echo(f"dockopt {__version__}")
            raise typer.Exit

    @app.callback()
    def root(
        version: Annotated[
            bool, typer.Option("--version", callback=show_version, is_eager=True, help="Show the version and exit.")
        ] = False,
    ) -> None:
        """Rewrite Dockerfiles into optimized ones and show the change as a reviewable diff."""

    # Options `fix` and `check` share, declared once.
    Paths = Annotated[
        Optional[List[str]],
        typer.Argument(help="Dockerfiles or folders to walk; - reads stdin.", show_default=False, metavar="PATH"),
    ]
    Select = Annotated[
        Optional[List[str]],
        typer.Option("--select", help="Transforms to run: codes, prefixes, names, aliases, ALL (comma list, repeatable).", show_default=False),
    ]
    ExtendSelect = Annotated[
        Optional[List[str]], typer.Option("--extend-select", help="Transforms to add to the selection.", show_default=False)
    ]
    Ignore = Annotated[
        Optional[List[str]], typer.Option("--ignore", help="Transforms to leave out (same forms as --select).", show_default=False)
    ]
    ExtendIgnore = Annotated[
        Optional[List[str]], typer.Option("--extend-ignore", help="More transforms to leave out.", show_default=False)
    ]
    UnsafeFixes = Annotated[
        Optional[bool],
        typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change the image.", show_default=False),
    ]
    Format = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
    Jobs = Annotated[
        Optional[int], typer.Option("--jobs", "-j", help="Parallel worker processes [default: CPU count].", show_default=False)
    ]
    Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only diffs and errors.")]
    Context = Annotated[
        Optional[str],
        typer.Option("--context", help="Build context folder [default: each Dockerfile's folder].", show_default=False),
    ]
    NoColor = Annotated[bool, typer.Option("--no-color", help="Never colour the output (FORCE_COLOR=1 forces it).")]
    Config = Annotated[
        Optional[str],
        typer.Option("--config", help="Use this config file (.dockopt.toml, pyproject.toml or .hadolint.yaml) for every file.", show_default=False),
    ]
    ForceExclude = Annotated[
        bool, typer.Option("--force-exclude", help="Apply the config's `exclude` to files named on the command line too (pre-commit).")
    ]
    StdinFilename = Annotated[
        Optional[str],
        typer.Option("--stdin-filename", help="The path of the file read from stdin: its config, build context and name.", show_default=False),
    ]
    Cache = Annotated[
        Optional[CachePolicy],
        typer.Option(
            "--cache",
            help="Package-manager caches: delete them in the layer (clean) or keep them on BuildKit cache mounts (mount) [default: the config's, else clean].",
            show_default=False,
        ),
    ]
    NoResultCache = Annotated[
        bool,
        typer.Option(
            "--no-result-cache",
            help="Fix every file again instead of reusing the results of files, contexts and options unchanged since an earlier run (also DOCKOPT_NO_RESULT_CACHE=1; the cache is in DOCKOPT_CACHE_DIR, else ~/.cache/dockopt).",
        ),
    ]
    OutputFile = Annotated[
        Optional[str], typer.Option("--output-file", "-o", help="Write the output (not the messages) to this file.", show_default=False)
    ]

    @app.command("fix")
    def fix_command(
        paths: Paths = None,
        write: Annotated[bool, typer.Option("--write", "-w", help="Write the fixes back (atomically).")] = False,
        check: Annotated[bool, typer.Option("--check", help="Exit 1 if any file would change; write nothing.")] = False,
        diff: Annotated[
            Optional[bool],
            typer.Option("--diff/--no-diff", help="Print the unified diff [default: on unless --write/--check].", show_default=False),
        ] = None,
        select: Select = None,
        extend_select: ExtendSelect = None,
        ignore: Ignore = None,
        extend_ignore: ExtendIgnore = None,
        unsafe_fixes: UnsafeFixes = None,
        output_format: Format = OutputFormat.text,
        jobs: Jobs = None,
        quiet: Quiet = False,
        context: Context = None,
        no_color: NoColor = False,
        config: Config = None,
        force_exclude: ForceExclude = False,
        stdin_filename: StdinFilename = None,
        output_file: OutputFile = None,
        cache: Cache = None,
        no_result_cache: NoResultCache = False,
        report: Annotated[
            Optional[str],
            typer.Option("--report", help="Write a report for reviewers: FILE.md (markdown) or FILE.json.", show_default=False),
        ] = None,
        verify: Annotated[
            bool, typer.Option("--verify", help="With --write: build each rewrite first and write it only if it builds and passes the smoke test.")
        ] = False,
        smoke: Annotated[Optional[str], typer.Option("--smoke", help="Smoke test for --verify: a shell command run in the image.", show_default=False)] = None,
        port: Annotated[Optional[int], typer.Option("--port", help="Smoke test for --verify: run the image and GET this port.", show_default=False)] = None,
        http_path: Annotated[str, typer.Option("--path", help="URL path for --port.")] = "/",
        build_arg: Annotated[Optional[List[str]], typer.Option("--build-arg", help="K=V for the --verify builds (repeatable).", show_default=False)] = None,
        target: Annotated[Optional[str], typer.Option("--target", help="Build stage for the --verify builds.", show_default=False)] = None,
    ) -> None:
        """Fix Dockerfiles: print the diff (default), write it (--write), or check (--check)."""
        options = FixOptions(
            paths=list(paths or []),
            write=write,
            check=check,
            diff=diff,
            select=_split(select),
            ignore=_split(ignore),
            unsafe_fixes=unsafe_fixes,
            output_format=output_format.value,
            jobs=jobs,
            quiet=quiet,
            context=context,
            no_color=no_color,
            report=report,
            verify=verify,
            probe=VerifyOptions(smoke=smoke, port=port, http_path=http_path, build_args=build_arg or [], target=target),
            extend_select=_split(extend_select),
            extend_ignore=_split(extend_ignore),
            config=config,
            force_exclude=force_exclude,
            stdin_filename=stdin_filename,
            output_file=output_file,
            cache=cache.value if cache is not None else None,
            result_cache=not no_result_cache,
        )
        raise typer.Exit(run_fix(options))

    @app.command("check")
    def check_command(
        paths: Paths = None,
        select: Select = None,
        extend_select: ExtendSelect = None,
        ignore: Ignore = None,
        extend_ignore: ExtendIgnore = None,
        unsafe_fixes: Annotated[
            Optional[bool],
            typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Count unsafe fixes as fixable ([*]), as `fix --unsafe-fixes` makes them.", show_default=False),
        ] = None,
        output_format: Format = OutputFormat.text,
        fail_level: Annotated[
            Optional[FailLevel],
            typer.Option("--fail-level", help="Exit 1 when a finding has this severity or higher [default: the config's, else info].", show_default=False),
        ] = None,
        exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings reach the fail level.")] = False,
        statistics: Annotated[bool, typer.Option("--statistics", help="Count findings per rule instead of listing them.")] = False,
        output_file: OutputFile = None,
        jobs: Jobs = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the findings only, without the summary.")] = False,
        context: Context = None,
        no_color: NoColor = False,
        config: Config = None,
        force_exclude: ForceExclude = False,
        stdin_filename: StdinFilename = None,
        cache: Cache = None,
        no_result_cache: NoResultCache = False,
    ) -> None:
        """Lint Dockerfiles: report findings and the fixes `fix` would make; write nothing."""
        options = CheckOptions(
            paths=list(paths or []),
            select=_split(select),
            ignore=_split(ignore),
            unsafe_fixes=unsafe_fixes,
            output_format=output_format.value,
            jobs=jobs,
            quiet=quiet,
            context=context,
            no_color=no_color,
            extend_select=_split(extend_select),
            extend_ignore=_split(extend_ignore),
            config=config,
            force_exclude=force_exclude,
            stdin_filename=stdin_filename,
            output_file=output_file,
            fail_level=fail_level.value if fail_level is not None else None,
            exit_zero=exit_zero,
            statistics=statistics,
            cache=cache.value if cache is not None else None,
            result_cache=not no_result_cache,
        )
        raise typer.Exit(run_check(options))

    @app.command("verify")
    def verify_command(
        path: Annotated[str, typer.Argument(help="The Dockerfile to rewrite and verify.", show_default=False, metavar="PATH")] = "Dockerfile",
        context: Annotated[
            Optional[str], typer.Option("--context", help="Build context folder [default: the Dockerfile's folder].", show_default=False)
        ] = None,
        smoke: Annotated[Optional[str], typer.Option("--smoke", help="A shell command run in each image; it must exit 0.", show_default=False)] = None,
        port: Annotated[Optional[int], typer.Option("--port", help="Run each image and GET http://127.0.0.1:PORT/PATH.", show_default=False)] = None,
        http_path: Annotated[str, typer.Option("--path", help="URL path for --port.")] = "/",
        build_arg: Annotated[Optional[List[str]], typer.Option("--build-arg", help="K=V (repeatable).", show_default=False)] = None,
        target: Annotated[Optional[str], typer.Option("--target", help="Build stage.", show_default=False)] = None,
        select: Annotated[Optional[List[str]], typer.Option("--select", help="Transforms to run (as for fix).", show_default=False)] = None,
        ignore: Annotated[Optional[List[str]], typer.Option("--ignore", help="Transforms to leave out (as for fix).", show_default=False)] = None,
        unsafe_fixes: Annotated[
            Optional[bool], typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change the image.", show_default=False)
        ] = None,
        rewritten: Annotated[
            Optional[str], typer.Option("--rewritten", help="Verify this file as the rewrite instead of dockopt's own.", show_default=False)
        ] = None,
        timeout: Annotated[int, typer.Option("--timeout", help="Seconds each build may take.")] = 1800,
        output_format: Annotated[RulesFormat, typer.Option("--format", help="Output format.")] = RulesFormat.text,
    ) -> None:
        """Build the original and the rewritten Dockerfile with the local engine and compare them."""
        probe = VerifyOptions(smoke=smoke, port=port, http_path=http_path, build_args=build_arg or [], target=target, timeout=timeout)
        raise typer.Exit(
            run_verify(path, context, probe, _split(select), _split(ignore), unsafe_fixes, rewritten, output_format.value)
        )

    @app.command("migrate")
    def migrate_command(
        dirs: Annotated[List[str], typer.Argument(help="Git repositories, or folders holding them (searched 4 levels down).", show_default=False, metavar="DIR")],
        branch: Annotated[str, typer.Option("--branch", help="The branch each repository's commit goes to.")] = "dockopt/optimize-dockerfiles",
        author: Annotated[
            Optional[str],
            typer.Option("--author", help="'Name <email>' for the commits [default: the repository's user.name/user.email, else dockopt].", show_default=False),
        ] = None,
        no_commit: Annotated[
            bool, typer.Option("--no-commit", help="Write the fixes into the work tree; no branch, no commit (for fan-out tools that commit).")
        ] = False,
        pr_body_file: Annotated[
            Optional[str],
            typer.Option("--pr-body-file", help="Write the pull-request body here (one repository) [default: .git/dockopt/PR_BODY.md].", show_default=False),
        ] = None,
        select: Annotated[Optional[List[str]], typer.Option("--select", help="Transforms to run (as for fix).", show_default=False)] = None,
        ignore: Annotated[Optional[List[str]], typer.Option("--ignore", help="Transforms to leave out (as for fix).", show_default=False)] = None,
        unsafe_fixes: Annotated[
            Optional[bool], typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change the image.", show_default=False)
        ] = None,
        jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel worker processes [default: CPU count].", show_default=False)] = None,
        output_format: Annotated[SummaryFormat, typer.Option("--format", help="Format of the summary on stdout.")] = SummaryFormat.text,
        summary: Annotated[
            Optional[str], typer.Option("--summary", help="Also write the summary to FILE (.json, .md, else text).", show_default=False)
        ] = None,
        verify: Annotated[bool, typer.Option("--verify", help="Build each rewrite first; keep only those that build and pass their smoke test.")] = False,
        verify_jobs: Annotated[int, typer.Option("--verify-jobs", help="Builds run at once with --verify.")] = 1,
        verify_timeout: Annotated[
            Optional[int], typer.Option("--verify-timeout", help="Seconds each build may take [default: config, else 1800].", show_default=False)
        ] = None,
    ) -> None:
        """Fix the Dockerfiles of many git repositories: a branch, a commit and a pull-request body each."""
        from dockopt.migrate import MigrateOptions, run_migrate

        options = MigrateOptions(
            dirs=dirs, branch=branch, author=author, commit=not no_commit, pr_body_file=pr_body_file,
            select=_split(select), ignore=_split(ignore), unsafe_fixes=unsafe_fixes, jobs=jobs,
            output_format=output_format.value, summary=summary,
            verify=verify, verify_jobs=verify_jobs, verify_timeout=verify_timeout,
        )
        raise typer.Exit(run_migrate(options))

    @app.command("rules")
    def rules_command(
        output_format: Annotated[RulesFormat, typer.Option("--format", help="Output format.")] = RulesFormat.text,
    ) -> None:
        """List the transforms: code, name, safety, title."""
        _print_rules(output_format.value)

    @app.command("explain")
    def explain_command(rule: Annotated[str, typer.Argument(help="A code (DO101), name, or alias (DL4000).")]) -> None:
        """Print a transform's documentation."""
        raise typer.Exit(_explain(rule))

    @app.command("server")
    def server_command() -> None:
        """Run the language server (LSP over stdio) for editors: diagnostics, quick fixes, hover."""
        from dockopt.server import serve

        serve()

    return app


def build_command() -> "_click.Command":
    """The click command behind the typer app, with plain (fast) parameter coercion."""
    import typer.main

    command = typer.main.get_command(build_app())
    for sub in [command, *getattr(command, "commands", {}).values()]:
        params = list(sub.params)
        try:  # the help option is made on first use; make it now so it gets the plain coercion too
            params.append(sub.get_help_option(sub.context_class(sub, help_option_names=HELP_OPTIONS)))
        except Exception:
            pass
        for param in params:
            if param is not None:
                _plain_coercion(param)
    return command


class _PlainCoercion:
    """Typer 0.2x coerces every parameter through a pydantic TypeAdapter, which costs about a
    quarter of a second at each start (importing pydantic, building the adapters). dockopt's
    parameters are strings, ints, enums and lists of strings; converting those needs no pydantic.
    """

    # Values are what click parsed (a string, a tuple of them) or a default: typer's RuntimeParam
    # takes and returns them as Any too.
    def __init__(self, annotation: object) -> None:
        self.annotation = annotation

    def coerce(self, value: Any, param: "_TyperParameter", ctx: "_click.Context") -> Any:
        if value is None:
            return () if (param.multiple or param.nargs == -1) else None
        return self._convert(value, self.annotation, param, ctx)

    def _convert(self, value: Any, annotation: object, param: "_TyperParameter", ctx: "_click.Context") -> Any:
        import typing

        import typer

        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (list, typing.List) and args:
            values = value if isinstance(value, (list, tuple)) else [value]
            return [self._convert(item, args[0], param, ctx) for item in values]
        if origin is not None and args and len(args) == 1:  # Optional[X]
            return self._convert(value, args[0], param, ctx)
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            try:
                return value if isinstance(value, annotation) else annotation(value)
            except ValueError:
                choices = ", ".join(repr(item.value) for item in annotation)
                raise typer.BadParameter(f"{value!r} is not one of {choices}.", ctx=ctx, param=param) from None
        if annotation is int and not isinstance(value, bool):
            try:
                return int(value)
            except (TypeError, ValueError):
                raise typer.BadParameter(f"{value!r} is not a valid integer.", ctx=ctx, param=param) from None
        return value


_PLAIN_TYPES = (str, int, bool)


def _plain_coercion(param: "_click.Parameter") -> None:
    """Install `_PlainCoercion` where typer would otherwise build a pydantic adapter (if it would)."""
    import typing

    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "_runtime_param"):
        return  # another typer version: it coerces its own way
    annotation = descriptor.annotation
    leaves = [annotation]
    while leaves and typing.get_origin(leaves[-1]) is not None:
        inner = [a for a in typing.get_args(leaves.pop()) if a is not type(None)]
        leaves.extend(inner)
    if all(leaf in _PLAIN_TYPES or (isinstance(leaf, type) and issubclass(leaf, enum.Enum)) for leaf in leaves):
        param._runtime_param = _PlainCoercion(annotation)


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# -- fix ---------------------------------------------------------------------------------------


def run_fix(options: FixOptions) -> int:
    return _run_command(options, _run_fix)


def run_check(options: CheckOptions) -> int:
    return _run_command(options, _run_check)


_Options = TypeVar("_Options", bound=FixOptions)


def _run_command(options: _Options, body: Callable[[_Options, "Streams"], int]) -> int:
    """Usage problems are found before any output is opened or any file is read."""
    from dockopt.reporting import Streams

    try:
        _validate(options)
    except UsageProblem as exc:
        Streams(no_color=options.no_color).err(f"dockopt: error: {exc}\n")
        return EXIT_ERROR
    try:
        streams = Streams(no_color=options.no_color, output_file=options.output_file)
    except OSError as exc:
        Streams(no_color=options.no_color).error(options.output_file or "-", f"cannot write: {exc.strerror or exc}")
        return EXIT_ERROR
    try:
        return body(options, streams)
    except UsageProblem as exc:
        streams.err(f"dockopt: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # caught here, before click turns it into exit 1
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        streams.close()


@dataclass
class _Plan:
    """The files of a run and what the engine is told for each, known before any file is fixed."""

    found: list["Found | NotFound"]  # in order
    tasks: list["Task"]  # one per Found
    settings: list["Settings"]  # one per task
    batch: bool  # several files, or a folder: print the summary
    table: bool  # several folders: one summary row each


def _plan(options: FixOptions, **wants: bool) -> _Plan:
    """Discover the files and resolve each one's settings. Raises ConfigError."""
    from dockopt.batch import Task
    from dockopt.config import config_for, settings_for
    from dockopt.discovery import Found, NotFound, discover

    explicit_config = _explicit_config(options)
    lookup = (lambda folder: explicit_config) if explicit_config is not None else config_for
    paths = options.paths or ["-"]
    found = list(discover(paths, (lambda folder: explicit_config) if explicit_config is not None else _config_for_discovery))
    tasks, settings = [], []
    kept: list[Found | NotFound] = []
    for item in found:
        if not isinstance(item, Found):
            kept.append(item)
            continue
        stdin = item.path == "-"
        path = (options.stdin_filename or "-") if stdin else item.path
        folder = (os.path.dirname(path) or ".") if path != "-" else os.getcwd()
        config = lookup(folder)
        excluded = options.force_exclude and path != "-" and config is not None and config.excludes(path)
        if excluded and not stdin:
            continue  # as if it had not been named: pre-commit names every staged file
        kept.append(item)
        setting = settings_for(
            path, config, options.select, options.ignore or [], options.unsafe_fixes, options.extend_select, options.extend_ignore,
            options.cache,
        )
        context = options.context
        if stdin and context is None and path != "-" and os.path.isdir(folder):
            context = folder  # --stdin-filename: the file's folder is its build context
        tasks.append(
            Task(
                path=path,
                explicit=item.explicit,
                select=() if excluded else setting.select,  # an excluded stdin comes back as it went in
                unsafe_fixes=setting.unsafe_fixes,
                context=context,
                group=item.root,
                data=_read_stdin() if stdin else None,
                severity=setting.severity,
                trusted_registries=setting.trusted_registries,
                cache=setting.cache,
                **wants,
            )
        )
        settings.append(setting)
    folders = sum(1 for path in paths if os.path.isdir(path))
    return _Plan(kept, tasks, settings, batch=len(tasks) > 1 or folders > 0, table=folders > 1)


def _explicit_config(options: FixOptions) -> "Config | None":
    if options.config is None:
        return None
    from dockopt.config import load_explicit

    return load_explicit(options.config)


def _jobs(options: FixOptions) -> int:
    from dockopt.batch import default_jobs

    return options.jobs if options.jobs is not None else default_jobs()


def _missing(plan: _Plan, reporter: "Reporter", summary: "Summary") -> None:
    from dockopt.discovery import Found

    for item in plan.found:
        if not isinstance(item, Found):
            reporter.missing(item.path, item.reason)
            summary.add_missing()


def _warn(streams: "Streams", result: "FileResult", quiet: bool) -> None:
    """Warnings about a file (pragma codes, untrusted images): one line each, never a failure."""
    if quiet:
        return
    for line, message in result.warnings:
        streams.err(f"dockopt: warning: {result.path}:{line}: {message}\n")


def _run_fix(options: FixOptions, streams: "Streams") -> int:
    from dockopt.batch import IN_PROCESS_LIMIT, run
    from dockopt.config_model import ConfigError
    from dockopt.output import reporter_class
    from dockopt.reporting import Mode, Summary

    show_diff = options.diff if options.diff is not None else not (options.write or options.check)
    reports: list[FileReport] | None = [] if options.report else None
    try:
        plan = _plan(
            options,
            write=options.write and not options.check and not options.verify,
            want_diff=(show_diff and options.output_format in ("text", "json")) or reports is not None,
            want_output=options.verify,
            want_bases=reports is not None,
        )
    except ConfigError as exc:
        streams.error(exc.path, exc.reason)
        return EXIT_ERROR
    mode = Mode(write=options.write, check=options.check, diff=show_diff, quiet=options.quiet, batch=plan.batch, table=plan.table)
    reporter = reporter_class(options.output_format)(streams, mode)

    summary = Summary()
    reporter.start()
    _missing(plan, reporter, summary)
    results = run(plan.tasks, _jobs(options), _result_cache(options, plan))  # the workers start before the progress bar's thread
    progress = _progress(streams, options, len(plan.tasks), IN_PROCESS_LIMIT)
    companions: dict[str, str] = {}  # companion files written so far: Dockerfiles may share one
    shown: dict[str, str] = {}  # companion files as the diffs printed so far leave them
    try:
        for result in results:
            if result.files and result.diff:
                result.diff = _chained_companion_diffs(result, shown)
            if options.write and not options.verify and result.files and result.status == "changed" and not result.stdin:
                _write_companions(result, companions)
            verdict = None
            if options.verify and result.changed and not result.stdin:
                verdict = _verify_then_write(result, options, streams, companions)
            if reports is not None:
                reports.append(_file_report(result, verdict, show_diff))
            summary.add(result)
            _warn(streams, result, options.quiet)
            if result.stdin and options.write and options.output_format == "text":
                # Editors pipe a buffer through `dockopt fix --write -` and read back the text.
                if result.status == "error":
                    streams.error(result.path, result.error or "error")
                elif result.output is not None:
                    streams.out_bytes(result.output)
                continue
            reporter.file(result)
            if progress:
                progress.advance()
    finally:
        if progress:
            progress.stop()
    reporter.finish(summary)
    if reports is not None and options.report:
        _write_report(options.report, reports, streams)
    if summary.failed:
        return EXIT_ERROR
    if options.check and summary.changed:
        return EXIT_CHANGES
    return EXIT_OK


def _result_cache(options: FixOptions, plan: _Plan) -> "ResultCache | None":
    """The stored results, for a batch (a folder, several files). One file named alone (an
    editor, a pre-commit hook on the file just edited) is fixed: the fingerprint of its trees
    would cost about what the fix does."""
    from dockopt.result_cache import ResultCache, default_folder, disabled_by_environment

    folder = default_folder()
    if not options.result_cache or disabled_by_environment() or not plan.batch or folder is None:
        return None
    return ResultCache(folder)


def _chained_companion_diffs(result: "FileResult", shown: dict[str, str]) -> str:
    """The result's diff, with each companion file's part taken from where the earlier files'
    diffs left it: Dockerfiles sharing one `.dockerignore` then print diffs that apply one after
    the other (`git apply`), and that add up to what `--write` writes."""
    from dockopt.diffs import unified_diff
    from dockopt.writeback import folded

    diff = result.diff or ""  # only results with a diff come here
    for change in result.files:
        key = os.path.realpath(change["path"])
        path, before, after = change["path"], change["before"], change["after"]
        combined = folded(shown[key], before, after) if key in shown else None
        if combined is not None and shown[key] != before:
            again = unified_diff(path, shown[key], combined) if combined != shown[key] else ""
            diff = diff.replace(unified_diff(path, before, after), again, 1)
            after = combined
        shown[key] = after
    return diff


def _write_companions(result: "FileResult", done: dict[str, str]) -> None:
    """Write the companion files (`.dockerignore`) of a written Dockerfile, in run order."""
    from dockopt.writeback import FileError, write_companion

    for change in result.files:
        try:
            write_companion(change["path"], change["before"], change["after"], done)
        except FileError as exc:
            result.status, result.error, result.written = "error", str(exc), False
            return


def _run_check(options: CheckOptions, streams: "Streams") -> int:
    from dockopt.batch import IN_PROCESS_LIMIT, run
    from dockopt.config_model import ConfigError
    from dockopt.output import reporter_class
    from dockopt.reporting import Mode, Summary
    from dockopt.results import Severity

    try:
        plan = _plan(options)
    except ConfigError as exc:
        streams.error(exc.path, exc.reason)
        return EXIT_ERROR
    mode = Mode(check=True, diff=False, quiet=options.quiet, batch=plan.batch, table=plan.table)
    reporter = reporter_class(options.output_format, lint=True, statistics=options.statistics)(streams, mode)
    summary = Summary()
    reporter.start()
    _missing(plan, reporter, summary)
    failing = 0
    results = run(plan.tasks, _jobs(options), _result_cache(options, plan))  # the workers start before the progress bar's thread
    progress = _progress(streams, options, len(plan.tasks), IN_PROCESS_LIMIT)
    try:
        for settings, result in zip(plan.settings, results):
            summary.add(result)
            _warn(streams, result, options.quiet)
            reporter.file(result)
            if progress:
                progress.advance()
            level = options.fail_level or settings.fail_level or Severity.INFO.value
            if result.status != "error" and level != "none":
                threshold = Severity(level).rank
                failing += sum(1 for item in result.fixes if Severity(item["severity"]).rank >= threshold)
    finally:
        if progress:
            progress.stop()
    reporter.finish(summary)
    if summary.failed:
        return EXIT_ERROR
    if failing and not options.exit_zero:
        return EXIT_CHANGES
    return EXIT_OK


def _verify_then_write(result: "FileResult", options: FixOptions, streams: "Streams", companions: dict[str, str]) -> "Verdict | None":
    """Build the rewrite for real, with the `.dockerignore` it comes with; write both only when it
    builds and its smoke test agrees."""
    from dockopt.verify import EngineError, format_table, verify
    from dockopt.writeback import FileError, read, write

    probe = _probe_for(result.path, options.probe or VerifyOptions())
    context = options.context or os.path.dirname(result.path) or "."
    assert result.output is not None  # --verify asks for the output (want_output) of every changed file
    try:
        snapshot = read(result.path)
        verdict = verify(
            Path(result.path), result.output.decode("utf-8"), Path(context), _smoke(probe), probe.build_args, probe.target,
            timeout=probe.timeout, ignore_file=_ignore_file(result.files),
        )
    except (EngineError, FileError) as exc:
        result.status, result.error = "error", str(exc)
        return None
    streams.err(f"{result.path}: verify\n{format_table(verdict)}\n")
    if not verdict.agrees:
        result.status, result.error = "error", "verify refused the rewrite (it does not build or fails its smoke test); the file is unchanged"
        return verdict
    try:
        write(result.path, result.output, snapshot)
        result.written = True
    except FileError as exc:
        result.status, result.error = "error", str(exc)
        return verdict
    if result.files:
        _write_companions(result, companions)
    return verdict


def _ignore_file(files: "Sequence[CompanionChange | FileEdit]") -> str | None:
    """The new text of the `.dockerignore` among a result's companion files (dicts or FileEdits)."""
    for change in files:
        path, after = (change["path"], change["after"]) if isinstance(change, dict) else (change.path, change.after)
        if path.endswith(".dockerignore"):
            return str(after)
    return None


def _probe_for(path: str, probe: "VerifyOptions") -> "VerifyOptions":
    """--smoke/--port on the command line win; else the `[tool.dockopt.verify]` table of the file's config."""
    from dataclasses import replace

    from dockopt.config import verify_settings

    table = {} if probe.smoke or probe.port else verify_settings(os.path.dirname(path) or ".")
    if not table:
        return probe
    return replace(
        probe,
        smoke=table.get("smoke"),
        port=table.get("port"),
        http_path=table.get("path", probe.http_path),
        build_args=probe.build_args or table.get("build-args", []),
        target=probe.target or table.get("target"),
        timeout=table.get("timeout", probe.timeout),
    )


def _smoke(probe: "VerifyOptions") -> "Smoke":
    from dockopt.verify import Smoke

    return Smoke(command=probe.smoke, port=probe.port, path=probe.http_path)


def _file_report(result: "FileResult", verdict: "Verdict | None", show_diff: bool) -> "FileReport":
    from dockopt.report import FileReport

    status = {"ok": "unchanged"}.get(result.status, result.status)
    return FileReport(
        path=result.path,
        status=status,
        diff=result.diff or "",
        fixes=result.fixes,
        error=result.error,
        base_before=result.base_before,
        base_after=result.base_after,
        verify=verdict.as_dict() if verdict else None,
    )


def _write_report(target: str, reports: "list[FileReport]", streams: "Streams") -> None:
    from dockopt.report import render_json, render_markdown

    text = render_json(reports) if target.endswith(".json") else render_markdown(reports)
    temporary = f"{target}.dockopt-tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        streams.error(target, f"cannot write the report: {exc.strerror or exc}")
        raise SystemExit(EXIT_ERROR) from None
    streams.err(f"report written to {target}\n")


# -- verify ------------------------------------------------------------------------------------


def run_verify(
    path: str,
    context: str | None,
    probe: VerifyOptions,
    select: list[str] | None,
    ignore: list[str] | None,
    unsafe_fixes: bool | None,
    rewritten: str | None,
    output_format: str,
) -> int:
    import json

    from dockopt.config import config_for, settings_for
    from dockopt.config_model import ConfigError
    from dockopt.context import BuildContext
    from dockopt.engine import fix
    from dockopt.errors import DockoptError
    from dockopt.verify import EngineError, format_table, verify
    from dockopt.writeback import read

    def fail(where: str, reason: str) -> int:
        sys.stderr.write(f"dockopt: error: {where}: {reason}\n")
        return EXIT_ERROR

    if probe.smoke and probe.port:
        return fail("verify", "give --smoke or --port, not both")
    folder = context or os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return fail(folder, "--context must be a folder")
    try:
        original = read(path).data
        ignore_file = None  # a rewrite given as a file comes without its .dockerignore
        if rewritten is not None:
            new_text = read(rewritten).data.decode("utf-8")
        else:
            settings = settings_for(path, config_for(os.path.dirname(path) or "."), select, ignore or [], unsafe_fixes)
            result = fix(
                original,
                select=None if settings.select is None else list(settings.select),
                unsafe_fixes=settings.unsafe_fixes,
                context=BuildContext(folder, dockerfile=path),
                cache=settings.cache,
            )
            if result.error:
                return fail(path, result.error)
            new_text = result.output.decode("utf-8") if isinstance(result.output, bytes) else result.output
            ignore_file = _ignore_file(result.files)
    except ConfigError as exc:
        return fail(exc.path, exc.reason)
    except (DockoptError, UnicodeDecodeError) as exc:
        return fail(rewritten if rewritten and not isinstance(exc, DockoptError) else path, str(exc))
    if new_text.encode("utf-8") == original:
        sys.stdout.write(f"{path}: dockopt makes no change: nothing to verify\n")
        return EXIT_OK
    try:
        verdict = verify(Path(path), new_text, Path(folder), _smoke(probe), probe.build_args, probe.target, timeout=probe.timeout,
                         ignore_file=ignore_file)
    except EngineError as exc:
        return fail(path, str(exc))
    if output_format == "json":
        sys.stdout.write(json.dumps(verdict.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_table(verdict) + "\n")
    return EXIT_OK if verdict.agrees else EXIT_CHANGES


def _config_for_discovery(folder: str) -> "Config | None":
    from dockopt.config import config_for
    from dockopt.config_model import ConfigError

    try:
        return config_for(folder)
    except ConfigError:
        return None  # reported once, with its reason, when the files' settings are resolved


def _validate(options: FixOptions) -> None:
    if options.write and options.check:
        raise UsageProblem("--write and --check cannot be used together")
    if not options.paths and options.stdin_filename is None:
        raise UsageProblem("give a PATH (a Dockerfile or a folder; - reads stdin)")
    if options.paths.count("-") > 1:
        raise UsageProblem("stdin (-) can be read only once")
    if options.stdin_filename is not None and options.paths not in ([], ["-"]):
        raise UsageProblem("--stdin-filename names what stdin holds: give no other PATH than -")
    if options.jobs is not None and options.jobs < 1:
        raise UsageProblem(f"--jobs must be 1 or more (not {options.jobs})")
    reading_stdin = "-" in options.paths or not options.paths
    if options.verify and not options.write:
        raise UsageProblem("--verify goes with --write: it decides which rewrites are written")
    if options.verify and reading_stdin:
        raise UsageProblem("--verify needs files on disk, not stdin")
    if options.context is not None and not os.path.isdir(options.context):
        raise UsageProblem(f"{options.context}: --context must be a folder")
    if options.config is not None and not os.path.isfile(options.config):
        raise UsageProblem(f"{options.config}: --config: no such file")
    if isinstance(options, CheckOptions) and options.statistics and options.output_format not in ("text", "json"):
        raise UsageProblem("--statistics prints text or json")
    for flag, target in (("--report", options.report), ("--output-file", options.output_file)):
        if target is not None:
            _check_target(flag, target)
    selectors = (options.select or []) + (options.ignore or []) + (options.extend_select or []) + (options.extend_ignore or [])
    if selectors:
        from dockopt.registry import unknown_selectors

        unknown = unknown_selectors(selectors)
        if unknown:
            raise UsageProblem(f"unknown rule selector '{unknown[0]}' (see `dockopt rules`)")


def _check_target(flag: str, target: str) -> None:
    """A file dockopt will write at the end: its folder must be there now, not after the batch."""
    folder = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise UsageProblem(f"{target}: {flag} names a folder, not a file")
    if not os.path.isdir(folder):
        raise UsageProblem(f"{target}: {flag}: no such folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageProblem(f"{target}: {flag}: the folder is not writable")


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    data = stream.read()
    return data.encode("utf-8") if isinstance(data, str) else data


class _Progress:
    """A transient progress bar on stderr (rich, loaded only when a terminal will show it)."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("dockopt"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("fix", total=total)
        self.bar.start()

    def advance(self) -> None:
        self.bar.advance(self.task)

    def stop(self) -> None:
        self.bar.stop()


def _progress(streams: "Streams", options: FixOptions, total: int, threshold: int) -> "_Progress | None":
    if options.quiet or total < threshold or os.environ.get("TERM") == "dumb":
        return None
    from dockopt.reporting import is_terminal

    if not is_terminal(sys.stderr):
        return None
    if options.output_format != "text" and is_terminal(sys.stdout):
        return None  # rich would re-flow JSON/SARIF written to the same terminal
    return _Progress(total)


# -- rules and explain -------------------------------------------------------------------------


def _print_rules(output_format: str) -> None:
    from dockopt.registry import all_transforms

    rules = sorted(all_transforms(), key=lambda rule: rule.code)
    if output_format == "json":
        import json

        items = [
            {
                "code": r.code,
                "name": r.name,
                "safety": r.safety_label(),
                "severity": r.severity.value,
                "title": r.title,
                "aliases": list(r.aliases),
                "order": r.order,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(items, indent=2) + "\n")
        return
    rows = [("CODE", "NAME", "SAFETY", "SEVERITY", "TITLE")] + [(r.code, r.name, r.safety_label(), r.severity.value, r.title) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        sys.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] + "\n")


def _explain(selector: str) -> int:
    """The documentation of every rule the selector names, exactly as `--select` would choose them."""
    from dockopt.registry import matching

    matches = matching(selector) if selector.strip() else []
    if not matches:
        sys.stderr.write(f"dockopt: error: unknown rule '{selector}' (see `dockopt rules`)\n")
        return EXIT_ERROR
    if len(matches) > 1:
        names = ", ".join(f"{rule.code} ({rule.name})" for rule in matches)
        sys.stdout.write(f"{selector.strip()} selects {len(matches)} rules: {names}\n\n")
    for index, rule in enumerate(matches):
        if index:
            sys.stdout.write("\n")
        sys.stdout.write("".join(_explain_text(rule)))
    return EXIT_OK


def _explain_text(rule: "type[Transform]") -> Iterator[str]:
    yield f"{rule.code} {rule.name} ({rule.safety_label()}, severity {rule.severity.value})\n"
    yield f"{rule.title}\n"
    if rule.aliases:
        yield f"Aliases: {', '.join(rule.aliases)}\n"
    yield "\n" + rule.doc().rstrip() + "\n"
