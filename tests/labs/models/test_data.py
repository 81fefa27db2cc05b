import hashlib

import numpy as np
import pytest

from knowledge.common.errors import Ech0Error
from labs.models.data import load_dataset

from .conftest import ESOL


def _csv(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_esol_subset_loads_with_its_hash(esol_dataset):
    assert len(esol_dataset) == 200 and esol_dataset.task == "regression" and not esol_dataset.dropped
    assert esol_dataset.data_hash == hashlib.sha256(ESOL.read_bytes()).hexdigest()
    assert esol_dataset.y[0] == pytest.approx(-0.77)


def test_invalid_smiles_are_dropped_and_reported_per_row_and_empty_targets_skipped(tmp_path):
    path = _csv(tmp_path, "smiles,y\nCCO,1.0\nC1CC(=O,2.0\n,3.0\nc1ccccc1,\nCCN,4.5\n")
    ds = load_dataset(path, "smiles", "y", "regression")
    assert ds.smiles == ["CCO", "CCN"] and ds.y.tolist() == [1.0, 4.5] and ds.lines == [2, 6]
    assert [(d.line, d.smiles) for d in ds.dropped] == [(3, "C1CC(=O"), (4, "")]
    assert "invalid SMILES" in ds.dropped[0].reason and "empty SMILES" in ds.dropped[1].reason
    assert ds.skipped_empty_target == 1


def test_missing_file_empty_csv_and_missing_column(tmp_path):
    with pytest.raises(Ech0Error, match="no CSV file at"):
        load_dataset(tmp_path / "nope.csv", "smiles", "y", "regression")
    with pytest.raises(Ech0Error, match="is empty"):
        load_dataset(_csv(tmp_path, ""), "smiles", "y", "regression")
    with pytest.raises(Ech0Error, match="no data rows"):
        load_dataset(_csv(tmp_path, "smiles,y\n"), "smiles", "y", "regression")
    with pytest.raises(Ech0Error, match="column 'target' not in .*its columns are: smiles, y"):
        load_dataset(_csv(tmp_path, "smiles,y\nCCO,1\n"), "smiles", "target", "regression")


def test_non_numeric_regression_target_names_the_rows(tmp_path):
    path = _csv(tmp_path, "smiles,y\nCCO,1.0\nCCN,high\nCCC,inf\n")
    with pytest.raises(Ech0Error, match=r"not numeric \(line 3: 'high'; line 4: 'inf'\)"):
        load_dataset(path, "smiles", "y", "regression")


def test_classification_needs_exactly_two_classes(tmp_path):
    with pytest.raises(Ech0Error, match="1 distinct value"):
        load_dataset(_csv(tmp_path, "smiles,y\nCCO,1\nCCN,1\n"), "smiles", "y", "classification")
    with pytest.raises(Ech0Error, match="3 distinct value"):
        load_dataset(_csv(tmp_path, "smiles,y\nCCO,1\nCCN,0\nCCC,0.5\n"), "smiles", "y", "classification")
    # Two classes whose only example of one class has an unparsable SMILES leaves one class.
    with pytest.raises(Ech0Error, match="only one class"):
        load_dataset(_csv(tmp_path, "smiles,y\nCCO,1\nCCN,1\nC1CC(,0\n"), "smiles", "y", "classification")


def test_text_labels_map_to_classes_in_sorted_order(tmp_path):
    ds = load_dataset(_csv(tmp_path, "smiles,y\nCCO,yes\nCCN,no\nCCC,yes\n"), "smiles", "y", "classification")
    assert ds.classes == ["no", "yes"] and ds.y.tolist() == [1, 0, 1] and ds.y.dtype == np.int64


def test_unknown_task(tmp_path):
    with pytest.raises(Ech0Error, match="unknown task 'ranking'"):
        load_dataset(_csv(tmp_path, "smiles,y\nCCO,1\n"), "smiles", "y", "ranking")
