"""The number gate on model-written text, on tool results computed with RDKit; the LLM plan check."""

import pytest
from rdkit import DataStructs
from rdkit.Chem import rdMolDescriptors

from agents.number_check import claims_in, findings_of, number_problems
from agents.templated_writer import synthesize_report
from knowledge.common.mol import to_mol
from labs.chemistry.properties import PROPERTIES, compute_properties

METFORMIN = "CN(C)C(=N)N=C(N)N"
PHENFORMIN = "NC(N)=NC(=N)NCCc1ccccc1"
NAPHTHALENE = "c1ccc2ccccc2c1"


def _properties(step: str, label: str, smiles: str) -> dict:
    """A compute_properties step result as the tool returns it, computed with RDKit."""
    props = compute_properties(to_mol(smiles))
    data = {
        "experiment_id": f"exp-{label}",
        "title": f"properties of {label}",
        "compound": {"query": label, "label": label, "record_key": f"chembl:{label}"},
        "outputs": {
            "properties": props,
            "formula": rdMolDescriptors.CalcMolFormula(to_mol(smiles)),
            "canonical_smiles": smiles,
            "inchikey": "X",
        },  # fmt: skip
        "units": {n: PROPERTIES[n].unit for n in props},
        "labels": {n: PROPERTIES[n].label for n in props},
    }
    return {"step_id": step, "tool": "compute_properties", "args": {"compound": label}, "ok": True, "data": data}


def _rings(step: str, smiles: str) -> dict:
    n = rdMolDescriptors.CalcNumRings(to_mol(smiles))
    data = {"experiment_id": "exp-rings", "title": "rings", "question": "rings",
            "compound": {"query": smiles, "label": smiles, "smiles": smiles, "record_key": None},
            "value": n, "statement": f"{smiles} has {n} rings (smallest set of smallest rings; sizes 6, 6)",
            "outputs": {"rings": n, "ring_sizes": [6, 6]}}  # fmt: skip
    return {"step_id": step, "tool": "structure_question", "args": {"compound": smiles, "question": "rings"},
            "ok": True, "data": data}  # fmt: skip


@pytest.fixture(scope="module")
def metformin():
    return [_properties("s1", "metformin", METFORMIN)]


@pytest.fixture(scope="module")
def both():
    return [_properties("s1", "metformin", METFORMIN), _properties("s2", "phenformin", PHENFORMIN)]


def test_a_number_that_is_not_the_named_fact_is_rejected_even_when_it_occurs_elsewhere(metformin):
    # -1 is close to nothing metformin has, and "-1" is not its molecular weight (129.17)
    problems = number_problems("The molecular weight of metformin is -1.", metformin)
    assert problems and "molecular weight" in problems[0] and "129.17" in problems[0]
    assert number_problems("The molecular weight of metformin is 129.2 g/mol.", metformin) == []
    assert number_problems("Metformin weighs 129 Da and has a TPSA of 91.5 Å².", metformin) == []
    assert number_problems("Metformin has a molecular weight of 91.49 g/mol.", metformin)  # TPSA's value, wrong fact
    assert number_problems("Metformin has a TPSA of 129.17 g/mol.", metformin)  # a mass is not an area


def test_numbers_are_compared_at_the_digits_written(metformin):
    assert number_problems("Metformin has a logP of -1.24 and a QED of 0.28.", metformin) == []
    assert number_problems("Metformin has a logP of -1.2.", metformin) == []
    assert number_problems("Metformin has a logP of −1.3.", metformin)  # unicode minus, rounded wrongly
    assert number_problems("Metformin has a logP of 1.24.", metformin)  # the sign counts
    assert number_problems("Metformin's QED is 28%.", metformin) == []
    assert number_problems("Metformin's QED is 41%.", metformin)
    assert number_problems("Metformin has a molecular weight of 1.2917e2 g/mol.", metformin) == []
    assert number_problems("Metformin has a molecular weight of 1,291.7 g/mol.", metformin)
    assert number_problems("Metformin has a molecular weight of 0.129 kDa.", metformin) == []


def test_numbers_swapped_between_two_compounds_are_rejected(both):
    right = "Metformin has a molecular weight of 129.17 g/mol and phenformin 205.27 g/mol."
    swapped = "Metformin has a molecular weight of 205.27 g/mol and phenformin 129.17 g/mol."
    assert number_problems(right, both) == []
    problems = number_problems(swapped, both)
    assert len(problems) == 2 and "of metformin" in problems[0] and "of phenformin" in problems[1]
    assert number_problems("Phenformin (logP 0.03) is more lipophilic than metformin (logP -1.24).", both) == []
    assert number_problems("Phenformin (logP -1.24) is less lipophilic than metformin (logP 0.03).", both)
    assert number_problems("The molecular weight is 205.3 for phenformin.", both) == []
    assert number_problems("The molecular weight is 205.3 for metformin.", both)


def test_count_words_are_checked(both):
    naphthalene = [_rings("s1", NAPHTHALENE)]
    assert number_problems(f"{NAPHTHALENE} has two rings.", naphthalene) == []
    problems = number_problems(f"{NAPHTHALENE} has three rings.", naphthalene)
    assert problems and "three" in problems[0] and "rings" in problems[0]
    assert number_problems("Phenformin has one aromatic ring and metformin has no rings.", both) == []
    assert number_problems("Metformin has three H-bond donors and one acceptor.", both) == []
    assert number_problems("Metformin has four H-bond donors.", both)
    assert number_problems("This is one of the smallest drugs; metformin has 9 heavy atoms.", both) == []


def test_numbers_naming_no_fact_must_be_in_the_findings_as_written(metformin):
    findings = ["Metformin was tested in 2 trials with 1000 patients."]
    assert number_problems("Metformin was tested with 1000 patients.", metformin, findings) == []
    assert number_problems("Metformin was tested with 1200 patients.", metformin, findings)
    assert number_problems("In 2019, CYP3A4 did not metabolise metformin [1].", metformin) == []  # labels, not values


def test_the_rules_reports_own_findings_pass_the_gate(both):
    naphthalene = _rings("s3", NAPHTHALENE)
    results = [*both, naphthalene]
    report = synthesize_report("r", "properties of metformin and phenformin", results)
    texts = [c.text for c in report.claims]
    assert any("Synthetic accessibility (1 easy – 10 hard)" in t for t in texts)
    for text in texts:
        assert number_problems(text, results, texts) == [], text


def test_claims_carry_property_subject_and_unit(both):
    findings = findings_of(both)
    claims = claims_in("Phenformin has a TPSA of 100.3 Å² and 3 rotatable bonds.", findings)
    assert [(c.key, c.subject, c.unit_family) for c in claims] == [
        ("tpsa", "phenformin", "area"),
        ("rotatable_bonds", "phenformin", None),
    ]


def test_similarity_and_admet_findings_pass_and_misquotes_do_not(both):
    fp = [rdMolDescriptors.GetMorganFingerprintAsBitVect(to_mol(s), 2, 2048) for s in (METFORMIN, PHENFORMIN)]
    tanimoto = round(DataStructs.TanimotoSimilarity(*fp), 3)
    hit = {"key": "chembl:phenformin", "label": "phenformin", "title": "Phenformin", "smiles": PHENFORMIN,
           "similarity": tanimoto}  # fmt: skip
    similar = {"step_id": "s3", "tool": "similarity_search", "args": {"compound": "metformin"}, "ok": True,
               "data": {"compound": {"query": "metformin", "label": "metformin", "smiles": METFORMIN,
                                     "record_key": "chembl:metformin"},
                        "library": "all", "method": "Morgan", "hits": [hit]}}  # fmt: skip
    results = [*both, similar]
    report = synthesize_report("r", "similar to metformin", results)
    texts = [c.text for c in report.claims]
    assert f"phenformin: Tanimoto {tanimoto}" in texts
    assert all(number_problems(t, results, texts) == [] for t in texts)
    assert number_problems(f"Phenformin is the nearest neighbour of metformin (Tanimoto {tanimoto}).", results) == []
    assert number_problems(f"Phenformin is the nearest neighbour of metformin (Tanimoto {tanimoto + 0.2:.2f}).",
                           results)  # fmt: skip


class _Names:
    def is_name(self, phrase):
        return phrase.lower() in {"metformin", "phenformin"}


def _local_writing(sentence):
    """The local backend with its model's sentence fixed, so the gate is tested without loading weights."""
    from agents.backends import RulesBackend
    from agents.local_backend import LocalBackend

    class Scripted(LocalBackend):
        def summarize(self, findings):
            return sentence

    return Scripted(RulesBackend(_Names()))


def test_local_backend_drops_a_wrong_summary_for_the_deterministic_one(metformin):
    report = _local_writing("The molecular weight of metformin is -1.").synthesize("r", "metformin", metformin)
    summary = report.sections[0]
    assert summary.heading == "Summary" and summary.paragraphs[0].endswith("*(quoted from the findings)*")
    assert "is -1" not in summary.paragraphs[0]
    assert any("summary was dropped" in n and "molecular weight" in n and "129.17" in n for n in report.notes)
    good = "The molecular weight of metformin is 129.2 g/mol and its logP is -1.24."
    summary = _local_writing(good).synthesize("r", "metformin", metformin).sections[0]
    assert summary.paragraphs[0] == f"{good} *(written by local model; details and sources below)*"
