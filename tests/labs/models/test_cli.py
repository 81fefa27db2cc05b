"""`ech0 models …` in-process on the 200-row subsets (the data directory comes from ECH0_DATA_DIR)."""

import json

import pytest
import typer

from knowledge.common.errors import Ech0Error
from server.commands.models import app

from .conftest import BBBP, ESOL


def run(args: list[str]):
    return typer.main.get_command(app).main(args, prog_name="ech0 models", standalone_mode=False)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    return tmp_path


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_train_predict_list_regression(data_dir, capsys):
    args = ["train", "--csv", str(ESOL), "--smiles-col", "smiles", "--target", "logp", "--task", "regression"]
    run([*args, "--split", "scaffold", "--seeds", "2", "--name", "esol", "--json"])
    out = _json(capsys)
    assert {"task", "n", "metrics", "baseline"} <= set(out) and out["task"] == "regression" and out["n"] == 200
    assert set(out["metrics"]) == set(out["baseline"]) == {"rmse", "mae", "r2"}
    assert out["model"] == "esol@1" and out["split"] == "scaffold" and out["seeds"] == [0, 1]
    assert len(out["per_seed"]) == 2 and out["metrics_std"]["rmse"] >= 0
    assert (data_dir / "models" / "esol" / "v1" / "model.joblib").is_file()

    run(["predict", "--model", "esol", "--smiles", "CCO", "--smiles", "C1CC(=O", "--smiles", "CCCCCCCC", "--json"])
    pred = _json(capsys)
    assert pred["model"] == "esol@1" and pred["n"] == 3 and pred["n_errors"] == 1
    rows = pred["predictions"]
    assert rows[1]["error"] and rows[1]["prediction"] is None
    for row in (rows[0], rows[2]):
        assert row["model"] == "esol@1" and row["lower"] < row["prediction"] < row["upper"]
        assert isinstance(row["in_domain"], bool) and 0 <= row["max_similarity"] <= 1

    run(["predict", "--model", "esol@1", "--csv", str(ESOL), "--smiles-col", "smiles", "--jobs", "2", "--json"])
    pred = _json(capsys)
    assert pred["n"] == 200 and pred["n_errors"] == 0 and pred["predictions"][0]["line"] == 2

    run(["list", "--json"])
    listed = _json(capsys)
    assert [m["ref"] for m in listed] == ["esol@1"] and listed[0]["task"] == "regression"
    run(["list"])
    assert "esol@1" in capsys.readouterr().out


def test_train_classification_reports_dropped_rows(data_dir, tmp_path, capsys):
    csv = tmp_path / "bbbp_plus.csv"
    csv.write_text(BBBP.read_text() + "C1CC(=O,1\nCCO,\n")  # line 202: bad SMILES; line 203: no target
    args = ["train", "--csv", str(csv), "--target", "p_np", "--task", "classification", "--seeds", "1"]
    run([*args, "--split", "random", "--no-refit", "--json"])
    out = _json(capsys)
    assert out["n"] == 200 and set(out["metrics"]) == {"roc_auc", "pr_auc"} and out["model"] == "bbbp_plus-p_np@1"
    assert [(r["line"], r["smiles"]) for r in out["dropped_rows"]] == [(202, "C1CC(=O")]
    assert out["skipped_empty_target"] == 1 and out["final_model"]["trained_on"].startswith("train fold")
    run(["predict", "--model", "bbbp_plus-p_np", "--smiles", "CCO", "--smiles", "CCN(CC)CC"])
    text = capsys.readouterr().out
    assert "bbbp_plus-p_np@1" in text and "CCN(CC)CC" in text
    run(["predict", "--model", "bbbp_plus-p_np@1", "--smiles", "CCO", "--smiles", "xyz", "--json"])
    rows = _json(capsys)["predictions"]
    assert 0 <= rows[0]["prediction"] <= 1 and rows[0]["label"] in ("0", "1") and rows[0]["lower"] is None
    assert rows[1]["error"] and rows[1]["label"] is None
    run(["predict", "--model", "bbbp_plus-p_np", "--smiles", "xyz", "--json"])  # nothing valid: still a report
    assert _json(capsys)["n_errors"] == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["train", "--csv", "missing.csv", "--target", "y", "--task", "regression"], "no CSV file at missing.csv"),
        (["train", "--csv", str(ESOL), "--target", "solubility", "--task", "regression"], "its columns are: smiles"),
        (["train", "--csv", str(ESOL), "--target", "logp", "--task", "classification"], "distinct value"),
        (["train", "--csv", str(ESOL), "--target", "logp", "--task", "regression", "--split", "time"], "unknown split"),
        (["predict", "--model", "nothing", "--smiles", "CCO"], "no model named 'nothing'"),
        (["predict", "--model", "nothing"], "give either --smiles"),
    ],
)
def test_user_errors_are_ech0_errors(data_dir, args, needle):
    with pytest.raises(Ech0Error, match=needle):
        run(args)
