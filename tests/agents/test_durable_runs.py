"""Durable runs: a crashed run resumes from its last completed step; expensive steps wait for approval."""

import sqlite3

import pytest
from langchain_core.tools import StructuredTool
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.graph import build_graph
from agents.research import RunNotFoundError


def _counting(tool, calls, crash_first=False):
    def run(**kwargs):
        calls.append(tool.name)
        if crash_first and calls.count(tool.name) == 1:
            raise RuntimeError("worker killed")  # what a crash looks like to the graph: the step never finished
        return tool.invoke(kwargs)

    return StructuredTool.from_function(func=run, name=tool.name, description=tool.description,
                                        args_schema=tool.args_schema)  # fmt: skip


def test_crashed_run_resumes_from_its_last_completed_step(runtime):
    calls = []
    tools = dict(runtime.tools)
    tools["structure_question"] = _counting(tools["structure_question"], calls)
    tools["literature_search"] = _counting(tools["literature_search"], calls, crash_first=True)
    conn = sqlite3.connect(runtime.settings.data_dir / "crash-checkpoints.db", check_same_thread=False)
    runtime.__dict__["graph"] = build_graph(runtime.backend, tools, runtime.runs, checkpointer=SqliteSaver(conn))
    request = "How many rings are in c1ccc2ccccc2c1? Also, what is known about metformin and cancer?"
    with pytest.raises(RuntimeError):
        runtime.research.ask(request, run_id="crash-1")
    assert runtime.runs.status("crash-1")["status"] == "running"  # it never finished
    result = runtime.research.resume("crash-1")
    assert result["status"] == "done" and result["answer"] == 2
    assert calls.count("structure_question") == 1  # the finished step was not run again
    assert calls.count("literature_search") == 2
    assert any(c["kind"] == "document" for c in result["citations"])
    assert runtime.runs.get_run("crash-1")["report"]["answer"] == 2
    conn.close()


def test_unknown_run_is_a_clear_error(runtime):
    with pytest.raises(RunNotFoundError, match="no run 'nope'"):
        runtime.research.resume("nope")


def test_training_waits_for_approval_and_a_rejection_is_reported(runtime):
    result = runtime.research.ask("Train a clintox model")
    assert result["status"] == "awaiting_approval"
    (pending,) = result["pending"]
    assert pending["step"]["tool"] == "train_admet_model" and "CPU" in pending["reason"]
    assert runtime.runs.status(result["run_id"])["status"] == "awaiting_approval"
    assert any(r["run_id"] == result["run_id"] for r in runtime.runs.list_runs())
    assert runtime.research.resume(result["run_id"])["status"] == "awaiting_approval"  # resuming does not skip approval
    final = runtime.research.decide(result["run_id"], approved=False, comment="not now")
    assert final["status"] == "done"
    assert any("approval was refused (not now)" in n for n in final["notes"])
    assert not (runtime.settings.data_dir / "models" / "admet-clintox").exists()


@pytest.mark.slow
def test_approved_training_runs_and_predictions_cite_the_model(runtime, tmp_path):
    runtime.tool_context.models_dir = tmp_path / "models"
    result = runtime.research.ask("Predict the aqueous solubility of CC(=O)Nc1ccc(O)cc1")
    assert result["status"] == "awaiting_approval"
    final = runtime.research.decide(result["run_id"], approved=True)
    assert final["status"] == "done"
    models = [c for c in final["citations"] if c["kind"] == "model"]
    assert [m["id"] for m in models] == ["admet-solubility@1"]
    claim = next(c for c in final["claims"] if c["citations"] == ["admet-solubility@1"])
    assert claim["text"].startswith("Predicted aqueous solubility (log S) of CC(=O)Nc1ccc(O)cc1:")
    # paracetamol is in the shipped ESOL set: its measured value is set against the prediction, either way
    measured = next(c for c in final["claims"] if c["text"].startswith("The measured aqueous solubility"))
    assert measured["citations"] == ["esol.csv (shipped measured set)", "admet-solubility@1"]
    assert ("contradicts" in measured["text"]) == ("## Contradictions" in final["report_markdown"])
    again = runtime.research.ask("Predict the aqueous solubility of CCO")  # the model exists now: no approval needed
    assert again["status"] == "done" and "admet-solubility@1" in again["report_markdown"]
