"""Workflows: specs as data, validation, parallel branches, failures and skips, batches, the shipped example."""

from __future__ import annotations

import contextlib
import json
import threading

import pytest

from knowledge.common.errors import Ech0Error
from labs.base import LabContext, register_lab
from labs.orchestrator import Orchestrator
from labs.runner import LabRunner
from labs.store import ExperimentStore
from labs.workflow import WorkflowError, load_workflow, validate_workflow
from labs.workflow_run import batch_incomplete, run_batch, run_workflow
from tests.labs.test_pharmacology_lab import ensure_models

# Two `meet` calls get through only together: branches that both finish ran at the same time, however busy the
# machine (no sleep, no clock). The timeout only bounds a failing run.
MEETING = threading.Barrier(2, timeout=120)


class ClockLab:
    """A non-chemistry lab whose `meet` waits for a second caller, to show that branches overlap."""

    name = "test_clock"
    version = "1"

    def operations(self):
        return {"mark": self.mark, "meet": self.meet, "fail": self.fail}

    @staticmethod
    def mark(tag: str, after: list | None = None) -> dict:
        return {"tag": tag, "thread": threading.current_thread().name, "seen": after or []}

    @staticmethod
    def meet(tag: str, after: list | None = None) -> dict:
        MEETING.wait()
        return ClockLab.mark(tag, after)

    @staticmethod
    def fail(reason: str) -> dict:
        raise Ech0Error(f"asked to fail: {reason}")


with contextlib.suppress(ValueError):  # the module was imported twice
    register_lab("test_clock")(ClockLab)


@pytest.fixture
def runner(tmp_path):
    return LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'labs.db'}"))


def _spec(nodes: dict, **extra) -> dict:
    return {"name": "t", "inputs": {"x": {"description": "a tag"}}, "nodes": nodes, **extra}


def test_independent_branches_run_in_parallel(runner):
    spec = load_workflow(
        _spec(
            {
                "start": {"run": "test_clock.mark", "params": {"tag": "${inputs.x}"}},
                "left": {"run": "test_clock.meet", "params": {"tag": "L", "after": ["${start.tag}"]}},
                "right": {"run": "test_clock.meet", "params": {"tag": "R", "after": ["${start.tag}"]}},
                "join": {"run": "test_clock.mark", "params": {"tag": "J", "after": ["${left.tag}", "${right.tag}"]}},
            },
            outputs={"seen": "${join.seen}"},
        )
    )
    with Orchestrator(runner, workers=2) as orch:
        run = run_workflow(orch, spec, {"x": "go"})
    assert run.status == "succeeded" and run.outputs == {"seen": ["L", "R"]}  # the join ran on both results
    left, right = (run.nodes[n].outputs for n in ("left", "right"))
    assert left["thread"] != right["thread"]  # and the two branches met: they ran at the same time
    assert run.nodes["left"].params["after"] == ["go"]


def test_validation_lists_every_problem(runner):
    spec = load_workflow(
        _spec(
            {
                "a": {"run": "chemistry.rings", "params": {"smiles": "${b.smiles}"}},
                "b": {"run": "chemistry.properties", "params": {"smiles": "${a.canonical_smiles}"}},
                "c": {"run": "chemistry.fly", "params": {}},
                "d": {"run": "chemistry.rings", "params": {"smile": "${ghost.x}"}},
                "e": {"run": "nolab.op", "params": {"smiles": "${inputs.y}"}},
                "f": {"run": "rings", "params": {}},
            },
            outputs={"score": "${d.rings}"},
            rank={"by": "nothing"},
        )
    )
    with pytest.raises(WorkflowError) as info:
        validate_workflow(spec, runner.operation)
    text = str(info.value)
    for needle in (
        "dependency cycle: a → b → a",
        "node 'c': lab 'chemistry' has no operation 'fly'",
        "node 'd': bad parameters for chemistry.rings",
        "references unknown node 'ghost'",
        "unknown lab 'nolab'",
        "references unknown input 'y'",
        "run must be LAB.OPERATION",
        "rank.by 'nothing' is not one of the outputs",
    ):
        assert needle in text, needle
    with pytest.raises(WorkflowError, match="references its own outputs"):
        validate_workflow(
            load_workflow(_spec({"a": {"run": "chemistry.rings", "params": {"smiles": "${a.x}"}}})), runner.operation
        )
    with pytest.raises(WorkflowError, match="nodes: Field required"):
        load_workflow({"name": "empty"})


def test_failing_node_skips_downstream_and_keeps_independent_branches(runner):
    spec = load_workflow(
        _spec(
            {
                "props": {"run": "chemistry.properties", "params": {"smiles": "${inputs.x}"}},
                "alerts": {"run": "toxicology.alerts", "params": {"smiles": "${props.canonical_smiles}"}},
                "score": {"run": "pharmacology.developability", "params": {"n_alerts": "${alerts.n_alerts}"}},
                "np": {"run": "natural_products.np_likeness", "params": {"smiles": "CCO"}},
                "path": {"run": "chemistry.rings", "params": {"smiles": "${props.no.such.path}"}},
            },
            outputs={"score": "${score.score}", "np": "${np.np_likeness}"},
        )
    )
    with Orchestrator(runner, workers=2) as orch:
        bad = run_workflow(orch, spec, {"x": "C1CC"})
        missing = run_workflow(orch, spec, {"x": "CCO"})
    assert bad.status == "partial" and bad.nodes["props"].failure.kind == "lab_error"
    for node in ("alerts", "score", "path"):
        assert bad.nodes[node].status == "skipped" and "upstream node 'props' failed" in bad.nodes[node].reason
    assert bad.nodes["np"].status == "succeeded" and bad.outputs["np"] is not None and bad.outputs["score"] is None
    assert "invalid SMILES 'C1CC'" in bad.output_errors["score"]
    assert (
        missing.nodes["path"].failure.kind == "missing_reference" and "no 'no'" in missing.nodes["path"].failure.message
    )
    assert missing.nodes["score"].status == "succeeded" and missing.status == "partial"
    with pytest.raises(Ech0Error, match="missing inputs \\['x'\\]"):
        run_workflow(Orchestrator(runner, start=False), spec, {})
    line = bad.incomplete()
    assert line.startswith(f"workflow t ({bad.run_id}) ended partial: props failed: invalid SMILES 'C1CC'")
    assert line.endswith("; skipped because of it: alerts, path, score") and "\n" not in line
    assert "path failed: ${props.no.such.path}: no 'no' there" in missing.incomplete()


def test_file_formats_and_string_interpolation(runner, tmp_path):
    spec = {
        "name": "fmt",
        "inputs": {"s": {}},
        "nodes": {
            "p": {"run": "chemistry.properties", "params": {"smiles": "${inputs.s}"}},
            "q": {"run": "chemistry.count_atoms", "params": {"smiles": "${p.canonical_smiles}.O", "element": "O"}},
        },
        "outputs": {"o": "${q.count}"},
    }
    (tmp_path / "w.json").write_text(json.dumps(spec))
    with Orchestrator(runner, workers=1) as orch:
        run = run_workflow(orch, load_workflow(tmp_path / "w.json"), {"s": "OCC"})
    assert run.outputs == {"o": 2} and run.nodes["q"].params["smiles"] == "CCO.O"
    (tmp_path / "bad.yaml").write_text("nodes: [unclosed")
    with pytest.raises(Ech0Error, match="does not parse"):
        load_workflow(tmp_path / "bad.yaml")
    with pytest.raises(Ech0Error, match="no workflow file 'nope'.*profile_compound"):
        load_workflow("nope")


@pytest.fixture
def model_runner(tmp_path, tmp_path_factory):
    context = LabContext(models_dir=ensure_models(tmp_path_factory))
    return LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'labs.db'}"), context)


def test_profile_compound_example_runs_and_repeats_from_cache(model_runner):
    spec = load_workflow("profile_compound")
    assert validate_workflow(spec, model_runner.operation)[0] == "properties"
    with Orchestrator(model_runner, workers=2) as orch:
        run = run_workflow(orch, spec, {"smiles": "OC(=O)c1ccccc1OC(C)=O"})
        again = run_workflow(orch, spec, {"smiles": "OC(=O)c1ccccc1OC(C)=O"})
    assert run.status == "succeeded" and 0 <= run.outputs["score"] <= 1
    assert run.outputs["canonical_smiles"] == "CC(=O)Oc1ccccc1C(=O)O" and run.outputs["n_alerts"] >= 0
    assert run.nodes["admet"].params["models"] == {"solubility": "admet-solubility@1", "clintox": "admet-clintox@1"}
    assert all(n.cached for n in again.nodes.values()) and again.outputs == run.outputs
    assert {n.experiment_id for n in again.nodes.values()} == {n.experiment_id for n in run.nodes.values()}


def test_batch_ranks_valid_rows_and_reports_bad_ones(model_runner):
    spec = load_workflow("profile_compound")
    sets = [{"smiles": "CCO"}, {"smiles": "xyz"}, {"smile": "C"}, {"smiles": "O=C1C=CC(=O)C=C1"}]
    with Orchestrator(model_runner, workers=2) as orch:
        out = run_batch(orch, spec, sets)
    assert out["n"] == 4 and out["errors"][0]["row"] == 2 and "unknown inputs ['smile']" in out["errors"][0]["error"]
    ranked = [r for r in out["ranking"] if r["rank"]]
    assert {r["row"] for r in ranked} == {0, 3} and ranked[0]["score"] >= ranked[1]["score"]
    unranked = [r for r in out["ranking"] if r["rank"] is None]
    assert unranked[0]["row"] == 1 and "invalid SMILES 'xyz'" in unranked[0]["reason"]


def test_a_succeeded_run_and_a_clean_batch_have_nothing_incomplete(runner):
    spec = load_workflow(_spec({"r": {"run": "chemistry.rings", "params": {"smiles": "${inputs.x}"}}}))
    with Orchestrator(runner, workers=1) as orch:
        assert run_workflow(orch, spec, {"x": "C1CC1"}).incomplete() is None
        clean = run_batch(orch, spec, [{"x": "C1CC1"}, {"x": "c1ccccc1"}])
        mixed = run_batch(orch, spec, [{"x": "C1CC1"}, {"x": "C1CC"}, {"y": "C"}])
    assert batch_incomplete(clean) is None
    assert batch_incomplete(mixed) == (
        "workflow t: 2 of 3 input sets did not complete (invalid rows 2; rows 1 failed): "
        "see each row's status and errors"
    )


@pytest.fixture
def cli(tmp_path, monkeypatch):
    from server.cli import main

    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "data"))
    return main


def test_cli_exits_1_with_one_line_when_steps_did_not_complete(cli, capsys):
    assert cli(["lab", "workflow", "run", "profile_compound", "--input", "smiles=CCO", "--json"]) == 1
    captured = capsys.readouterr()
    run = json.loads(captured.out)  # the results are printed all the same
    assert run["status"] == "partial" and run["nodes"]["alerts"]["status"] == "succeeded"
    assert captured.err.startswith(f"error: workflow profile_compound ({run['run_id']})")
    assert captured.err.count("\n") == 1
    assert "ended partial: admet failed: no trained model 'admet-solubility'" in captured.err
    assert "--name admet-solubility" in captured.err and captured.err.rstrip().endswith("skipped because of it: score")
    assert cli(["lab", "workflow", "run", "profile_compound", "--inputs", '[{"smiles": "CCO"}, {"smile": "C"}]']) == 1
    err = capsys.readouterr().err
    assert "2 of 2 input sets did not complete (invalid rows 1; rows 0 partial)" in err and err.count("\n") == 1


def test_cli_names_the_missing_inputs_and_how_to_give_them(cli, capsys):
    assert cli(["lab", "workflow", "run", "labs/workflows/profile_compound.yaml", "--json"]) == 1
    err = capsys.readouterr().err
    assert "missing inputs ['smiles']; it takes: smiles (the compound as a SMILES string)" in err
    assert err.rstrip().endswith("give each as --input NAME=VALUE (or --inputs JSON)") and err.count("\n") == 1
