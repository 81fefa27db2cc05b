"""Structure elucidation: complete isomer enumeration, the additive shift model and textbook problems."""

import pytest
from rdkit import Chem

from knowledge.common.errors import Ech0Error
from labs.chemistry.elucidation import elucidate, match
from labs.chemistry.isomers import enumerate_isomers, parse_formula
from labs.chemistry.shifts import ShiftClass, predict


@pytest.mark.parametrize(
    ("formula", "n"),
    # textbook counts of constitutional isomers (C3H6O: 9 incl. enols and rings; C6H6: 217)
    [
        ("C4H10", 2),
        ("C5H12", 3),
        ("C6H14", 5),
        ("C7H16", 9),
        ("C2H6O", 2),
        ("C3H8O", 3),
        ("C4H10O", 7),
        ("C3H6O", 9),
        ("C6H6", 217),
    ],
)
def test_enumeration_is_complete_for_small_formulas(formula, n):
    run = enumerate_isomers(parse_formula(formula))
    assert run.complete and run.stopped is None
    assert len(run.smiles) == len(set(run.smiles)) == n
    for smi in run.smiles:
        assert Chem.rdMolDescriptors.CalcMolFormula(Chem.MolFromSmiles(smi)) == formula


def test_seeded_enumeration_and_the_cap():
    xylenes = enumerate_isomers(parse_formula("C8H10"), [["benzene"]])
    assert sorted(xylenes.smiles) == sorted(["CCc1ccccc1", "Cc1ccccc1C", "Cc1cccc(C)c1", "Cc1ccc(C)cc1"])
    capped = enumerate_isomers(parse_formula("C7H16"), cap=4)
    assert not capped.complete and capped.stopped == "cap" and len(capped.smiles) <= 4


def test_shift_model_on_ethyl_acetate_is_within_textbook_error():
    carbons, hydrogens = predict(Chem.MolFromSmiles("CCOC(C)=O"))
    assert sorted(c.shift for c in carbons) == pytest.approx([14.2, 21.0, 60.4, 171.0], abs=3.0)
    assert sorted(h.shift for h in hydrogens) == pytest.approx([1.26, 2.04, 4.12], abs=0.2)
    assert sorted(h.count for h in hydrogens) == [2, 3, 3]


def test_match_joins_overlapping_classes_and_rejects_too_many_signals():
    classes = [ShiftClass((0,), 1.0, 3), ShiftClass((1,), 1.1, 3), ShiftClass((2,), 3.0, 1, exchangeable=True)]
    assert sorted(match([1.05], None, classes)) == [(0, 0), (0, 1)]  # the OH may be missing
    assert match([1.0, 2.0, 3.0, 4.0], None, classes) is None


def _rank(result, smiles):
    return next(c["rank"] for c in result["candidates"] if c["smiles"] == smiles)


# (formula, 1H, 13C, true structure, constraints on) — literature shifts (CDCl3, SDBS-style values)
PROBLEMS = [
    ("C4H8O2", [4.1, 2.0, 1.2], [171, 60, 21, 14], "CCOC(C)=O", True),
    ("C4H8O2", [4.1, 2.0, 1.2], [171, 60, 21, 14], "CCOC(C)=O", False),
    ("C3H6O", [2.17], [206.7, 30.8], "CC(C)=O", False),
    ("C2H6O", [3.69, 1.23, 2.61], [57.8, 18.2], "CCO", False),
    ("C2H6O", [3.24], [59.6], "COC", False),
    ("C4H8O", [2.44, 2.14, 1.06], [209.3, 36.9, 29.4, 7.9], "CCC(C)=O", False),
    ("C8H10", [7.28, 7.19, 7.17, 2.65, 1.24], [144.2, 128.4, 127.9, 125.7, 28.9, 15.6], "CCc1ccccc1", True),
    ("C9H10O", [7.86, 7.25, 2.57, 2.41], [197.8, 143.8, 134.7, 129.2, 128.4, 26.5, 21.6], "CC(=O)c1ccc(C)cc1", True),
    ("C8H10O", [7.05, 6.76, 4.8, 2.57, 1.20], [153.4, 136.3, 128.8, 115.2, 28.0, 15.8], "CCc1ccc(O)cc1", True),
]


@pytest.mark.parametrize(("formula", "h", "c", "true", "constrained"), PROBLEMS)
def test_textbook_problems_rank_the_true_structure_first(formula, h, c, true, constrained):
    result = elucidate(formula, h, c, max_candidates=100, use_constraints=constrained)
    assert result["enumeration"]["complete"]
    assert _rank(result, true) == 1
    best = result["candidates"][0]
    assert best["score"] < result["candidates"][1]["score"] if len(result["candidates"]) > 1 else True
    assert {r["given"] for r in best["c13"]} == {float(x) for x in c}  # every given signal is assigned


def test_ethanol_and_dimethyl_ether_are_told_apart_by_13c_counts():
    result = elucidate("C2H6O", c_shifts=[57.8, 18.2])
    assert [c["smiles"] for c in result["candidates"]] == ["CCO"]
    assert result["excluded"] == {"too_few_symmetry_distinct_positions": 1}


def test_statement_gives_the_search_extent_and_the_evidence():
    result = elucidate("C4H8O2", [4.1, 2.0, 1.2], [171, 60, 21, 14])
    assert result["statement"].startswith("Of 18 isomers of C4H8O2 (bound: ≤12 heavy atoms, enumeration complete")
    assert "CCOC(C)=O (13C MAE" in result["statement"] and "runner-up" in result["statement"]
    assert result["constraints"] == ["≥ 1 C=O (13C ≥ 165 ppm or 1H 9–13.5 ppm)"]
    capped = elucidate("C7H16", c_shifts=[14.1, 22.7, 31.9, 29.0], cap=5, use_constraints=False)
    assert "enumeration stopped at" in capped["statement"] and "the ranking covers those" in capped["statement"]


def test_formula_over_the_bound_searches_only_the_shipped_sets():
    # ibuprofen (DrugCentral) has 15 heavy atoms
    h = [7.22, 7.11, 3.71, 2.45, 1.85, 1.50, 0.90]
    c = [181.2, 140.9, 137.0, 129.4, 127.3, 45.0, 30.2, 22.4, 18.1]
    result = elucidate("C13H18O2", h, c)
    assert not result["enumeration"]["searched"] and "only the shipped sets" in result["enumeration"]["note"]
    assert result["candidates"][0]["source"] == "drugcentral: ibuprofen"
    with pytest.raises(Ech0Error, match=r"above the enumeration bound of ≤ 12.*only the shipped sets"):
        elucidate("C30H20", c_shifts=[128.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formula": "C8H10Q", "c_shifts": [1.0]}, "'C8H10Q' has element 'Q'"),
        ({"formula": "hello", "c_shifts": [1.0]}, "'hello' cannot be parsed"),
        ({"formula": "C2H7O", "c_shifts": [50.0]}, "impossible for a neutral molecule"),
        ({"formula": "C2H8", "c_shifts": [10.0]}, "impossible for a neutral molecule"),
        ({"formula": "C2H6O"}, "no shifts given"),
        ({"formula": "C2H6O", "c_shifts": [250.0]}, "13C shift 250.0 is out of range"),
        ({"formula": "C2H6O", "h_shifts": [-1.0]}, "1H shift -1.0 is out of range"),
        ({"formula": "C2H6O", "c_shifts": [10.0, 20.0, 30.0]}, "only 2 carbons"),
        ({"formula": "C2H6O", "h_shifts": [1.2, 3.7], "h_counts": [3]}, "one positive integer"),
        ({"formula": "C2H6O", "h_shifts": [1.2, 3.7], "h_counts": [6, 2]}, "add up to 8 H"),
    ],
)
def test_bad_inputs_get_clear_errors(kwargs, message):
    with pytest.raises(Ech0Error, match=message):
        elucidate(**kwargs)


@pytest.fixture
def tool_context(tmp_path):
    from knowledge.compounds import CompoundStore
    from labs.runner import LabRunner
    from labs.store import ExperimentStore
    from tools.registry import ToolContext

    return ToolContext(
        retriever=None,
        compounds=CompoundStore([]),
        labs=LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'ech0.db'}")),
    )


def test_elucidate_structure_tool_records_the_experiment(tool_context):
    from tools.registry import TOOLS, _bind

    data = TOOLS["elucidate_structure"].run(
        tool_context, formula="C3H6O", h_shifts=[2.17], c_shifts=[206.7, 30.8], max_candidates=3
    )
    assert data["value"] == "CC(C)=O" and data["experiment_id"].startswith("exp-")
    assert len(data["candidates"]) <= 3 and data["candidates"][0]["h1"][0]["predicted"] == pytest.approx(2.1)
    assert data["statement"].startswith("Of ")
    bound = _bind(TOOLS["elucidate_structure"], tool_context)
    failed = bound.invoke({"formula": "C3H6 O", "c_shifts": [30.0]})
    assert failed["ok"] is False and "cannot be parsed" in failed["error"]
