"""Discovery loops offline: two iterations over a literature file, the second reporting only what is new."""

import json
import shutil

import numpy as np
import pytest

from agents.loops.iteration import LoopServices, parse_interval, run_iteration
from agents.loops.store import LoopStore
from knowledge.common.errors import Ech0Error
from knowledge.compound_models import CompoundRecord
from knowledge.corpus import Document
from labs.base import ExperimentResult
from server.scheduler import loop_services
from server.wiring import build_runtime
from tests.conftest import mini_settings

DOCS = [
    {"doc_id": 990001, "title": "Temozolomide resistance in glioblastoma is driven by MGMT expression",
     "abstract": ["Glioblastoma cells that express MGMT repair temozolomide-induced DNA damage.",
                  "MGMT promoter methylation predicts temozolomide response in glioblastoma patients."]},
    {"doc_id": 990002, "title": "Metformin sensitizes glioblastoma stem cells to temozolomide",
     "abstract": ["Metformin reduced glioblastoma stem cell viability and restored temozolomide sensitivity.",
                  "AMPK activation by metformin was required for the sensitization of glioblastoma cells."]},
]  # fmt: skip
LATER = {
    "doc_id": 990003,
    "title": "Lomustine after temozolomide failure in recurrent glioblastoma",
    "abstract": [
        "Recurrent glioblastoma resistant to temozolomide responded to lomustine in a phase 2 trial.",
        "Temozolomide resistance in recurrent glioblastoma did not preclude lomustine benefit.",
    ],
}
QUESTION = "What is known about temozolomide resistance in glioblastoma, and about metformin?"


@pytest.fixture
def loop_runtime(built_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)  # the loop ingests: keep the shared index untouched
    settings = mini_settings(data_dir).model_copy(update={"database_url": f"sqlite:///{tmp_path / 'loops.db'}"})
    rt = build_runtime(settings)
    yield rt
    rt.close()


def _write(path, docs):
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))


def test_second_iteration_reports_only_what_is_new(loop_runtime, tmp_path):
    corpus = tmp_path / "new_literature.jsonl"
    _write(corpus, DOCS)
    store = LoopStore(loop_runtime.settings.db_url)
    literature = {"source": "file", "path": str(corpus), "name": "loopfile"}
    budget = {"tool_calls": 40, "wall_s": 600}
    store.add("gbm", "Temozolomide resistance in glioblastoma", parse_interval("6h"), [QUESTION], literature, budget)
    out = tmp_path / "digests"

    first = run_iteration(loop_services(loop_runtime), store, "gbm", out)
    assert first["iteration"] == 1 and first["new_documents"] == 2
    cited = {c for f in first["new_findings"] for c in f["citations"]}
    assert {"loopfile:990001", "loopfile:990002"} <= cited  # the ingested documents answer the question
    assert "metformin" in first["new_compounds"] and first["labs"][0]["experiment_id"].startswith("exp-")
    assert (out / "gbm" / "iteration-0001.md").read_text().startswith("# Discovery loop `gbm` — iteration 1")

    second = run_iteration(loop_services(loop_runtime), store, "gbm", out)
    assert second["iteration"] == 2 and second["new_documents"] == 0
    assert second["new_findings"] == [] and second["new_compounds"] == [] and second["labs"] == []
    assert "Nothing new since the last iteration." in (out / "gbm" / "iteration-0002.md").read_text()

    _write(corpus, [*DOCS, LATER])
    third = run_iteration(loop_services(loop_runtime), store, "gbm", out)
    assert third["new_documents"] == 1
    assert {c for f in third["new_findings"] for c in f["citations"]} == {"loopfile:990003"}
    assert store.get("gbm")["iterations"] == 3


def test_overlapping_trigger_does_not_run_twice_and_budget_stops_early(loop_runtime, tmp_path):
    store = LoopStore(loop_runtime.settings.db_url)
    questions = ["What is known about metformin?", "What is known about metformin and cancer?"]
    store.add("busy", "metformin", 3600, questions, {}, {"tool_calls": 1, "wall_s": 600})
    number = store.begin_iteration("busy", stale_after_s=600)
    assert store.begin_iteration("busy", stale_after_s=600) is None  # the first is still running
    assert run_iteration(loop_services(loop_runtime), store, "busy", tmp_path) is None
    store.finish_iteration("busy", number, "done", {})
    digest = run_iteration(loop_services(loop_runtime), store, "busy", tmp_path)
    assert digest["iteration"] == 2 and "tool-call budget of 1 reached" in digest["stopped_early"]


def test_bad_loop_input_is_a_clear_error(loop_runtime):
    with pytest.raises(Ech0Error, match="not a duration"):
        parse_interval("every tuesday")
    store = LoopStore(loop_runtime.settings.db_url)
    with pytest.raises(Ech0Error, match="no loop named 'nope'"):
        store.get("nope")


def _fake_services(calls: dict, docs: list) -> LoopServices:
    """Services that record what the iteration asked of them: no index, model or runtime."""
    aspirin = CompoundRecord(source="drugcentral", source_id="74", name="aspirin", smiles="CC(=O)Oc1ccccc1C(=O)O")

    def ask(question):
        calls.setdefault("asked", []).append(question)
        claim = {"text": "Aspirin inhibits COX-1.", "citations": [aspirin.key], "section": "Findings"}
        citations = [{"id": aspirin.key, "kind": "compound"}]
        return {"run_id": "run-1", "status": "done", "claims": [claim], "citations": citations}

    def run_lab(lab, operation, params):
        calls.setdefault("labs", []).append((lab, operation, params["smiles"]))
        outputs = {"properties": {"molecular_weight": 180.16, "logp": 1.31, "qed": 0.55}, "n_alerts": 1}
        return ExperimentResult(experiment_id=f"exp-{lab}", lab=lab, operation=operation, version="1",
                                params=params, outputs=outputs)  # fmt: skip

    return LoopServices(
        fetch_documents=lambda source, query, n: calls.setdefault("fetched", []).append((source, query, n)) or docs,
        add_documents=lambda new: calls.setdefault("added", []).append([d.key for d in new]),
        ask=ask,
        embed=lambda texts: np.eye(len(texts), 4, dtype=np.float32),
        compound=lambda key: aspirin if key == aspirin.key else None,
        run_lab=run_lab,
        count_steps=lambda run_id: 3,
    )


def test_an_iteration_uses_only_the_services_it_is_given(tmp_path):
    store = LoopStore(f"sqlite:///{tmp_path / 'loops.db'}")
    literature = {"source": "pubmed", "query": "aspirin", "max": 7}
    store.add("nsaid", "NSAIDs", 3600, ["What does aspirin inhibit?"], literature, {"tool_calls": 50, "wall_s": 600})
    docs = [Document(source="pubmed", doc_id="1", title="Aspirin", text="Aspirin inhibits COX-1.")]
    calls: dict = {}
    digest = run_iteration(_fake_services(calls, docs), store, "nsaid", tmp_path)
    assert calls["fetched"] == [("pubmed", "aspirin", 7)] and calls["added"] == [["pubmed:1"]]
    assert calls["asked"] == ["What does aspirin inhibit?"]
    assert [lab for lab, _, _ in calls["labs"]] == ["chemistry", "toxicology"]
    assert digest["tool_calls"] == 1 + 3 + 2  # the fetch, the run's steps, the two labs
    assert digest["new_compounds"] == ["aspirin"] and digest["labs"][0]["experiment_id"] == "exp-chemistry"
    assert digest["webhook"] is None and len(digest["new_findings"]) == 1

    calls.clear()
    again = run_iteration(_fake_services(calls, docs), store, "nsaid", tmp_path)
    assert "added" not in calls  # the document was seen: nothing to ingest
    assert again["new_findings"] == [] and again["labs"] == [] and again["new_documents"] == 0
