"""Cold CLI commands: a missing index is said before any model loads, and what loads is said before it does."""

from __future__ import annotations

import json

import pytest

from server.cli import main


@pytest.fixture
def no_model(monkeypatch):
    """Loading the embedding model fails the test: the command must not get that far."""
    from knowledge.embeddings import SentenceTransformerEmbedder

    def refuse(self):
        raise AssertionError("the embedding model was loaded")

    monkeypatch.setattr(SentenceTransformerEmbedder, "_load", refuse)


@pytest.mark.parametrize("argv", [["index", "search", "metformin"], ["index", "stats", "--json"]])
def test_a_missing_index_is_said_before_the_model_loads(tmp_path, monkeypatch, capsys, no_model, argv):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "empty"))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no literature index at ") and "ech0 index build" in err and err.count("\n") == 1


def test_bad_search_input_is_said_before_the_model_loads(built_data_dir, monkeypatch, capsys, no_model):
    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    assert main(["index", "search", "metformin", "--mmr", "1.5"]) == 1
    assert "--mmr 1.5 is out of range" in capsys.readouterr().err
    assert main(["index", "search", "   "]) == 1
    assert "empty literature query" in capsys.readouterr().err


def test_a_cold_search_says_what_it_loads_on_stderr(built_data_dir, monkeypatch, capsys):
    from tests.conftest import MINI_CORPUS

    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    monkeypatch.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
    assert main(["index", "search", "metformin", "--k", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["passages"]) == 1  # stdout stays clean JSON
    assert captured.err.splitlines() == ["loading the embedding model…", "loading the literature index…"]
