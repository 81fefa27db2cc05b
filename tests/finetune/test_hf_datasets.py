"""The generated data set as Hugging Face `datasets` reads it: the folder, the Parquet and JSON builders give every
split with the declared features and the rows of the JSONL; the card's YAML header parses as Hub metadata."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from finetune.dataset.card import card_metadata, render_card
from finetune.dataset.schema import ID_NAMESPACES, PARQUET_FEATURES, SPLITS
from finetune.dataset.sources import LOADERS
from finetune.dataset.writer import SCHEMA, example_from_parquet_row, parquet_row

datasets = pytest.importorskip("datasets", reason="datasets comes with the train extra")


@pytest.fixture(scope="module")
def features():
    return datasets.Features.from_dict(PARQUET_FEATURES)


def _jsonl(directory, split):
    return [json.loads(line) for line in (directory / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_parquet_files_carry_the_features_in_their_schema(dataset, features):
    out, _ = dataset
    assert features.arrow_schema.equals(SCHEMA)  # the Arrow layout is exactly the one `datasets` derives
    for split in SPLITS:
        schema = pq.read_schema(out / f"{split}.parquet")
        assert json.loads(schema.metadata[b"huggingface"]) == {"info": {"features": PARQUET_FEATURES}}
        assert datasets.Features.from_arrow_schema(schema) == features


def test_load_dataset_of_the_folder_gives_the_jsonl_rows_with_typed_columns(dataset, features, tmp_path):
    out, report = dataset
    ds = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert set(ds) == set(SPLITS)
    for split in SPLITS:
        rows = _jsonl(out, split)
        assert ds[split].features == features
        assert ds[split].num_rows == len(rows) == report.splits[split]
        assert [example_from_parquet_row(row) for row in ds[split]] == rows
    # typed columns: no JSON parsing to select DrugCentral compounds or to read a fact
    train = ds["train"]
    drugcentral = train.filter(lambda row: row["compound"]["ids"]["drugcentral"] is not None)
    assert drugcentral.num_rows == sum("drugcentral" in r["compound"]["ids"] for r in _jsonl(out, "train")) > 0
    first = train[0]
    assert {f["name"]: json.loads(f["value"]) for f in first["facts"]} == _jsonl(out, "train")[0]["facts"]


def test_parquet_builder_with_data_files(dataset, features, tmp_path):
    out, report = dataset
    files = {split: str(out / f"{split}.parquet") for split in SPLITS}
    ds = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "cache"))
    for split in SPLITS:
        assert ds[split].features == features and ds[split].num_rows == report.splits[split]
    assert example_from_parquet_row(ds["test"][0]) == _jsonl(out, "test")[0]


def test_json_builder_reads_the_jsonl_as_written(dataset, tmp_path):
    out, report = dataset
    files = {split: str(out / f"{split}.jsonl") for split in SPLITS}
    ds = datasets.load_dataset("json", data_files=files, cache_dir=str(tmp_path / "cache"))
    for split in SPLITS:
        assert ds[split].num_rows == report.splits[split]
    assert ds["validation"].to_list() == _jsonl(out, "validation")


def test_card_metadata_validates_offline(dataset, features):
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard, DatasetCardData

    out, report = dataset
    card = DatasetCard.load(out / "README.md")  # parses the YAML header; raises on a malformed one
    data = card.data
    assert isinstance(data, DatasetCardData) and data.license == "cc-by-sa-4.0"
    assert data.pretty_name and data.task_categories == ["text-generation", "question-answering"]
    assert DatasetCardData(**data.to_dict()).to_dict() == data.to_dict()
    # what `datasets` reads from a card: the configs (data files per split) and the declared features and splits
    configs = MetadataConfigs.from_dataset_card_data(data)
    assert configs == {"default": {"data_files": [{"split": s, "path": f"{s}.parquet"} for s in SPLITS]}}
    info = DatasetInfosDict.from_dataset_card_data(data)["default"]
    assert info.features == features
    assert {s: info.splits[s].num_examples for s in SPLITS} == report.splits
    assert all(info.splits[s].num_bytes > 0 for s in SPLITS)
    assert info.dataset_size == sum(info.splits[s].num_bytes for s in SPLITS)


def test_card_header_is_the_same_with_the_check_figures(dataset):
    from huggingface_hub import DatasetCard

    _, report = dataset
    with_qa = DatasetCard(render_card(report, ["drugcentral", "esol"], qa={"result": "passed"}))
    assert with_qa.data.to_dict() == card_metadata(report, ["drugcentral", "esol"])
    assert "`ech0 data check`" in with_qa.text
    assert DatasetCard(render_card(report, ["input"])).data.license == "other"


def test_every_id_namespace_has_a_parquet_column():
    assert set(LOADERS) | {"input", "analogue_of", "derived_from"} <= set(ID_NAMESPACES)
    example = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
        "task": "t",
        "category": "molecular_properties",
        "template_id": "t.1",
        "generator": "template",
        "split": "train",
        "compound": {"smiles": "C", "ids": {"chembl": "CHEMBL17564"}},
        "facts": {"molecular_weight": 16.04},
    }
    with pytest.raises(ValueError, match="chembl"):
        parquet_row(example)
