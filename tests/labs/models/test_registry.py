import hashlib
import json

import pytest

from knowledge.common.errors import Ech0Error
from labs.models.predict import predict_smiles
from labs.models.registry import ModelRegistry, parse_ref

from .conftest import ESOL


def test_parse_ref():
    assert parse_ref("esol") == ("esol", None)
    assert parse_ref("esol@2") == ("esol", 2) and parse_ref("esol@v3") == ("esol", 3)
    for bad in ("", "bad name", "../x", "esol@latest", "esol@0"):
        with pytest.raises(Ech0Error):
            parse_ref(bad)


def test_round_trip_versions_and_errors(tmp_path):
    registry = ModelRegistry(tmp_path)
    assert registry.list() == []
    assert registry.save("m", {"weights": [1, 2]}, {"task": "regression"}) == "m@1"
    assert registry.save("m", {"weights": [3]}, {"task": "regression"}) == "m@2"
    (tmp_path / "m" / "v3").mkdir()  # an unfinished save (no meta.json) is not a version
    assert registry.versions("m") == [1, 2]
    model, meta = registry.load("m")
    assert model == {"weights": [3]} and meta["ref"] == "m@2" and meta["version"] == 2
    assert registry.load("m@1")[0] == {"weights": [1, 2]}
    assert [m["ref"] for m in registry.list()] == ["m@2"] and registry.list()[0]["versions"] == [1, 2]
    with pytest.raises(Ech0Error, match="has no version 5"):
        registry.load("m@5")
    with pytest.raises(Ech0Error, match=r"no model named 'other'.*models: m"):
        registry.load("other")


def test_trained_model_metadata_and_prediction(trained):
    registry, report = trained
    assert report.model == "esol@1" and report.final_model.ref == "esol@1"
    meta = json.loads((registry.root / "esol" / "v1" / "meta.json").read_text())
    assert meta["data_hash"] == hashlib.sha256(ESOL.read_bytes()).hexdigest()
    assert set(meta["libraries"]) >= {"rdkit", "sklearn", "numpy"} and meta["created_at"]
    assert meta["split"] == "scaffold" and meta["seeds"] == [0] and meta["metrics"]["rmse"] > 0
    assert meta["params"]["selection"]["tuned"] and meta["featurizers"] == {"descriptors2d": "1", "morgan": "1"}
    result = predict_smiles(registry, "esol@1", ["CCO", "C1CC(=O", "c1ccccc1Cl"])
    assert result.model == "esol@1" and result.n == 3 and result.n_errors == 1
    good, bad, chloro = result.predictions
    assert bad.error and "invalid SMILES" in bad.error and bad.prediction is None
    assert good.model == "esol@1" and good.lower < good.prediction < good.upper and good.std >= 0
    assert chloro.in_domain and chloro.max_similarity > 0.3
    assert good.prediction > chloro.prediction  # ethanol dissolves better than chlorobenzene
