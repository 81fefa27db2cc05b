"""The ECH0 graph, wiring only: plan → act (one branch per step, in parallel) → reflect → synthesize → record.

reflect may send retryable failures back through act with a new plan, at most `max_replans` times.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.tools import BaseTool
from langgraph.graph import START, StateGraph

from agents.backends import Backend
from agents.nodes.act import make_act_node
from agents.nodes.plan import make_plan_node
from agents.nodes.record import make_record_node
from agents.nodes.reflect import make_reflect_node
from agents.nodes.synthesize import make_synthesize_node
from agents.state import ResearchState
from agents.store import RunStore


def build_graph(
    backend: Backend,
    tools: dict[str, BaseTool],
    store: RunStore,
    checkpointer=None,
    approval_reason: Callable[[str, dict], str | None] = lambda tool, args: None,
    max_replans: int = 1,
):
    graph = StateGraph(ResearchState)
    graph.add_node("plan", make_plan_node(backend))
    graph.add_node("act", make_act_node(tools, approval_reason))
    graph.add_node("reflect", make_reflect_node(backend, max_replans))
    graph.add_node("synthesize", make_synthesize_node(backend))
    graph.add_node("record", make_record_node(store, backend.name))
    graph.add_edge(START, "plan")
    return graph.compile(checkpointer=checkpointer, name="ECH0")
