"""The pharmacology lab (ADMET models through the runner's context), the ClinTox op and NP classification."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from knowledge.common.errors import Ech0Error
from labs.base import LabContext
from labs.models.registry import ModelRegistry
from labs.pharmacology.endpoints import endpoint
from labs.runner import LabRunner
from labs.store import ExperimentStore

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


def ensure_models(tmp_path_factory) -> Path:
    """admet-solubility and admet-clintox trained once per test session on small slices (seeds=1)."""
    root = tmp_path_factory.getbasetemp() / "admet-models"
    registry = ModelRegistry(root / "registry")
    if registry.versions("admet-solubility") and registry.versions("admet-clintox"):
        return root / "registry"
    from labs.models.train import train_property_model

    root.mkdir(exist_ok=True)
    with endpoint("solubility").path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    with (root / "esol.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows(rows[:151])
    train_property_model(
        root / "esol.csv",
        "smiles",
        "log_solubility",
        "regression",
        registry,
        seeds=1,
        name="admet-solubility",
        workers=1,
    )
    with endpoint("clintox").path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    toxic = [r for r in rows if r["CT_TOX"] == "1"][:40]
    safe = [r for r in rows if r["CT_TOX"] == "0"][:120]
    with (root / "clintox.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(safe + toxic)
    train_property_model(
        root / "clintox.csv", "smiles", "CT_TOX", "classification", registry, seeds=1, name="admet-clintox", workers=1
    )
    return root / "registry"


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    return ensure_models(tmp_path_factory)


@pytest.fixture
def runner(tmp_path, models_dir):
    return LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'labs.db'}"), LabContext(models_dir=models_dir))


def test_predict_pins_model_versions_and_caches(runner):
    first = runner.run("pharmacology", "predict", {"smiles": ASPIRIN, "endpoints": ["solubility", "clintox"]})
    assert first.params["models"] == {"solubility": "admet-solubility@1", "clintox": "admet-clintox@1"}
    solubility = first.outputs["predictions"]["solubility"]
    assert -6 < solubility["prediction"] < 1 and solubility["lower"] < solubility["upper"]
    assert solubility["model"] == "admet-solubility@1" and isinstance(solubility["in_domain"], bool)
    assert 0 <= first.outputs["predictions"]["clintox"]["prediction"] <= 1 and not first.cached
    again = runner.run("pharmacology", "predict", {"smiles": ASPIRIN, "endpoints": ["solubility", "clintox"]})
    assert again.cached and again.experiment_id == first.experiment_id and again.outputs == first.outputs


def test_experiment_id_follows_the_model_version_not_the_registry_path(runner, tmp_path, models_dir):
    params = {"smiles": ASPIRIN, "endpoints": ["solubility"]}
    original = runner.run("pharmacology", "predict", params).experiment_id
    moved = tmp_path / "elsewhere"
    shutil.copytree(models_dir, moved)
    elsewhere = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'other.db'}"), LabContext(models_dir=moved))
    assert elsewhere.run("pharmacology", "predict", params).experiment_id == original
    model, meta = ModelRegistry(moved).load("admet-solubility")  # a new version, as a retraining would save
    ModelRegistry(moved).save("admet-solubility", model, {k: v for k, v in meta.items() if k not in ("ref", "version")})
    retrained = elsewhere.run("pharmacology", "predict", params)
    assert retrained.params["models"] == {"solubility": "admet-solubility@2"} and retrained.experiment_id != original
    pinned = elsewhere.run("pharmacology", "predict", {**params, "models": {"solubility": "admet-solubility@1"}})
    assert pinned.experiment_id == original and pinned.cached  # pinning the old version finds its experiment


def test_batch_returns_the_valid_rows_and_per_row_errors(runner):
    out = runner.run(
        "pharmacology", "predict_batch", {"smiles": ["CCO", "not-a-smiles", ASPIRIN], "endpoints": ["solubility"]}
    ).outputs
    assert [r["row"] for r in out["results"]] == [0, 2] and out["n_errors"] == 1
    assert out["errors"][0]["row"] == 1 and "not-a-smiles" in out["errors"][0]["error"]


def test_clear_errors_for_missing_models_context_and_inputs(runner, tmp_path):
    empty = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'e.db'}"), LabContext(models_dir=tmp_path / "none"))
    with pytest.raises(Ech0Error, match="no trained model 'admet-solubility'.*ech0 models train"):
        empty.run("pharmacology", "predict", {"smiles": "CCO", "endpoints": ["solubility"]})
    bare = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'b.db'}"))
    with pytest.raises(Ech0Error, match="no model registry is configured"):
        bare.run("toxicology", "clintox", {"smiles": "CCO"})
    with pytest.raises(Ech0Error, match="unknown ADMET endpoint 'potency'"):
        runner.run("pharmacology", "predict", {"smiles": "CCO", "endpoints": ["potency"]})
    with pytest.raises(Ech0Error, match="invalid SMILES 'C1CC'"):
        runner.run("pharmacology", "predict", {"smiles": "C1CC", "endpoints": ["solubility"]})
    with pytest.raises(Ech0Error, match="has no version 9"):
        runner.run("toxicology", "clintox", {"smiles": "CCO", "model": "admet-clintox@9"})


def test_toxicology_clintox_op(runner):
    result = runner.run("toxicology", "clintox", {"smiles": ASPIRIN})
    assert result.params["model"] == "admet-clintox@1" and result.outputs["model"] == "admet-clintox@1"
    assert 0 <= result.outputs["p_toxic"] <= 1 and result.outputs["toxic"] == (result.outputs["p_toxic"] >= 0.5)
    assert runner.run("toxicology", "alerts", {"smiles": "CCO"}).outputs["n_alerts"] == 0  # the old op still works


def test_developability_score(runner):
    good = runner.run(
        "pharmacology",
        "developability",
        {"qed": 0.9, "lipinski_violations": 0, "n_alerts": 0, "solubility": -2.0, "clinical_toxicity": 0.05},
    ).outputs
    poor = runner.run(
        "pharmacology",
        "developability",
        {"qed": 0.2, "lipinski_violations": 3, "n_alerts": 3, "solubility": -7.0, "clinical_toxicity": 0.9},
    ).outputs
    assert good["score"] > 0.9 > 0.3 > poor["score"] and good["missing"] == ["np_likeness"]
    assert good["terms"]["solubility"]["desirability"] == 1.0 and poor["terms"]["solubility"]["desirability"] == 0.0
    with pytest.raises(Ech0Error, match="weights must be non-negative"):
        runner.run("pharmacology", "developability", {"qed": 0.5, "weights": {"potency": 1}})


def test_np_classify_records_known_compounds_and_votes_for_others(runner):
    from knowledge.data import NPCLASSIFIER_5K

    with NPCLASSIFIER_5K.open(newline="") as fh:
        known = next(csv.DictReader(fh))
    recorded = runner.run("natural_products", "classify", {"smiles": known["smiles"]}).outputs
    assert recorded["method"].startswith("record") and recorded["classes"]["pathway"]["confidence"] == 1.0
    assert recorded["classes"]["superclass"]["value"] == known["superclass"]
    voted = runner.run("natural_products", "classify", {"smiles": "CC1=CCC2CC1C2(C)CO", "k": 5}).outputs
    assert voted["method"].startswith("vote of the 5") and len(voted["neighbours"]) == 5
    assert voted["classes"]["pathway"]["value"] == "Terpenoids" and 0 < voted["classes"]["pathway"]["confidence"] <= 1
    sims = [n["similarity"] for n in voted["neighbours"]]
    assert sims == sorted(sims, reverse=True) and voted["max_similarity"] == sims[0]
    with pytest.raises(Ech0Error, match="k=0 is out of range"):
        runner.run("natural_products", "classify", {"smiles": "CCO", "k": 0})


@pytest.mark.slow
def test_np_vote_accuracy_on_the_scaffold_split(runner):
    out = runner.run("natural_products", "evaluate", {"k": 5}).outputs
    assert out["n_test"] > 400 and out["n_reference"] > 4000
    assert out["accuracy"]["pathway"] > 0.85 and out["accuracy"]["superclass"] > 0.7 and out["accuracy"]["class"] > 0.5
