"""`dockopt server` end to end: a real LSP client (pygls's own) starts `python -m dockopt server`
over stdio, as an editor does, and reads its diagnostics, code actions and hovers."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from dockopt.server import line_edits

pytestmark = pytest.mark.slow  # corpus-wide, or starts processes: not in the inner loop

SECRET_AND_CHAIN = "FROM python:3.12-slim\nENV AWS_SECRET_ACCESS_KEY=abc123\nRUN pip install flask\nRUN echo hi\nCMD [\"python\", \"app.py\"]\n"


class Session:
    """A client talking to a dockopt server: open/change documents, wait for diagnostics."""

    def __init__(self, root: Path):
        self.root = root
        self.client = LanguageClient("dockopt-test", "1")
        self.published: dict[str, asyncio.Queue] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, asyncio.Queue()).put_nowait(params)

    async def start(self) -> types.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "dockopt", "server", cwd=str(self.root))
        result = await self.client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=self.root.as_uri(), process_id=None)
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def diagnostics(self, uri: str) -> types.PublishDiagnosticsParams:
        return await asyncio.wait_for(self.published.setdefault(uri, asyncio.Queue()).get(), timeout=60)

    async def open(self, path: Path, text: str) -> list[types.Diagnostic]:
        item = types.TextDocumentItem(uri=path.as_uri(), language_id="dockerfile", version=1, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return (await self.diagnostics(path.as_uri())).diagnostics

    async def change(self, path: Path, text: str, version: int) -> list[types.Diagnostic]:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return (await self.diagnostics(path.as_uri())).diagnostics

    async def actions(self, path: Path, diagnostics, first: int, last: int, only=None) -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=types.Position(line=first, character=0), end=types.Position(line=last, character=0)),
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
        return await asyncio.wait_for(self.client.text_document_code_action_async(params), timeout=60) or []

    async def hover(self, path: Path, line: int):
        params = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=line, character=2))
        return await asyncio.wait_for(self.client.text_document_hover_async(params), timeout=60)


def apply(text: str, action: types.CodeAction) -> str:
    """What an editor does with the action's edit: replace the ranges, bottom up."""
    [change] = action.edit.document_changes
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[min(edit.range.start.line, len(lines))] + edit.range.start.character
        end = offsets[min(edit.range.end.line, len(lines))] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


def session_test(body):
    def run(tmp_path):
        async def main():
            session = Session(tmp_path)
            await session.start()
            try:
                await body(session, tmp_path)
            finally:
                await session.stop()

        asyncio.run(main())

    run.__name__ = body.__name__
    return run


@session_test
async def test_the_server_answers_a_real_client_with_diagnostics_code_actions_and_hover(session, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(SECRET_AND_CHAIN)
    found = await session.open(path, SECRET_AND_CHAIN)
    by_code = {d.code: d for d in found}
    assert set(by_code) == {"DO262", "DO240", "DO201", "DO401"}
    secret = by_code["DO262"]
    assert (secret.severity, secret.source, secret.range.start.line) == (types.DiagnosticSeverity.Error, "dockopt", 1)
    assert secret.range.end.character == len("ENV AWS_SECRET_ACCESS_KEY=abc123")
    assert by_code["DO201"].severity == types.DiagnosticSeverity.Information
    assert by_code["DO401"].severity == types.DiagnosticSeverity.Warning

    # A quick fix per fix on the lines asked about: safe ones preferred, unsafe ones labelled.
    actions = await session.actions(path, found, 2, 4)
    titles = {action.title: action for action in actions if action.kind == types.CodeActionKind.QuickFix}
    assert "dockopt DO240: add `--no-cache-dir` so pip leaves no cache in the layer" in titles
    assert titles["dockopt DO240: add `--no-cache-dir` so pip leaves no cache in the layer"].is_preferred
    [unsafe] = [title for title in titles if title.startswith("dockopt DO401 (unsafe): ")]
    assert not titles[unsafe].is_preferred
    fixed = apply(SECRET_AND_CHAIN, titles["dockopt DO240: add `--no-cache-dir` so pip leaves no cache in the layer"])
    assert fixed == SECRET_AND_CHAIN.replace("pip install flask", "pip install --no-cache-dir flask")

    # Fix all: what `dockopt fix --write` would write, safe fixes only.
    [fix_all] = [action for action in await session.actions(path, [], 0, 0, only=["source.fixAll"])]
    assert (fix_all.kind, fix_all.title) == ("source.fixAll.dockopt", "dockopt: fix all (safe fixes)")
    expected = SECRET_AND_CHAIN.replace("RUN pip install flask\nRUN echo hi\n", "RUN pip install --no-cache-dir flask && \\\n    echo hi\n")
    assert apply(SECRET_AND_CHAIN, fix_all) == expected

    # The editor applies it: the change brings new diagnostics, and the fixes are gone.
    after = await session.change(path, expected, 2)
    assert {d.code for d in after} == {"DO262", "DO401"}

    hover = await session.hover(path, 1)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**DO262 `secret-in-env-or-arg`** (finding, severity error)\n\n")
    assert "## Why" in hover.contents.value
    assert await session.hover(path, 0) is None


@session_test
async def test_the_server_reads_the_config_and_the_build_context(session, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dockopt]\nignore = ["DO401"]\nexclude = ["vendor/"]\n')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "requirements.txt").write_text("flask\n")
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    found = await session.open(tmp_path / "svc" / "Dockerfile", text)
    # The context has requirements.txt: a safe move. DO330's `.dockerignore` is a companion file:
    # shown, but the editor gets no quick fix for it (the server edits only the open document).
    assert [d.code for d in found] == ["DO301", "DO330"]
    [action] = await session.actions(tmp_path / "svc" / "Dockerfile", found, 0, 4, only=["quickfix"])
    assert action.is_preferred and "COPY requirements.txt ./\n" in apply(text, action)
    (tmp_path / "vendor").mkdir()
    assert list(await session.open(tmp_path / "vendor" / "Dockerfile", text)) == []


@session_test
async def test_a_file_that_does_not_parse_gets_one_error_on_its_line(session, tmp_path):
    found = await session.open(tmp_path / "Dockerfile", "FROM debian:12\nRUN echo hi\nFOO bar\n")
    [error] = found
    assert (error.severity, error.range.start.line, error.message) == (types.DiagnosticSeverity.Error, 2, "line 3: unknown instruction: FOO")


@pytest.mark.parametrize(
    "before, after, edits",
    [
        pytest.param("a\nb\nc\n", "a\nB\nc\n", [(1, 0, 2, 0, "B\n")], id="a changed line is replaced whole"),
        pytest.param("a\nb", "a\nb\nc\n", [(1, 0, 1, 1, "b\nc\n")], id="the last line without a newline ends at its last character"),
        pytest.param("a\nb\n", "a\nb\n", [], id="no change, no edit"),
    ],
)
def test_line_edits(before, after, edits):
    assert line_edits(before, after) == edits
