"""Entry point for `langgraph dev` / LangGraph Studio (see langgraph.json): the ECH0 graph on this process's settings.

How the LangGraph API server uses it (langgraph_api.graph.get_graph): `make_graph` is a graph factory that the server
calls on its event loop for every request needing the graph (the assistant's graph drawing and schemas, each run,
each state read), awaiting a coroutine when it returns one. `langgraph dev` rejects blocking calls on that loop
(blockbuster: creating the data directory, opening SQLite, reading the compound files and ech0.toml are all
rejected), so the graph is built in a worker thread, once per server process; later calls return the same graph.
Nothing here needs `--allow-blocking`: the graph's nodes are synchronous and LangGraph runs them in worker threads.

The graph is compiled without a checkpointer: the server attaches its own to every graph it serves
(`graph.copy(update={"checkpointer": ...})`), so Studio's threads, history and approval interrupts live there.
A run's input is `{"request": "…"}`; the run id is optional (the plan node names the run after its thread). The
run's settings are its context (`RunContext`: backend, max_replans, approval), which Studio edits as the assistant's
configuration. A step waiting for approval resumes with `{"approved": true}`, or `{"approved": false, "comment": "…"}`.
Settings come from the environment (ECH0_DATA_DIR, ECH0_KNOWLEDGE__CORPUS_PATH, …) and ech0.toml, read once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from functools import cache

from langgraph.graph.state import CompiledStateGraph
from pydantic import ValidationError

from agents.graph import build_graph
from knowledge.common.errors import Ech0Error
from server.settings import Settings
from server.wiring import build_runtime

_build_lock = threading.Lock()  # Studio asks for the graph and its schemas at once: build it once


def _settings() -> Settings:
    try:
        return Settings()  # read afresh: `langgraph dev` imports this module in its own process
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise Ech0Error(
            f"ECH0 settings for `langgraph dev`: {where}: {first['msg']} (set by ECH0_* or ech0.toml)"
        ) from None


@cache
def _built_graph() -> CompiledStateGraph:
    runtime = build_runtime(_settings())  # lives as long as the server process
    return build_graph(
        runtime.backend,
        runtime.tools,
        runtime.runs,
        approval_reason=runtime.approval_reason,
        max_replans=runtime.settings.llm.max_replans,
        named_backends=runtime.backend_named,
    )


def _graph_once() -> CompiledStateGraph:
    with _build_lock:
        return _built_graph()


def make_graph() -> CompiledStateGraph | Awaitable[CompiledStateGraph]:
    """The compiled ECH0 graph, built on the first call. On a running event loop (the server's) the answer is a
    coroutine that builds it in a worker thread, which the server awaits; called plainly (a script, a test), the
    graph itself."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _graph_once()
    return asyncio.to_thread(_graph_once)
