"""The training-data factory end to end: contract, files, determinism, resume, bad input."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from finetune.dataset.schema import CATEGORIES, Example
from knowledge.common.errors import Ech0Error
from tests.finetune.conftest import N_COMPOUNDS, SEED

REPORT_KEYS = {"examples", "tasks", "templates", "invalid", "exact_duplicates", "near_duplicate_rate"}
REPORT_KEYS |= {"examples_per_hour", "wall_s"}


def _rows(directory, split="train"):
    return [json.loads(line) for line in (directory / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_report_and_files(dataset):
    out, report = dataset
    data = report.model_dump()
    assert set(data) >= REPORT_KEYS
    assert report.compounds == N_COMPOUNDS and report.invalid == 0 and report.analogues > 0
    assert report.examples == sum(report.splits.values()) > 1000
    assert report.tasks >= 20 and report.templates >= 200
    assert set(report.per_category) == set(CATEGORIES)
    assert {"template", "rule", "synthetic"} <= set(report.per_generator)
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "train.parquet", "README.md", "dataset_info.json"):
        assert (out / name).is_file(), name
    assert not (out / ".parts").exists()  # parts are cleaned up once the data set is complete
    rows = _rows(out)
    assert len(rows) == report.splits["train"] == pq.read_metadata(out / "train.parquet").num_rows
    for row in rows[:500]:
        Example.model_validate(row)
        assert row["split"] == "train"
    table = pq.read_table(out / "test.parquet")
    first = table.slice(0, 1).to_pylist()[0]
    # Parquet holds facts as (name, JSON value) pairs: the same facts as the JSONL line
    assert first["messages"][0]["content"] and first["facts"]
    assert {f["name"]: json.loads(f["value"]) for f in first["facts"]} == _rows(out, "test")[0]["facts"]
    card = (out / "README.md").read_text()
    assert "license: cc-by-sa-4.0" in card and "DrugCentral" in card and "| molecular_weight |" in card


def test_examples_state_computed_facts(dataset):
    from rdkit import Chem

    from labs.chemistry.properties import compute_properties

    out, _ = dataset
    checked = 0
    for row in _rows(out):
        if row["task"] == "molecular_weight" and row["generator"] == "template":
            mol = Chem.MolFromSmiles(row["compound"]["smiles"])
            expected = compute_properties(mol, ["molecular_weight"])["molecular_weight"]
            assert row["facts"] == {"molecular_weight": expected}
            assert f"{expected:.2f}" in row["messages"][-1]["content"]
            checked += 1
    assert checked >= 10


def test_tool_use_plans_are_valid_plans(dataset):
    from agents.plan_models import Plan

    try:
        from tools.registry import list_tools

        schemas = {spec.name: spec.args_schema for spec in list_tools()}
    except ImportError as exc:  # the tool modules are being reworked elsewhere
        pytest.skip(f"tool registry unavailable: {exc}")
    out, _ = dataset
    plans = 0
    for row in _rows(out):
        if row["category"] != "tool_use":
            continue
        plan = Plan.model_validate_json(next(m for m in row["messages"] if m["role"] == "assistant")["content"])
        for step in plan.steps:
            schemas[step.tool].model_validate(step.args)
        tools = [m for m in row["messages"] if m["role"] == "tool"]
        assert [m["tool_call_id"] for m in tools] == [s.id for s in plan.steps][: len(tools)]
        plans += 1
    assert plans >= 20


def test_deterministic_for_a_seed_and_any_worker_count(dataset, tmp_path):
    from finetune.dataset.factory import generate_dataset

    out, _ = dataset
    again = generate_dataset(tmp_path / "again", N_COMPOUNDS, seed=SEED, workers=2)
    for split in ("train", "validation", "test"):
        assert (tmp_path / "again" / f"{split}.jsonl").read_bytes() == (out / f"{split}.jsonl").read_bytes()
    assert again.workers == 2
    other = generate_dataset(tmp_path / "other", 8, seed=SEED + 1, workers=1)
    assert (tmp_path / "other" / "train.jsonl").read_bytes() != (out / "train.jsonl").read_bytes()
    assert other.examples > 0


def test_interrupted_run_resumes_and_a_complete_one_is_kept(tmp_path):
    from finetune.dataset.factory import INFO_FILE, generate_dataset

    out = tmp_path / "ds"
    calls = []

    def stop_after_first_chunk(done, total):
        calls.append(done)
        if len(calls) == 2:  # the first report is "0 done"; the second follows the first finished chunk
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_dataset(out, 24, seed=5, workers=1, on_progress=stop_after_first_chunk)
    assert not (out / INFO_FILE).exists() and not (out / "train.jsonl").exists()
    assert len(list((out / ".parts").glob("chunk-*.jsonl"))) == 1

    resumed = generate_dataset(out, 24, seed=5, workers=1)
    assert resumed.reused_chunks == 1 and not resumed.complete_before
    fresh = generate_dataset(tmp_path / "fresh", 24, seed=5, workers=1)
    assert (out / "train.jsonl").read_bytes() == (tmp_path / "fresh" / "train.jsonl").read_bytes()
    assert resumed.examples == fresh.examples

    again = generate_dataset(out, 24, seed=5, workers=1)
    assert again.complete_before and again.examples == resumed.examples


def test_bad_inputs_give_one_line_errors(tmp_path):
    from finetune.dataset.factory import generate_dataset

    empty = tmp_path / "empty.csv"
    empty.write_text("smiles,name\n")
    with pytest.raises(Ech0Error, match="empty.csv holds no compounds"):
        generate_dataset(tmp_path / "a", compounds_csv=empty)
    broken = tmp_path / "broken.csv"
    broken.write_text("smiles\nC1CC(\nnot_a_smiles\n")
    with pytest.raises(Ech0Error, match=r"all 2 compounds from .*broken.csv are invalid"):
        generate_dataset(tmp_path / "b", compounds_csv=broken, workers=1)
    with pytest.raises(Ech0Error, match="no compound CSV"):
        generate_dataset(tmp_path / "c", compounds_csv=tmp_path / "missing.csv")
    with pytest.raises(Ech0Error, match="compound set is empty"):
        generate_dataset(tmp_path / "d", 0)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Ech0Error, match="is a file, not a directory"):
        generate_dataset(blocker, 4)
    with pytest.raises(Ech0Error, match="cannot write"):
        generate_dataset(blocker / "sub", 4)


def test_user_csv_with_some_invalid_rows(tmp_path):
    from finetune.dataset.factory import generate_dataset

    csv = tmp_path / "mine.csv"
    csv.write_text("smiles,name\nCC(=O)Oc1ccccc1C(=O)O,aspirin\nC1CC(,broken\nc1ccncc1,pyridine\n")
    report = generate_dataset(tmp_path / "out", compounds_csv=csv, workers=1)
    assert report.compounds == 2 and report.invalid == 1 and report.examples > 50
    rows = [json.loads(line) for split in ("train", "validation", "test")
            for line in (tmp_path / "out" / f"{split}.jsonl").read_text().splitlines()]  # fmt: skip
    assert not any(row["task"] in ("smiles_to_name", "name_to_smiles") for row in rows)  # a user's name is no fact


def test_ray_executor_without_ray_is_a_clear_error(tmp_path):
    import importlib.util

    from finetune.dataset.factory import generate_dataset

    if importlib.util.find_spec("ray") is not None:
        pytest.skip("Ray is installed here")
    with pytest.raises(Ech0Error, match="needs Ray"):
        generate_dataset(tmp_path / "ds", 4, executor="ray")
