"""SAR series prediction on real RDKit decompositions: Free–Wilson, matched pairs, k-NN and the bad inputs."""

import itertools
import math

import numpy as np
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError
from knowledge.compound_models import CompoundRecord
from knowledge.compounds import CompoundStore
from labs.chemistry.sar import predict_series
from labs.runner import LabRunner
from labs.store import ExperimentStore
from tools.registry import ToolContext
from tools.sar import sar_predict

# 2,4-disubstituted pyrimidines: value = 5.10 + R2 contribution + R4 contribution, exactly.
BASELINE = 5.10
R2 = {"*Cl": ("Cl", 0.80), "*OC": ("CO", 1.45), "*N": ("N", 0.30)}
R4 = {"[H]": ("", 0.0), "*C": ("C", 0.50), "*CC": ("CC", 0.90)}


def pyrimidine(r2: str, r4: str) -> str:
    left = R4[r4][0]
    return f"{R2[r2][0]}c1nccc({left})n1" if left else f"{R2[r2][0]}c1ncccn1"


def additive_series() -> list[tuple[str, float]]:
    return [(pyrimidine(a, b), BASELINE + R2[a][1] + R4[b][1]) for a, b in itertools.product(R2, R4)]


HELD_OUT = (pyrimidine("*N", "*CC"), BASELINE + 0.30 + 0.90)
SERIES = [row for row in additive_series() if row[0] != HELD_OUT[0]]  # 8 analogues


def _position_of(contributions: dict, substituent: str) -> str:
    return next(p for p, subs in contributions.items() if substituent in subs)


def test_exactly_additive_series_is_predicted_and_contributions_recovered():
    out = predict_series(SERIES, HELD_OUT[0], "pIC50")
    assert out["model"] == "free_wilson" and out["n"] == 8
    assert out["prediction"] == pytest.approx(HELD_OUT[1], abs=1e-6)
    assert out["core"] == "c1cncnc1"
    contributions = out["contributions"]
    p2, p4 = _position_of(contributions, "*Cl"), _position_of(contributions, "*CC")
    assert p2 != p4 and set(contributions[p2]) == set(R2) and set(contributions[p4]) == set(R4)
    # Contributions are relative to each position's reference substituent; their differences are the truth.
    for table, position in ((R2, p2), (R4, p4)):
        for a, b in itertools.combinations(table, 2):
            fitted = contributions[position][a] - contributions[position][b]
            assert fitted == pytest.approx(table[a][1] - table[b][1], abs=1e-6)
    ref2 = next(s for s, v in contributions[p2].items() if v == 0.0)
    ref4 = next(s for s, v in contributions[p4].items() if v == 0.0)
    assert out["baseline"] == pytest.approx(BASELINE + R2[ref2][1] + R4[ref4][1], abs=1e-6)
    assert out["fit_rmse"] < 1e-9 and out["loo_rmse"] < 1e-9 and out["n_loo"] == 8
    used = {(t.get("position"), t.get("substituent")) for t in out["used"]}
    assert {(p2, "*N"), (p4, "*CC"), (None, None)} == used  # baseline + the two substituents summed
    assert sum(t["value"] for t in out["used"]) == pytest.approx(out["prediction"], abs=1e-9)
    assert out["uncertainty"]["low"] <= out["prediction"] <= out["uncertainty"]["high"]


def test_noisy_series_gives_finite_loo_error_and_interval():
    noise = np.random.default_rng(0).normal(0, 0.2, len(SERIES))
    noisy = [(s, v + e) for (s, v), e in zip(SERIES, noise, strict=True)]
    out = predict_series(noisy, HELD_OUT[0])
    assert out["model"] == "free_wilson"
    assert math.isfinite(out["loo_rmse"]) and out["loo_rmse"] > 0 and out["fit_rmse"] > 0
    assert out["uncertainty"]["half_width"] == pytest.approx(1.96 * out["loo_rmse"])
    assert abs(out["prediction"] - HELD_OUT[1]) < 1.0


def test_unseen_substituent_falls_back_to_similarity_knn_and_says_so():
    out = predict_series(SERIES, "Fc1nccc(C)n1")  # 2-F was never made
    assert out["model"] == "similarity_knn"
    assert "not seen at its position" in out["message"] and "*F" in out["message"]
    assert out["fit_rmse"] is None and math.isfinite(out["loo_rmse"])
    assert 0 < len(out["used"]) <= 5 and all(0 < u["similarity"] <= 1 for u in out["used"])
    values = [v for _, v in SERIES]
    assert min(values) <= out["prediction"] <= max(values)


def test_unseen_substituent_with_a_matched_pair_transfers_the_delta():
    # 2-OEt is unseen, but Me→Et is seen at C4 on the 2-Cl context: OMe/Me analogue + (Et − Me).
    out = predict_series(SERIES, "CCOc1nccc(C)n1")
    assert out["model"] == "matched_pairs"
    assert out["prediction"] == pytest.approx(BASELINE + 1.45 + 0.50 + (0.90 - 0.50), abs=1e-9)
    assert out["used"][0]["transformation"] == "C[*:1]>>CC[*:1]"
    assert out["loo_rmse"] == pytest.approx(0.0, abs=1e-9)


def test_unknown_identical_to_a_member_returns_the_measured_value():
    smiles, value = SERIES[3]
    out = predict_series(SERIES, smiles)
    assert out["model"] == "measured" and out["prediction"] == value
    assert "measured value is returned" in out["message"]


def test_fewer_than_three_analogues_is_refused():
    with pytest.raises(Ech0Error, match="at least 3"):
        predict_series(SERIES[:2], HELD_OUT[0])


def test_bad_smiles_names_the_row_and_rdkits_reason():
    bad = [*SERIES[:3], ("Clc1nccc(C", 6.0)]
    with pytest.raises(InvalidSmilesError, match=r"row 3: invalid SMILES 'Clc1nccc\(C'"):
        predict_series(bad, HELD_OUT[0])
    with pytest.raises(InvalidSmilesError, match="the unknown"):
        predict_series(SERIES, "c1cc(")


@pytest.mark.parametrize("value", ["active", None, ">10", float("nan"), True])
def test_non_numeric_value_is_refused(value):
    with pytest.raises(Ech0Error, match="row 1"):
        predict_series([SERIES[0], (SERIES[1][0], value), SERIES[2]], HELD_OUT[0])


def test_duplicate_structures_with_conflicting_values_are_averaged_with_a_note():
    smiles, value = SERIES[0]
    assert smiles == "Clc1ncccn1"
    rewritten = "n1c(Cl)nccc1"  # the same molecule, written differently
    series = [*SERIES, (rewritten, value + 0.4)]
    out = predict_series(series, HELD_OUT[0])
    assert out["n"] == 8 and "conflicting values" in out["message"] and "averaged" in out["message"]
    with pytest.raises(Ech0Error, match="distinct analogues"):
        predict_series([SERIES[0], (rewritten, 1.0), SERIES[1]], HELD_OUT[0])


def test_series_without_a_common_core_is_refused_for_an_unrelated_unknown():
    series = [("CCO", 1.0), ("c1ccccc1O", 2.0), ("CC(=O)Nc1ccc(O)cc1", 3.0), ("OC(=O)CCC(=O)O", 4.0)]
    with pytest.raises(Ech0Error, match="no common core"):
        predict_series(series, "Cn1cnc2c1c(=O)n(C)c(=O)n2C")


def test_lab_operation_is_recorded(tmp_path):
    runner = LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'sar.db'}"))
    params = {"series": [list(row) for row in SERIES], "query": HELD_OUT[0], "value_name": "pIC50"}
    result = runner.run("chemistry", "sar_predict", params)
    assert result.outputs["prediction"] == pytest.approx(HELD_OUT[1], abs=1e-6)
    assert runner.run("chemistry", "sar_predict", params).cached


def _tool_context(tmp_path) -> ToolContext:
    record = CompoundRecord(source="test", source_id="1", name="sar-unknown-9", smiles=HELD_OUT[0])
    return ToolContext(
        retriever=None,  # the SAR tool never searches the literature
        compounds=CompoundStore([record]),
        labs=LabRunner(ExperimentStore(f"sqlite:///{tmp_path / 'tool.db'}")),
    )


def test_tool_returns_value_and_statement(tmp_path):
    ctx = _tool_context(tmp_path)
    data = sar_predict(ctx, series=SERIES, query="sar-unknown-9", value_name="pIC50")
    assert data["value"] == pytest.approx(HELD_OUT[1], abs=1e-6) and data["experiment_id"].startswith("exp-")
    statement = data["statement"]
    assert statement.startswith("Free–Wilson model over 8 analogues (LOO RMSE")
    assert "predicts pIC50 6.3 for sar-unknown-9" in statement and "baseline" in statement and "*N" in statement
    fallback = sar_predict(ctx, series=SERIES, query="Fc1nccc(C)n1")
    assert "k-NN" in fallback["statement"] and fallback["outputs"]["model"] == "similarity_knn"
    with pytest.raises(Ech0Error, match="series"):
        sar_predict(ctx, series=SERIES[:2], query=HELD_OUT[0])
