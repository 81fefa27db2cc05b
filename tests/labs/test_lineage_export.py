"""Lineage in the results store, reproducibility bundles, and the `ech0 lab` orchestrator commands."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from knowledge.common.errors import Ech0Error
from labs.base import LabContext
from labs.export import export_bundle
from labs.orchestrator import Orchestrator
from labs.runner import LabRunner
from labs.store import ExperimentStore
from labs.workflow import load_workflow
from labs.workflow_run import run_workflow
from tests.labs.test_pharmacology_lab import ensure_models

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    """One profile_compound run over trained models, and the orchestrator that ran it."""
    tmp = tmp_path_factory.mktemp("lineage")
    runner = LabRunner(
        ExperimentStore(f"sqlite:///{tmp / 'labs.db'}"), LabContext(models_dir=ensure_models(tmp_path_factory))
    )
    with Orchestrator(runner, workers=2) as orch:
        run = run_workflow(orch, load_workflow("profile_compound"), {"smiles": ASPIRIN})
    assert run.status == "succeeded"
    return orch, run


def test_lineage_links_inputs_experiments_and_outputs(profiled):
    orch, run = profiled
    ids = {name: node.experiment_id for name, node in run.nodes.items()}
    ancestors, descendants, edges = orch.lineage.closure(ids["score"])
    assert ancestors == {ids["properties"], ids["alerts"], ids["admet"], ids["np"]} and descendants == set()
    into_alerts = [e for e in edges if e["experiment_id"] == ids["alerts"]]
    assert into_alerts == [
        {
            "run_id": run.run_id,
            "experiment_id": ids["alerts"],
            "param": "smiles",
            "source_kind": "experiment",
            "source": ids["properties"],
            "source_node": "properties",
            "source_path": "canonical_smiles",
        }
    ]
    from_input = [e for e in edges if e["source_kind"] == "input"]
    assert from_input and from_input[0]["experiment_id"] == ids["properties"] and from_input[0]["source"] == "smiles"
    _, below, _ = orch.lineage.closure(ids["properties"])
    assert below == {ids["alerts"], ids["admet"], ids["np"], ids["score"]}
    stored = orch.lineage.run(run.run_id)
    assert stored["status"] == "succeeded" and stored["outputs"]["score"] == run.outputs["score"]
    assert stored["nodes"]["admet"]["experiment_id"] == ids["admet"]
    assert orch.lineage.appearances(ids["admet"]) == [{"run_id": run.run_id, "node": "admet", "cached": False}]


def test_export_bundle_has_everything_to_reproduce(profiled, tmp_path):
    orch, run = profiled
    summary = export_bundle(orch.runner, orch.lineage, run.run_id, tmp_path / "bundle")
    out = tmp_path / "bundle"
    assert set(summary["files"]) == {
        "README.md",
        "run.json",
        "workflow.yaml",
        "inputs.json",
        "experiments.json",
        "provenance.json",
        "environment.json",
        "lineage.json",
        "manifest.json",
    }
    assert summary["models"] == ["admet-solubility@1", "admet-clintox@1"] and summary["n_experiments"] == 5
    prov = json.loads((out / "provenance.json").read_text())
    solubility = next(m for m in prov["models"] if m["ref"] == "admet-solubility@1")
    artifact = orch.runner.context.models_dir / "admet-solubility" / "v1" / "model.joblib"
    assert solubility["artifact_sha256"] == hashlib.sha256(artifact.read_bytes()).hexdigest()
    assert len(solubility["data_hash"]) == 64 and solubility["seeds"] == [0] and "rdkit" in solubility["libraries"]
    shipped = {d["file"]: d for d in prov["data"]}
    assert set(shipped) == {"esol.csv", "clintox.csv"} and len(shipped["esol.csv"]["sha256"]) == 64
    assert shipped["esol.csv"]["model_trained_on_this_file"] is False  # the test model saw a 150-row slice
    assert prov["seeds"]["model:admet-clintox@1.seeds"] == [0]
    env = json.loads((out / "environment.json").read_text())
    assert env["python"] and all(env["libraries"][k] for k in ("rdkit", "scikit-learn", "numpy"))
    experiments = json.loads((out / "experiments.json").read_text())
    admet = next(e for e in experiments if e["operation"] == "predict")
    assert admet["params"]["models"]["clintox"] == "admet-clintox@1" and admet["version"] == "1"
    graph = json.loads((out / "lineage.json").read_text())
    assert {
        "from": "input:smiles",
        "to": run.nodes["properties"].experiment_id,
        "output": "smiles",
        "param": "smiles",
        "run_id": run.run_id,
    } in graph["edges"]
    assert len([n for n in graph["nodes"] if n["kind"] == "experiment"]) == 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run.json"] == hashlib.sha256((out / "run.json").read_bytes()).hexdigest()
    assert load_workflow(out / "workflow.yaml").hash == load_workflow("profile_compound").hash
    assert json.loads((out / "inputs.json").read_text()) == {"smiles": ASPIRIN}
    readme = (out / "README.md").read_text()
    assert "admet-solubility@1" in readme and "ech0 lab workflow run workflow.yaml" in readme


def test_export_of_one_experiment_takes_its_ancestors(profiled, tmp_path):
    orch, run = profiled
    score = run.nodes["score"].experiment_id
    summary = export_bundle(orch.runner, orch.lineage, score, tmp_path / "one")
    assert summary["n_experiments"] == 5 and "workflow.yaml" not in summary["files"]
    with pytest.raises(Ech0Error, match="no workflow run 'run-nope'"):
        export_bundle(orch.runner, orch.lineage, "run-nope", tmp_path / "x")
    with pytest.raises(Ech0Error, match="neither a workflow run id"):
        export_bundle(orch.runner, orch.lineage, "something", tmp_path / "x")


@pytest.fixture
def cli_env(tmp_path, tmp_path_factory, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(ensure_models(tmp_path_factory), data_dir / "models")
    monkeypatch.setenv("ECH0_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ECH0_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_cli_workflow_lineage_export_and_queue(cli_env, capsys):
    from server.cli import main

    assert main(["lab", "workflow", "run", "profile_compound", "--input", f"smiles={ASPIRIN}", "--json"]) == 0
    run = _json(capsys)
    assert run["status"] == "succeeded" and 0 <= run["outputs"]["score"] <= 1
    score = run["nodes"]["score"]["experiment_id"]
    assert main(["lab", "lineage", score, "--json"]) == 0
    lineage = _json(capsys)
    assert {e["param"] for e in lineage["inputs"]} >= {"qed", "n_alerts", "solubility", "np_likeness"}
    assert len(lineage["ancestors"]) == 4 and lineage["runs"][0]["run_id"] == run["run_id"]
    assert main(["lab", "export", run["run_id"], "--out", str(cli_env / "b"), "--json"]) == 0
    assert _json(capsys)["models"] == ["admet-solubility@1", "admet-clintox@1"]
    assert (cli_env / "b" / "README.md").is_file()
    assert main(["lab", "runs", "--json"]) == 0 and _json(capsys)[0]["id"] == run["run_id"]
    assert main(["lab", "submit", "chemistry.rings", "--params", '{"smiles": "C1CC1"}', "--json"]) == 0
    job = _json(capsys)
    assert main(["lab", "queue", "--json"]) == 0
    assert _json(capsys)["counts"]["queued"] == 1
    assert main(["lab", "drain", "--json"]) == 0
    assert _json(capsys)[0]["id"] == job["id"]
    assert main(["lab", "queue", "--json"]) == 0
    queue = _json(capsys)
    assert queue["counts"]["queued"] == 0 and any(j["id"] == job["id"] and j["status"] == "done" for j in queue["jobs"])
    params = json.dumps({"smiles": ASPIRIN, "endpoints": ["solubility"]})
    assert main(["lab", "run", "pharmacology.predict", "--params", params, "--json"]) == 0
    assert _json(capsys)["params"]["models"] == {"solubility": "admet-solubility@1"}
    assert main(["lab", "run", "pharmacology.predict", "--params", json.dumps({"smiles": ASPIRIN})]) == 1
    assert "no trained model 'admet-lipophilicity'" in capsys.readouterr().err


def test_cli_errors_are_one_line(cli_env, capsys, tmp_path):
    from server.cli import main

    bad = tmp_path / "cycle.yaml"
    bad.write_text(
        "name: c\nnodes:\n  a: {run: chemistry.rings, params: {smiles: '${b.x}'}}\n"
        "  b: {run: chemistry.rings, params: {smiles: '${a.x}'}}\n"
    )
    assert main(["lab", "workflow", "validate", str(bad)]) == 1
    assert "dependency cycle: a → b → a" in capsys.readouterr().err
    assert main(["lab", "workflow", "validate", "profile_compound"]) == 0
    assert "valid; order properties" in capsys.readouterr().out
    assert main(["lab", "lineage", "exp-0000"]) == 1
    assert "no experiment 'exp-0000'" in capsys.readouterr().err
    assert main(["lab", "workflow", "run", "profile_compound", "--inputs", "[1"]) == 1
    assert "--inputs is not valid JSON" in capsys.readouterr().err
