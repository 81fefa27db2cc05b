"""Shared fixtures: a small literature index built once per session on the real MiniLM model and qdrant-edge."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATA = Path(__file__).parent / "data"
MINI_CORPUS = DATA / "scifact_mini.jsonl"  # the 20 SciFact abstracts that mention metformin + 40 at random


@pytest.fixture(scope="session")
def embedder():
    from knowledge.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def mini_settings(data_dir: Path):
    from server.settings import KnowledgeSettings, Settings

    return Settings(data_dir=data_dir, knowledge=KnowledgeSettings(corpus_path=MINI_CORPUS))


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory, embedder) -> Path:
    """A data directory whose literature index holds the mini corpus."""
    from server.wiring import build_runtime

    data_dir = tmp_path_factory.mktemp("ech0-data")
    runtime = build_runtime(mini_settings(data_dir))
    runtime.build_index()
    runtime.close()
    return data_dir


@pytest.fixture
def runtime(built_data_dir, tmp_path):
    """A runtime over the session's mini index, with its own results database."""
    from server.wiring import build_runtime

    settings = mini_settings(built_data_dir).model_copy(update={"database_url": f"sqlite:///{tmp_path / 'ech0.db'}"})
    rt = build_runtime(settings)
    yield rt
    rt.close()


def private_copy(data_dir: Path, dest: Path) -> Path:
    """A copy of a data directory for code that keeps its runtime (and so the embedded index) open for the rest of
    the process — the Studio graph is built once per server process — so that it never locks the shared one."""
    import shutil

    return Path(shutil.copytree(data_dir, dest))
