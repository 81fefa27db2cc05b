"""Continuous learning: retrain when enough new items arrived; switch only to a better adapter; record both scores."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from knowledge.common.errors import Ech0Error
from tests.finetune.test_sft import TEST, TRAIN, save_tiny_model, write_config


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("continual") / "model")


def _setup(tmp_path: Path, model: Path, min_new: int = 5):
    from finetune.training.config import load_config

    incoming = tmp_path / "incoming"
    incoming.mkdir()
    continual = {"incoming": str(incoming), "feedback": str(tmp_path / "feedback.jsonl"), "min_new_items": min_new}
    config = write_config(
        tmp_path / "c.yaml",
        model,
        tmp_path / "out",
        continual=continual,
        training={"max_steps": 1},
        data={"max_train_rows": 8},
    )
    return load_config(config), incoming


class Scripted:
    """Scores the old model, then the new one, from a script: the switching rule under test, not the model."""

    def __init__(self, *scores: float) -> None:
        self.scores = list(scores)
        self.calls = 0

    def __call__(self, model, tokenizer, rows) -> float:
        assert rows, "the held-out rows are scored"
        self.calls += 1
        return self.scores.pop(0)


def test_waits_for_enough_new_items_then_switches_only_when_better(tmp_path, tiny):
    from finetune.training.continual import current_adapter, read_state, run_continual

    cfg, incoming = _setup(tmp_path, tiny, min_new=5)
    (incoming / "batch1.jsonl").write_text("\n".join(_lines(TEST)[:3]) + "\n")
    report = run_continual(cfg, scorer=Scripted())
    assert report["triggered"] is False and report["new_items"] == 3

    feedback = [
        {"request": "How many rings does aspirin have?", "answer": "2", "rating": -1, "correction": "1"},
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}], "rating": 0},
    ]
    (tmp_path / "feedback.jsonl").write_text("".join(json.dumps(f) + "\n" for f in feedback))
    report = run_continual(cfg, scorer=Scripted(0.25, 0.5))
    assert report["triggered"] and report["switched"] and report["new_items"] == 5
    assert (report["old_score"], report["new_score"]) == (0.25, 0.5)
    assert report["feedback_examples"] == 1 and report["examples_verified"] == 3
    assert report["train_rows"] == 8 + 3 + 1
    assert current_adapter(cfg.output_dir) == cfg.output_dir / "adapters" / "v0001" / "adapter"

    # Nothing new: no retraining.
    assert run_continual(cfg, scorer=Scripted())["triggered"] is False

    # Five more items, but the new adapter scores lower: keep the current one, record both scores.
    (incoming / "batch2.jsonl").write_text("\n".join(_lines(TEST)[3:8]) + "\n")
    report = run_continual(cfg, scorer=Scripted(0.5, 0.4))
    assert report["triggered"] and not report["switched"] and report["old_adapter"] == "adapters/v0001/adapter"
    assert current_adapter(cfg.output_dir).parent.name == "v0001"
    history = read_state(cfg.output_dir)["history"]
    assert [(h["old_score"], h["new_score"], h["switched"]) for h in history] == [(0.25, 0.5, True), (0.5, 0.4, False)]
    assert (cfg.output_dir / "adapters" / "v0002" / "adapter" / "adapter_config.json").is_file()


def test_real_scoring_on_held_out_rows(tmp_path, tiny):
    from finetune.training.continual import read_state, run_continual

    cfg, incoming = _setup(tmp_path, tiny, min_new=2)
    (incoming / "new.jsonl").write_text("\n".join(_lines(TRAIN)[:2]) + "\n")
    report = run_continual(cfg)
    assert report["triggered"] and 0.0 <= report["old_score"] <= 1.0 and 0.0 <= report["new_score"] <= 1.0
    assert report["switched"] == (report["new_score"] > report["old_score"])
    assert math.isfinite(report["train_loss"])
    assert read_state(cfg.output_dir)["consumed_items"] == 2


def test_unverified_examples_are_not_trained_on(tmp_path, tiny):
    from finetune.training.continual import run_continual

    cfg, incoming = _setup(tmp_path, tiny, min_new=2)
    wrong = json.loads(_lines(TEST)[0])
    wrong["messages"][-1]["content"] = "12345"  # contradicts its own facts
    (incoming / "new.jsonl").write_text(json.dumps(wrong) + "\n" + _lines(TEST)[1] + "\n")
    report = run_continual(cfg, scorer=Scripted(0.0, 0.0))
    assert report["examples_verified"] == 1 and report["examples_rejected"] == 1 and not report["switched"]


def test_feedback_items_become_examples_only_when_usable():
    from finetune.training.continual import feedback_example

    correction = feedback_example({"request": "Q?", "answer": "wrong", "rating": -1, "correction": "right"})
    assert correction["messages"] == [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "right"}]
    good = feedback_example({"request": "Q?", "answer": "A.", "rating": 1})
    assert good["messages"][-1]["content"] == "A."
    assert feedback_example({"request": "Q?", "answer": "A.", "rating": -1}) is None
    assert feedback_example({"rating": 1}) is None


def test_missing_section_or_held_out_set_is_an_error(tmp_path, tiny):
    from finetune.training.config import load_config
    from finetune.training.continual import run_continual

    cfg = load_config(write_config(tmp_path / "c.yaml", tiny, tmp_path / "out"))
    with pytest.raises(Ech0Error, match="no `continual` section"):
        run_continual(cfg)
    cfg, _ = _setup(tmp_path, tiny)
    cfg.data.test = None
    with pytest.raises(Ech0Error, match="set data.test"):
        run_continual(cfg)
