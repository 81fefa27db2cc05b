"""One small generated data set shared by the factory and check tests (real RDKit, real datasketch)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

N_COMPOUNDS = 40
SEED = 3


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> tuple[Path, object]:
    """(directory, GenerationReport) of a 40-compound data set, generated once per session."""
    from finetune.dataset.factory import generate_dataset

    out = tmp_path_factory.mktemp("ds") / "data"
    return out, generate_dataset(out, N_COMPOUNDS, seed=SEED, workers=1)


@pytest.fixture
def small_copy(dataset, tmp_path) -> Path:
    """A copy of the data set cut to its first rows per split (fast to check), without the card files."""
    source, _ = dataset
    out = tmp_path / "copy"
    out.mkdir()
    for split, keep in (("train", 400), ("validation", 100), ("test", 100)):
        lines = (source / f"{split}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        (out / f"{split}.jsonl").write_text("".join(lines[:keep]), encoding="utf-8")
    return out


def copy_dataset(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
