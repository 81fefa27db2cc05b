"""`run_check` recomputes everything: a sound data set passes; each kind of damage is caught."""

from __future__ import annotations

import json

import pytest

from finetune.quality.check import run_check
from knowledge.common.errors import Ech0Error


def _edit(path, index, change):
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[index])
    change(row)
    lines[index] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _first(path, predicate):
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if predicate(json.loads(line)):
            return i
    raise AssertionError("no such row")


def test_generated_data_set_passes_every_gate(dataset):
    out, generation = dataset
    report = run_check(out, workers=1)
    assert report.passed, report.samples
    assert report.examples == generation.examples
    assert report.facts_checked > report.examples
    assert report.problems == dict.fromkeys(("schema", "smiles", "fact", "source", "answer"), 0)
    assert report.exact_duplicates == 0 and report.near_duplicate_rate < 0.01
    assert report.scaffold_leaks == {"train_test": 0, "train_validation": 0, "validation_test": 0}
    d = report.diversity
    assert 0.5 < d["internal_diversity"] < 1 and d["scaffolds"] > 10 and d["templates"] == generation.templates
    assert 0 < d["distinct_2"] <= 1 and d["length_chars"]["max"] > d["length_chars"]["p50"] > 0
    for name in ("report.json", "report.md", "lengths.png", "templates.png", "tasks.png", "tanimoto.png"):
        assert (out / "qa" / name).stat().st_size > 0
    assert "`ech0 data check`" in (out / "README.md").read_text()  # the card carries the QA figures


def test_a_corrupted_fact_is_caught(small_copy):
    train = small_copy / "train.jsonl"
    i = _first(train, lambda r: "molecular_weight" in r["facts"] and r["task"] == "molecular_weight")
    _edit(train, i, lambda r: r["facts"].update(molecular_weight=round(r["facts"]["molecular_weight"] + 1.5, 2)))
    report = run_check(small_copy, workers=1)
    assert not report.passed and not report.gates["facts"]
    assert report.problems["fact"] == 1
    assert report.problems["answer"] == 1  # the answer no longer states the (new) fact
    assert any("molecular_weight" in s for s in report.samples)


def test_an_invalid_or_non_canonical_smiles_is_caught(small_copy):
    train = small_copy / "train.jsonl"
    i = _first(train, lambda r: r["task"] == "formula")
    _edit(train, i, lambda r: r["compound"].update(smiles="C1CC("))
    j = _first(train, lambda r: r["task"] == "hbd")
    _edit(train, j, lambda r: r["compound"].update(smiles="OCC"))  # ethanol, but not RDKit's canonical "CCO"
    report = run_check(small_copy, workers=1)
    assert report.problems["smiles"] == 2 and not report.gates["smiles"]


def test_flipped_measured_label_is_caught(dataset, tmp_path):
    src, _ = dataset
    out = tmp_path / "flip"
    out.mkdir()
    for split in ("train", "validation", "test"):
        rows = [line for line in (src / f"{split}.jsonl").read_text().splitlines() if '"bbb_penetrant"' in line]
        (out / f"{split}.jsonl").write_text("\n".join(rows[:5]) + ("\n" if rows else ""))
    train = out / "train.jsonl"
    _edit(train, 0, lambda r: r["facts"].update(bbb_penetrant=not r["facts"]["bbb_penetrant"]))
    report = run_check(out, workers=1)
    assert report.problems["source"] == 1 and not report.gates["facts"]


def test_duplicates_are_detected(small_copy):
    train = small_copy / "train.jsonl"
    lines = train.read_text(encoding="utf-8").splitlines()
    exact = lines[3]
    near = json.loads(lines[10])
    near["messages"][-1]["content"] += " "  # one extra character: a near duplicate, not an exact one
    train.write_text("\n".join([*lines, exact, json.dumps(near)]) + "\n", encoding="utf-8")
    report = run_check(small_copy, workers=1)
    assert report.exact_duplicates == 1 and not report.gates["no_exact_duplicates"]
    assert report.near_duplicates >= 2  # the exact copy is also a near duplicate of its original


def test_near_duplicate_rate_gate(small_copy):
    train = small_copy / "train.jsonl"
    lines = train.read_text(encoding="utf-8").splitlines()
    extra = []
    for line in lines[:20]:
        row = json.loads(line)
        row["messages"][-1]["content"] += "."
        extra.append(json.dumps(row))
    train.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    report = run_check(small_copy, workers=1)
    assert report.near_duplicate_rate >= 0.01 and not report.gates["near_duplicates_under_1pct"]


def test_scaffold_leak_is_detected(small_copy):
    train, test = small_copy / "train.jsonl", small_copy / "test.jsonl"
    moved = train.read_text(encoding="utf-8").splitlines()[0]
    row = json.loads(moved)
    row["split"] = "test"
    test.write_text(test.read_text(encoding="utf-8") + json.dumps(row) + "\n", encoding="utf-8")
    report = run_check(small_copy, workers=1)
    assert report.scaffold_leaks["train_test"] >= 1 and not report.gates["no_scaffold_leaks"]


def test_check_of_a_directory_without_data_is_a_clear_error(tmp_path):
    with pytest.raises(Ech0Error, match="no train/validation/test .jsonl files"):
        run_check(tmp_path, workers=1)
    with pytest.raises(Ech0Error, match="no data set directory"):
        run_check(tmp_path / "missing", workers=1)
