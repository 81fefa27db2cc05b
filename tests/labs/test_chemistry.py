import pytest

from knowledge.common.mol import InvalidSmilesError, to_mol
from labs.base import Experiment, list_labs, make_lab
from labs.chemistry.properties import compute_properties, lipinski_violations, list_properties
from labs.runner import LabRunner
from labs.store import ExperimentStore

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


def test_aspirin_properties_match_reference_values():
    props = compute_properties(to_mol(ASPIRIN))
    assert props["molecular_weight"] == pytest.approx(180.16, abs=0.01)
    assert props["hbd"] == 1 and props["hba"] == 3
    assert props["rings"] == 1 and props["aromatic_rings"] == 1
    assert props["tpsa"] == pytest.approx(63.6, abs=0.1)
    assert props["lipinski_violations"] == 0
    assert 1.0 <= props["sa_score"] <= 2.5  # aspirin is easy to make
    assert 0 < props["qed"] < 1
    assert set(props) == set(list_properties())


def test_lipinski_counts_violations():
    # Cyclosporin-like large peptide: MW > 500 and HBA > 10 at least.
    big = (
        "CCC1NC(=O)C(C(O)C(C)CC=CC)N(C)C(=O)C(C(C)C)N(C)C(=O)C(CC(C)C)N(C)C(=O)C(CC(C)C)N(C)C(=O)C(C)NC(=O)"
        "C(C)NC(=O)C(CC(C)C)N(C)C(=O)C(C(C)C)NC(=O)C(CC(C)C)N(C)C(=O)CN(C)C1=O"
    )
    assert lipinski_violations(to_mol(big)) >= 2


@pytest.mark.parametrize("bad", ["C1CC", "not a smiles", "", "C(C"])
def test_invalid_smiles_names_the_input(bad):
    with pytest.raises(InvalidSmilesError) as err:
        to_mol(bad)
    assert (repr(bad.strip()) in str(err.value)) if bad.strip() else "empty" in str(err.value)


def test_experiment_ids_are_deterministic():
    a = Experiment(lab="chemistry", operation="properties", params={"smiles": "CCO"}, version="1")
    b = Experiment(lab="chemistry", operation="properties", params={"smiles": "CCO"}, version="1")
    c = Experiment(lab="chemistry", operation="properties", params={"smiles": "CCN"}, version="1")
    assert a.id == b.id != c.id and a.id.startswith("exp-")


def test_runner_records_and_reuses_experiments(tmp_path):
    runner = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'x.db'}"))
    first = runner.run("chemistry", "properties", {"smiles": ASPIRIN})
    assert not first.cached and first.outputs["formula"] == "C9H8O4"
    again = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'x.db'}")).run(
        "chemistry", "properties", {"smiles": ASPIRIN}
    )
    assert again.cached and again.experiment_id == first.experiment_id and again.outputs == first.outputs


def test_registry_lists_chemistry_and_rejects_unknown_labs():
    assert "chemistry" in list_labs()
    assert "properties" in make_lab("chemistry").operations()
    from knowledge.common.errors import Ech0Error

    with pytest.raises(Ech0Error, match="unknown lab"):
        make_lab("alchemy")
