"""`dockopt server`: a language server (LSP over stdio, pygls) for editors.

- On open and on every change it publishes dockopt's findings as diagnostics (the severity of
  each rule; a file that does not parse gets one error on the line that says so).
- A code action per fix: safe ones as preferred quick fixes, unsafe ones labelled `unsafe` in
  their title; and a `source.fixAll.dockopt` action that makes every fix `dockopt fix --write`
  would (the config's `unsafe-fixes` included).
- Hover on a line with a finding shows the rule's documentation (`dockopt explain`).

It reads what the command line reads for the document's path: the nearest config (or
`.hadolint.yaml`), with its `exclude`, and the document's folder as the build context.

The edits of an action are computed from the engine's result: the document as that rule alone
(or every selected rule, for fix all) would rewrite it, as line replacements of the changed
hunks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from dockopt.results import TextEdit, apply_text_edits
from dockopt.text import split_lines

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from dockopt.batch import FileResult

FIX_ALL = "source.fixAll.dockopt"
_SEVERITIES = {"error": 1, "warning": 2, "info": 3, "style": 4}  # lsprotocol DiagnosticSeverity


@dataclass
class Analysis:
    """One version of one document, as dockopt sees it."""

    text: str
    path: str  # "-" for a document that is not a file
    result: FileResult
    context: str | None  # the build context folder
    unsafe_fixes: bool
    select: tuple[str, ...] | None
    excluded: bool = False


def analyse(uri: str, text: str) -> Analysis:
    """Run dockopt on the document's text with the settings of its path (never raises)."""
    from dockopt.batch import Task, process
    from dockopt.config import config_for, settings_for
    from dockopt.config_model import ConfigError
    from dockopt.run_memory import forget

    path = _path(uri)
    folder = os.path.dirname(path) if path != "-" else None
    config_for.cache_clear()  # the config may have been edited since the last analysis
    forget()  # so may the other Dockerfiles of its folder and repository
    try:
        config = config_for(folder) if folder else None
        settings = settings_for(path, config, None, [], None)
    except ConfigError as exc:
        from dockopt.batch import FileResult

        failed = FileResult(path, "error", error=f"{exc.path}: {exc.reason}")
        return Analysis(text, path, failed, None, False, None)
    excluded = bool(config and path != "-" and config.excludes(path))
    context = folder if folder and os.path.isdir(folder) else None
    task = Task(
        path=path,
        explicit=True,
        select=() if excluded else settings.select,
        unsafe_fixes=settings.unsafe_fixes,
        context=context,
        data=text.encode("utf-8"),
        severity=settings.severity,
        trusted_registries=settings.trusted_registries,
        cache=settings.cache,
    )
    return Analysis(text, path, process(task), context, settings.unsafe_fixes, settings.select, excluded)


def _path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else "-"


def rewrite(analysis: Analysis, select: list[str] | None, unsafe_fixes: bool) -> str:
    """The document as dockopt would rewrite it with these rules."""
    from dockopt.context import BuildContext
    from dockopt.engine import fix

    context = BuildContext(analysis.context, dockerfile=analysis.path) if analysis.context else None
    result = fix(analysis.text, select=select, unsafe_fixes=unsafe_fixes, context=context)
    assert isinstance(result.output, str)  # text in, text out
    return analysis.text if result.error else result.output


def line_edits(before: str, after: str) -> list[tuple[int, int, int, int, str]]:
    """(start line, start col, end line, end col, new text): the changed lines, replaced whole."""
    a, b = split_lines(before), split_lines(after)
    edits = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        new = "".join(b[j1:j2])
        if i2 == len(a) and a and not a[-1].endswith(("\n", "\r")):
            # The last line has no line ending: end the range at its last character.
            edits.append((i1, 0, i2 - 1 if i2 > i1 else i1, len(a[-1]) if i2 > i1 else 0, new))
        else:
            edits.append((i1, 0, i2, 0, new))
    return edits


def explanation(code: str) -> str:
    from dockopt.registry import by_code

    rule = by_code(code)
    if rule is None:
        return code
    return f"**{rule.code} `{rule.name}`** ({rule.safety_label()}, severity {rule.severity.value})\n\n{rule.doc()}"


# -- the server ------------------------------------------------------------------------------------


def build_server() -> LanguageServer:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer

    from dockopt import __version__

    server = LanguageServer("dockopt", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
    analyses: dict[str, Analysis] = {}

    def refresh(ls: LanguageServer, uri: str, version: int | None) -> None:
        document = ls.workspace.get_text_document(uri)
        analysis = analyse(uri, document.source)
        analyses[uri] = analysis
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics(analysis))
        )

    def diagnostics(analysis: Analysis) -> list[types.Diagnostic]:
        from dockopt.formats import error_line

        lines = split_lines(analysis.text)
        result = analysis.result

        def span(line: int, column: int = 1, end_line: int | None = None, end_column: int = 0) -> types.Range:
            index = min(max(line - 1, 0), max(len(lines) - 1, 0))
            last = min(max((end_line or line) - 1, index), max(len(lines) - 1, 0))
            width = len(lines[last].rstrip("\r\n")) if lines else 0
            return types.Range(start=types.Position(line=index, character=max(column - 1, 0)),
                               end=types.Position(line=last, character=(end_column - 1) if end_column else width))

        if result.status == "error":
            return [types.Diagnostic(range=span(error_line(result.error)), message=result.error or "error",
                                     severity=types.DiagnosticSeverity.Error, source="dockopt")]
        found: list[types.Diagnostic] = []
        for item in result.fixes:
            label = {"[*]": "fixable", "[unsafe]": "unsafe fix"}.get(_mark(item), "")
            found.append(
                types.Diagnostic(
                    range=span(item["line"], item.get("column", 1), item.get("end_line"), item.get("end_column", 0)),
                    message=item["text"],
                    severity=types.DiagnosticSeverity(_SEVERITIES[item["severity"]]),
                    code=item["code"],
                    source="dockopt",
                    data={"fix": label, "safety": item["safety"], "name": item["name"]},
                )
            )
        for line, message in result.warnings:
            found.append(types.Diagnostic(range=span(line), message=message, severity=types.DiagnosticSeverity.Warning, source="dockopt"))
        return found

    def edit(uri: str, version: int | None, analysis: Analysis, after: str) -> types.WorkspaceEdit:
        changes = [
            types.TextEdit(
                range=types.Range(start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2)), new_text=text
            )
            for l1, c1, l2, c2, text in line_edits(analysis.text, after)
        ]
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)])

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri, None)  # the build context on disk may have changed

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        analyses.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    def code_actions(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = analyses.get(uri)
        document = ls.workspace.get_text_document(uri)
        if analysis is None or analysis.text != document.source:
            refresh(ls, uri, document.version)
            analysis = analyses[uri]
        if analysis.result.status == "error" or analysis.excluded:
            return []
        only = params.context.only or []

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

        actions: list[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            first, last = params.range.start.line + 1, params.range.end.line + 1
            done: set[tuple[str, int]] = set()
            for item in analysis.result.fixes:
                mark = _mark(item)
                if not mark or not first <= item["line"] <= last or (item["code"], item["line"]) in done:
                    continue
                done.add((item["code"], item["line"]))
                unsafe = mark == "[unsafe]" or item["safety"] == "unsafe"
                own = (item.get("fix") or {}).get("edits")
                if item["applied"] and own and not item["fix"]["together_with"]:
                    after = apply_text_edits(analysis.text, [TextEdit(e["location"]["row"], e["location"]["column"], e["end_location"]["row"], e["end_location"]["column"], e["content"]) for e in own])
                else:  # left out (unsafe) or joined with another fix: what the rule alone does
                    after = rewrite(analysis, [item["code"]], unsafe)
                if after == analysis.text:
                    continue
                title = f"dockopt {item['code']}{' (unsafe)' if unsafe else ''}: {item['text']}"
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        is_preferred=not unsafe,
                        diagnostics=[d for d in params.context.diagnostics if d.code == item["code"]],
                        edit=edit(uri, document.version, analysis, after),
                    )
                )
        if wanted(FIX_ALL):
            after = rewrite(analysis, None if analysis.select is None else list(analysis.select), analysis.unsafe_fixes)
            if after != analysis.text:
                actions.append(
                    types.CodeAction(
                        title="dockopt: fix all" + (" (unsafe fixes included)" if analysis.unsafe_fixes else " (safe fixes)"),
                        kind=FIX_ALL,
                        edit=edit(uri, document.version, analysis, after),
                    )
                )
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        analysis = analyses.get(params.text_document.uri)
        if analysis is None or analysis.result.status == "error":
            return None
        codes: list[str] = []
        for item in analysis.result.fixes:
            if item["line"] == params.position.line + 1 and item["code"] not in codes:
                codes.append(item["code"])
        if not codes:
            return None
        text = "\n\n---\n\n".join(explanation(code) for code in codes)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    return server


def _mark(item: dict[str, Any]) -> str:
    from dockopt.formats import fix_mark

    return fix_mark(item)


def serve() -> None:
    build_server().start_io()
