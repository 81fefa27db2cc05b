"""What several tools share: turning a compound argument (a name or a SMILES) into a structure."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.common.mol import canonical_smiles, parse_structure, to_mol
from tools.registry import ToolContext


@dataclass(frozen=True)
class Structure:
    smiles: str
    label: str  # the compound's name, or the SMILES as given
    record_key: str | None  # the compound store's record, when the compound is known

    def as_dict(self, query: str) -> dict:
        return {"query": query, "label": self.label, "smiles": self.smiles, "record_key": self.record_key}


def _parses(text: str) -> bool:
    try:
        to_mol(text)
    except Ech0Error:
        return False
    return True


def structure_of(ctx: ToolContext, compound: str) -> Structure:
    """A SMILES is taken as written; a name is resolved through the compound store.

    Raises CompoundNotFoundError for an unknown name and InvalidSmilesError for text that is neither.
    """
    if _parses(compound):
        return Structure(compound, compound, None)
    try:
        record = ctx.compounds.resolve(compound)
    except CompoundNotFoundError:
        if compound.strip().startswith("InChI="):
            return Structure(local_structure(compound), compound, None)
        to_mol(compound)  # neither a name nor a structure: InvalidSmilesError names the input
        raise
    return Structure(record.smiles, record.label, record.key)


def local_structure(text: str) -> str:
    """The SMILES of a structure written as a SMILES or an InChI, converted here: no store or network needed.
    Raises InvalidSmilesError (or InvalidStructureError for a broken InChI) naming the input."""
    if text.strip().startswith("InChI="):
        return canonical_smiles(parse_structure(text))
    to_mol(text)
    return text
