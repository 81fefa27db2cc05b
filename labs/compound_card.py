"""A compound's card: its record, resolved from a name or identifier, with its computed properties as a recorded
chemistry experiment. The CLI (`ech0 compounds get`) and the API (`GET /v1/compounds/{query}`) show the same card."""

from __future__ import annotations

from typing import Any

from knowledge.common.errors import CompoundNotFoundError
from knowledge.common.mol import looks_like_smiles, to_mol
from knowledge.compound_models import CompoundRecord
from knowledge.compounds import CompoundStore
from labs.runner import LabRunner


def compound_card(compounds: CompoundStore, runner: LabRunner, query: str) -> tuple[CompoundRecord, dict[str, Any]]:
    """The record `query` (a name, CAS number, DrugBank id, InChIKey or SMILES) resolves to, and the card's JSON:
    key, record, the properties experiment's id and its outputs. An unparsable SMILES gets the SMILES error, not
    "not found"."""
    try:
        record = compounds.resolve(query)
    except CompoundNotFoundError:
        if looks_like_smiles(query.strip()):
            to_mol(query)
        raise
    experiment = runner.run("chemistry", "properties", {"smiles": record.smiles})
    card = {"key": record.key, "record": record.model_dump(), "experiment_id": experiment.experiment_id}
    return record, {**card, **experiment.outputs}
