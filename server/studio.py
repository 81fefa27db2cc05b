"""Entry point for `langgraph dev` / LangGraph Studio (see langgraph.json): the ECH0 graph on default settings.

Studio brings its own checkpointer, so the graph is compiled without one here.
"""

from __future__ import annotations

from agents.graph import build_graph
from server.settings import Settings
from server.wiring import build_runtime


def make_graph():
    runtime = build_runtime(Settings())
    return build_graph(runtime.backend, runtime.tools, runtime.runs)
