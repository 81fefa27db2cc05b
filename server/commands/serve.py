"""`ech0 serve` (the HTTP API under uvicorn) and `ech0 mcp` (ECH0's tools over MCP on stdio)."""

from __future__ import annotations

import typer


def serve(
    host: str | None = typer.Option(None, "--host", help="address to bind (default: settings server.host)"),
    port: int | None = typer.Option(None, "--port", min=1, max=65535, help="port (default: settings server.port)"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, max=64, help="worker processes (default: settings server.workers)"
    ),
) -> None:
    """Serve the HTTP API (OpenAI-compatible chat, research jobs, search, compounds, labs, models)."""
    import uvicorn

    from knowledge.common.errors import Ech0Error
    from server.app import prepare_database
    from server.keys import KeyStore
    from server.settings import current_settings

    settings = current_settings()
    workers = workers or settings.server.workers
    if workers > 1 and settings.knowledge.index_backend == "edge":
        raise Ech0Error(
            f"--workers {workers}: the embedded index opens in one process only; serve it with --workers 1, or put "
            "the index on a Qdrant server (ECH0_KNOWLEDGE__INDEX_BACKEND=qdrant, ECH0_KNOWLEDGE__QDRANT_URL=…)"
        )
    prepare_database(settings)
    if not KeyStore(settings.db_url).count_active():
        typer.echo("warning: no API keys yet, every request but /healthz gets 401: `ech0 keys create NAME`", err=True)
    uvicorn.run(
        "server.app:factory",
        factory=True,
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
    )


def mcp() -> None:
    """Serve ECH0's tools and `ask` to an MCP client (e.g. an assistant) over stdin/stdout."""
    from server.mcp_server import build_mcp_server
    from server.settings import current_settings
    from server.wiring import build_runtime

    runtime = build_runtime(current_settings())
    try:
        build_mcp_server(runtime).run("stdio")
    finally:
        runtime.close()
