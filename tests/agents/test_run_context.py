"""Per-run configuration through LangGraph's run context, and the progress events the nodes stream themselves.

Each test builds one compiled graph and runs it under different contexts: the context, not the build, decides.
"""

import pytest
from langchain_core.tools import StructuredTool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from pydantic import ValidationError

from agents.backends import RulesBackend
from agents.context import RunContext
from agents.graph import build_graph
from agents.plan_models import Plan, PlanStep
from agents.store import RunStore
from knowledge.common.errors import Ech0Error

SPLITTABLE = "What is known about insulin resistance; and about gut flora?"  # empty as a whole, found part by part


class _NoNames:
    def is_name(self, phrase):
        return False


def _search_tool(calls):
    def literature_search(query: str) -> dict:
        calls.append(query)
        passages = [] if ";" in query else [{"doc_key": f"doc:{query}", "title": query, "text": query,
                                               "score": 0.9, "evidence": []}]  # fmt: skip
        return {"ok": True, "data": {"query": query, "passages": passages, "threshold": 0.45}, "error": None}

    return StructuredTool.from_function(func=literature_search, description="search")


def _graph(tmp_path, calls, **options):
    tools = {"literature_search": _search_tool(calls)}
    return build_graph(RulesBackend(_NoNames()), tools, RunStore(f"sqlite:///{tmp_path}/r.db"), **options)


def test_max_replans_comes_from_the_run_context(tmp_path):
    calls = []
    graph = _graph(tmp_path, calls)  # built with the default max_replans=1
    once = graph.invoke({"run_id": "r1", "request": SPLITTABLE})
    assert once["attempt"] == 1 and len(calls) == 3  # the compound query, then each part
    assert once["options"] == {"backend": "rules", "max_replans": 1, "approval": "expensive"}
    calls.clear()
    never = graph.invoke({"run_id": "r2", "request": SPLITTABLE}, context=RunContext(max_replans=0))
    assert "attempt" not in never and len(calls) == 1
    assert any(i["kind"] == "empty" for i in never["issues"])
    calls.clear()
    graph.invoke({"run_id": "r3", "request": SPLITTABLE}, context={"max_replans": 0})  # Studio sends plain JSON
    assert len(calls) == 1


def test_a_context_out_of_bounds_is_refused(tmp_path):
    graph = _graph(tmp_path, [])
    with pytest.raises(ValidationError):
        graph.invoke({"run_id": "r1", "request": SPLITTABLE}, context={"max_replans": 99})
    with pytest.raises(ValidationError):
        graph.invoke({"run_id": "r1", "request": SPLITTABLE}, context={"approvals": "never"})  # a misspelt field


def _costly_search(tool, args):
    return "searching costs money here" if tool == "literature_search" else None


def test_approval_policy_never_runs_an_expensive_step_at_once(tmp_path):
    calls = []
    graph = _graph(tmp_path, calls, checkpointer=InMemorySaver(), approval_reason=_costly_search)
    request = "What is known about gut flora?"
    waiting = graph.invoke({"run_id": "a1", "request": request}, config={"configurable": {"thread_id": "a1"}})
    (pending,) = waiting["__interrupt__"]
    assert pending.value["reason"] == "searching costs money here" and calls == []
    config = {"configurable": {"thread_id": "a2"}}
    done = graph.invoke({"run_id": "a2", "request": request}, config=config, context=RunContext(approval="never"))
    assert "__interrupt__" not in done and calls == ["gut flora"]
    assert done["report"]["citations"] and not graph.get_state(config).next


def test_approval_policy_always_holds_every_step_and_a_resume_keeps_it(tmp_path):
    calls = []
    graph = _graph(tmp_path, calls, checkpointer=InMemorySaver())  # nothing is expensive in this graph
    config = {"configurable": {"thread_id": "b1"}}
    request = "What is known about gut flora?"
    waiting = graph.invoke({"run_id": "b1", "request": request}, config=config, context={"approval": "always"})
    (pending,) = waiting["__interrupt__"]
    assert "'always'" in pending.value["reason"] and calls == []
    # resumed without a context (as `ech0 runs reject` does): the run keeps the options it started with
    decision = {"approved": False, "comment": "not this one"}
    final = graph.invoke(Command(resume={pending.id: decision}), config=config)
    assert calls == [] and final["results"][0]["rejected"] is True
    assert any("approval was refused (not this one)" in n for n in final["report"]["notes"])


class _OneSearchBackend(RulesBackend):
    """A second backend a run can pick by name: it always plans one fixed search."""

    name = "openai"

    def plan(self, request):
        step = PlanStep(id="s1", tool="literature_search", args={"query": "fixed query"}, purpose="test backend")
        return Plan(steps=[step])


def test_backend_is_picked_by_name_per_run(tmp_path):
    calls, built = [], []

    def named(name):
        if name != "openai":
            raise Ech0Error(f"backend {name!r} is not available here")
        built.append(name)
        return _OneSearchBackend(_NoNames())

    store = RunStore(f"sqlite:///{tmp_path}/r.db")
    tools = {"literature_search": _search_tool(calls)}
    graph = build_graph(RulesBackend(_NoNames()), tools, store, named_backends=named)
    graph.invoke({"run_id": "d1", "request": "What is known about gut flora?"})
    assert calls == ["gut flora"] and built == []  # the default backend, the other one never built
    state = graph.invoke({"run_id": "d2", "request": "What is known about gut flora?"}, context={"backend": "openai"})
    assert calls[-1] == "fixed query" and state["options"]["backend"] == "openai"
    assert store.get_run("d2")["backend"] == "openai" and store.get_run("d1")["backend"] == "rules"
    with pytest.raises(Ech0Error, match="'local' is not available"):
        graph.invoke({"run_id": "d3", "request": "What is known about gut flora?"}, context={"backend": "local"})


def test_a_graph_without_named_backends_says_which_it_has(tmp_path):
    graph = _graph(tmp_path, [])
    with pytest.raises(Ech0Error, match="backend 'local' is not available to this graph: it runs with 'rules'"):
        graph.invoke({"run_id": "e1", "request": "What is known about gut flora?"}, context={"backend": "local"})


def _events_from_updates(run_id, update):
    """How progress events were read off node updates before the nodes emitted them: the reference."""
    for node, change in update.items():
        if node == "plan" and change:
            yield {"event": "plan", "run_id": run_id, "steps": change.get("plan", [])}
        elif node == "act" and change:
            for r in change.get("results", []):
                yield {"event": "step", "run_id": run_id, "step_id": r["step_id"], "tool": r["tool"],
                       "ok": r["ok"], "error": r["error"], "seconds": r["seconds"]}  # fmt: skip
        elif node == "reflect" and change and change.get("issues"):
            yield {"event": "reflect", "run_id": run_id, "issues": change["issues"]}
        elif node == "synthesize" and change:
            yield {"event": "report", "run_id": run_id}


def test_nodes_stream_the_progress_events_the_updates_imply(tmp_path):
    graph = _graph(tmp_path, [])
    custom, derived = [], []
    for mode, chunk in graph.stream({"run_id": "s1", "request": SPLITTABLE}, stream_mode=["custom", "updates"]):
        if mode == "custom":
            custom.append(chunk)
        else:
            derived.extend(_events_from_updates("s1", chunk))
    assert [e["event"] for e in custom] == ["plan", "step", "reflect", "step", "step", "reflect", "report"]

    def order(e):
        return (e["event"], e.get("step_id", ""))

    # within a superstep, parallel branches report in completion order: compare the events, not their interleaving
    assert sorted(custom, key=order) == sorted(derived, key=order)
