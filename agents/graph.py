"""The ECH0 graph, wiring only: plan → act (one branch per step, in parallel) → reflect → synthesize → record.

reflect may send retryable failures back through act with a new plan, at most `max_replans` times. The graph is
built once with what cannot be serialised (tools, run store, checkpointer, backends, approval check) and the
defaults; each run may override the backend, `max_replans` and the approval policy through its context
(`graph.invoke(..., context=RunContext(...))`, or an assistant's configuration in LangGraph Studio). The nodes
emit progress events (plan, step, reflect, report) on LangGraph's custom stream (`stream_mode="custom"`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool
from langgraph.graph import START, StateGraph

from agents.backends import Backend
from agents.context import RunContext, RunSetup, no_approval_needed
from agents.nodes.act import make_act_node
from agents.nodes.plan import make_plan_node
from agents.nodes.record import make_record_node
from agents.nodes.reflect import make_reflect_node
from agents.nodes.synthesize import make_synthesize_node
from agents.state import ApprovalPolicy, ResearchInput, ResearchState
from agents.store import RunStore


def build_graph(
    backend: Backend,
    tools: dict[str, BaseTool],
    store: RunStore,
    checkpointer=None,
    approval_reason: Callable[[str, dict[str, Any]], str | None] = no_approval_needed,
    max_replans: int = 1,
    approval: ApprovalPolicy = "expensive",
    named_backends: Callable[[str], Backend] | None = None,
):
    """The compiled graph. `backend`, `max_replans` and `approval` are the defaults a run's context overrides;
    `named_backends(name)` gives the other backends a run may pick (None: only `backend`)."""
    setup = RunSetup(
        backend=backend,
        named_backends=named_backends,
        approval_reason=approval_reason,
        max_replans=max_replans,
        approval=approval,
    )
    graph = StateGraph(ResearchState, context_schema=RunContext, input_schema=ResearchInput)
    graph.add_node("plan", make_plan_node(setup))
    graph.add_node("act", make_act_node(tools, setup))
    graph.add_node("reflect", make_reflect_node(setup))
    graph.add_node("synthesize", make_synthesize_node(setup))
    graph.add_node("record", make_record_node(store, setup))
    graph.add_edge(START, "plan")
    return graph.compile(checkpointer=checkpointer, name="ECH0")
