"""Entry point for `langgraph dev` / LangGraph Studio (see langgraph.json): the ECH0 graph on default settings.

Studio brings its own checkpointer, so the graph is compiled without one here. Its context schema (`RunContext`:
backend, max_replans, approval policy) is what Studio's assistant configuration edits per run.
"""

from __future__ import annotations

from agents.graph import build_graph
from server.settings import Settings
from server.wiring import build_runtime


def make_graph():
    runtime = build_runtime(Settings())  # read afresh: `langgraph dev` imports this module in its own process
    return build_graph(
        runtime.backend,
        runtime.tools,
        runtime.runs,
        approval_reason=runtime.approval_reason,
        max_replans=runtime.settings.llm.max_replans,
        named_backends=runtime.backend_named,
    )
