"""Every lab through the runner: recorded, cached, with clear errors."""

import pytest

from knowledge.common.errors import Ech0Error
from labs.runner import LabRunner
from labs.store import ExperimentStore


@pytest.fixture
def runner(tmp_path):
    return LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'labs.db'}"))


def test_set_operations_report_bad_rows_and_keep_the_rest(runner):
    smiles = ["CCO", "c1ccccc1O", "not-a-smiles", "c1ccccc1N", "CCCO"]
    hits = runner.run("chemistry", "substructure", {"smarts": "c1ccccc1", "smiles": smiles}).outputs
    assert [h["row"] for h in hits["hits"]] == [1, 3] and hits["n_searched"] == 4
    assert hits["errors"][0]["row"] == 2 and "not-a-smiles" in hits["errors"][0]["error"]
    clusters = runner.run("chemistry", "cluster", {"smiles": smiles, "threshold": 0.6}).outputs
    assert sorted(r for c in clusters["clusters"] for r in c) == [0, 1, 3, 4]
    diversity = runner.run("chemistry", "diversity", {"smiles": smiles}).outputs
    assert 0 < diversity["internal_diversity"] <= 1 and diversity["scaffolds"] == 2 and diversity["n"] == 4


def test_structural_operations(runner):
    assert runner.run("chemistry", "count_atoms", {"smiles": "CCO", "element": "C"}).outputs == {
        "element": "C",
        "count": 2,
    }
    assert runner.run("chemistry", "shortest_path", {"smiles": "*CCC*"}).outputs == {"bonds": 4}
    assert runner.run("chemistry", "atom_mapping", {"smiles_a": "OCC", "smiles_b": "CCO"}).outputs["mapping"] == [
        2,
        1,
        0,
    ]


def test_toxicology_alerts_find_a_quinone_and_spare_ethanol(runner):
    quinone = runner.run("toxicology", "alerts", {"smiles": "O=C1C=CC(=O)C=C1"}).outputs
    assert any(a["catalog"] == "PAINS" and "quinone" in a["alert"] for a in quinone["alerts"])
    assert runner.run("toxicology", "alerts", {"smiles": "CCO"}).outputs["n_alerts"] == 0
    with pytest.raises(Ech0Error, match="unknown alert catalogs"):
        runner.run("toxicology", "alerts", {"smiles": "CCO", "catalogs": ["ZINC"]})


def test_np_likeness_lab(runner):
    out = runner.run("natural_products", "np_likeness", {"smiles": "OC1C(O)C(O)C(CO)OC1O"}).outputs
    assert out["np_likeness"] > 0  # a sugar is natural-product-like


def test_runner_rejects_unknown_operations_and_parameters(runner):
    with pytest.raises(Ech0Error, match="no operation 'fly'"):
        runner.run("chemistry", "fly", {})
    with pytest.raises(Ech0Error, match="it takes smiles"):
        runner.run("chemistry", "rings", {"smile": "C"})
    with pytest.raises(Ech0Error, match="empty compound set"):
        runner.run("chemistry", "diversity", {"smiles": []})
