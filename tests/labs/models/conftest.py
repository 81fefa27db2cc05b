"""Fixtures for the property-model tests: the shipped 200-row subsets and one model trained once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "models"
ESOL = DATA / "delaney_200.csv"  # smiles,logp (log solubility, misnamed upstream)
BBBP = DATA / "bbbp_200.csv"  # smiles,p_np


@pytest.fixture(scope="session")
def esol_dataset():
    from labs.models.data import load_dataset

    return load_dataset(ESOL, "smiles", "logp", "regression")


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """(registry, report) for an ESOL-200 model trained with one seed."""
    from labs.models.registry import ModelRegistry
    from labs.models.train import train_property_model

    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    report = train_property_model(ESOL, "smiles", "logp", "regression", registry, seeds=1, name="esol", workers=1)
    return registry, report
