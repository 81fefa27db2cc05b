"""The orchestrator: priorities, scheduling, caching, typed failures, batches and the shared queue table."""

from __future__ import annotations

import pytest

from knowledge.common.errors import Ech0Error
from labs.jobs import JobStore
from labs.orchestrator import Orchestrator
from labs.runner import LabRunner
from labs.store import ExperimentStore


@pytest.fixture
def runner(tmp_path):
    return LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'labs.db'}"))


def test_higher_priority_runs_first_then_submission_order(runner):
    orch = Orchestrator(runner, workers=1, start=False)
    low = orch.submit("chemistry", "rings", {"smiles": "c1ccccc1"}, priority=0)
    high = orch.submit("chemistry", "rings", {"smiles": "C1CCCCC1"}, priority=5)
    mid_a = orch.submit("chemistry", "rings", {"smiles": "c1ccncc1"}, priority=2)
    mid_b = orch.submit("chemistry", "rings", {"smiles": "C1CCNCC1"}, priority=2)
    with orch.start():
        orch.wait([low, high, mid_a, mid_b], timeout=30)
    started = sorted([low, high, mid_a, mid_b], key=lambda j: j.start_order)
    assert started == [high, mid_a, mid_b, low]
    assert all(j.status == "done" for j in started) and high.result.outputs["rings"] == 1


def test_scheduled_job_waits_for_its_time(runner):
    with Orchestrator(runner, workers=1) as orch:
        later = orch.submit("chemistry", "count_atoms", {"smiles": "CCO", "element": "C"}, delay=0.4, priority=9)
        now = orch.submit("chemistry", "count_atoms", {"smiles": "CCO", "element": "O"})
        orch.wait([later, now], timeout=30)
    assert later.started_at >= later.run_at and now.start_order < later.start_order
    assert (later.started_at - later.submitted_at).total_seconds() >= 0.39
    assert later.result.outputs == {"element": "C", "count": 2}


def test_a_repeat_returns_the_stored_result_and_says_so(runner):
    with Orchestrator(runner, workers=2) as orch:
        first = orch.submit("chemistry", "properties", {"smiles": "CCO"})
        orch.wait([first])
        again = orch.submit("chemistry", "properties", {"smiles": "CCO"})
        twins = [orch.submit("chemistry", "scaffold", {"smiles": "c1ccccc1CC1CC1"}) for _ in range(2)]
        orch.wait([again, *twins], timeout=30)
    assert first.result.cached is False and again.result.cached is True
    assert again.experiment_id == first.experiment_id and again.result.outputs == first.result.outputs
    # Two identical jobs at once compute once: the other waits for it (or finds it stored) and says it is cached.
    assert sorted(t.result.cached for t in twins) == [False, True]
    assert twins[0].experiment_id == twins[1].experiment_id


def test_failures_are_typed_and_never_raise(runner):
    with Orchestrator(runner, workers=2) as orch:
        bad = orch.submit("chemistry", "rings", {"smiles": "C1CC"})
        missing = orch.submit("toxicology", "clintox", {"smiles": "CCO"})  # no model registry in the context
        good = orch.submit("chemistry", "rings", {"smiles": "C1CC1"})
        orch.wait([bad, missing, good], timeout=30)
    assert bad.status == "failed" and bad.failure.kind == "lab_error" and "C1CC" in bad.failure.message
    assert missing.failure.kind == "invalid_experiment" and "no model registry" in missing.failure.message
    assert good.status == "done"
    with pytest.raises(Ech0Error, match="no operation 'fly'"):
        orch.submit("chemistry", "fly", {})
    with pytest.raises(Ech0Error, match="bad parameters for chemistry.rings"):
        Orchestrator(runner, start=False).submit("chemistry", "rings", {"smile": "C"})


def test_half_invalid_batch_returns_the_valid_half(runner):
    rows = [{"smiles": "CCO"}, {"smiles": "nope"}, {"smile": "C"}, {"smiles": "c1ccccc1"}]
    with Orchestrator(runner, workers=2) as orch:
        out = orch.run_batch("chemistry", "rings", rows)
    assert [r["row"] for r in out["results"]] == [0, 3] and out["n_errors"] == 2
    kinds = {e["row"]: e["failure"]["kind"] for e in out["errors"]}
    assert kinds == {1: "lab_error", 2: "invalid_experiment"}


def test_queue_table_is_shared_between_processes(runner):
    submitter = Orchestrator(runner, start=False)  # as `ech0 lab submit`: queued in the table only
    a = submitter.submit("chemistry", "rings", {"smiles": "C1CC1"}, priority=1)
    b = submitter.submit("chemistry", "rings", {"smiles": "C1CCC1"}, delay=3600)
    jobs = JobStore(runner.store.engine)
    assert jobs.counts()["queued"] == 2
    with Orchestrator(runner, workers=2) as drain:  # as `ech0 lab drain`
        taken = drain.load_queued()
        due = [j for j in taken if j.id == a.id]
        drain.wait(due, timeout=30)
    assert {j.id for j in taken} == {a.id, b.id}
    assert jobs.get(a.id)["status"] == "done" and jobs.get(a.id)["experiment_id"].startswith("exp-")
    assert jobs.get(b.id)["status"] == "queued"  # scheduled for later: left for a later drain
    assert not jobs.claim(a.id, a.submitted_at)  # a finished job cannot be claimed again
    assert jobs.counts() == {"queued": 1, "running": 0, "done": 1, "failed": 0, "cancelled": 0}


@pytest.mark.slow
def test_process_workers_compute_in_other_processes(runner):
    with Orchestrator(runner, workers=2, mode="process") as orch:
        jobs = [orch.submit("chemistry", "properties", {"smiles": s}) for s in ("CCO", "CCN", "nope")]
        orch.wait(jobs, timeout=600)  # a bound against a hang, not a speed check
    assert [j.status for j in jobs] == ["done", "done", "failed"] and jobs[2].failure.kind == "lab_error"
    assert runner.store.get(jobs[0].experiment_id) is not None
