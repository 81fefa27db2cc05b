"""One settings tree: the lab and finetune sections, read once per CLI call and passed down."""

from __future__ import annotations

import json

import pytest

from server.cli import main
from server.settings import Settings, current_settings, settings_scope


def test_lab_and_finetune_sections_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ECH0_LAB__WORKERS", "5")
    monkeypatch.setenv("ECH0_LAB__EXECUTOR", "ray")
    monkeypatch.setenv("ECH0_FINETUNE__TRAINING__LEARNING_RATE", "0.0001")
    settings = Settings(data_dir=tmp_path)
    assert settings.lab.workers == 5 and settings.lab.executor == "ray"
    assert settings.finetune.training.learning_rate == pytest.approx(1e-4)
    assert settings.models_dir == tmp_path / "models"
    assert Settings(data_dir=tmp_path, lab={"models_dir": tmp_path / "m"}).models_dir == tmp_path / "m"


def test_a_config_file_overrides_the_finetune_section_field_by_field(monkeypatch, tmp_path):
    from finetune.training.config import load_config

    monkeypatch.setenv("ECH0_FINETUNE__TRAINING__LEARNING_RATE", "0.0001")
    monkeypatch.setenv("ECH0_FINETUNE__TRAINING__EPOCHS", "3")
    monkeypatch.setenv("ECH0_FINETUNE__LORA__R", "8")
    config = tmp_path / "c.yaml"
    config.write_text(f"training:\n  epochs: 2\ndata:\n  train: {tmp_path / 't.jsonl'}\noutput_dir: {tmp_path / 'o'}\n")
    cfg = load_config(config, defaults=Settings(data_dir=tmp_path).finetune)
    assert cfg.training.epochs == 2  # the file wins
    assert cfg.training.learning_rate == pytest.approx(1e-4)  # the environment fills what the file leaves
    assert cfg.lora.r == 8 and cfg.lora.alpha == 32  # untouched fields keep their defaults
    assert load_config(config).training.learning_rate == pytest.approx(2e-4)  # no settings: plain defaults


def test_a_config_file_without_data_names_the_missing_field(tmp_path):
    from finetune.training.config import load_config
    from knowledge.common.errors import Ech0Error

    config = tmp_path / "c.yaml"
    config.write_text(f"output_dir: {tmp_path / 'o'}\n")
    with pytest.raises(Ech0Error, match="data: Field required"):
        load_config(config)


def test_settings_are_read_once_per_scope(monkeypatch, tmp_path):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "a"))
    with settings_scope():
        first = current_settings()
        monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "b"))
        assert current_settings() is first  # the same object for the whole command
    with settings_scope():
        assert current_settings().data_dir == tmp_path / "b"  # the next command reads afresh


def test_config_show_lists_the_lab_and_finetune_sections(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ECH0_LAB__WORKERS", "3")
    assert main(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["lab"]["workers"] == 3
    assert shown["finetune"]["training"]["learning_rate"] == pytest.approx(2e-4)
