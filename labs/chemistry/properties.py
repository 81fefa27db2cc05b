"""Molecular properties: a string-keyed registry of RDKit calculators with units and descriptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rdkit import Chem
from rdkit.Chem import QED, Crippen, Descriptors, Lipinski, rdMolDescriptors

from knowledge.common.errors import Ech0Error


@dataclass(frozen=True)
class PropertySpec:
    name: str
    label: str
    unit: str
    fn: Callable[[Chem.Mol], float | int]
    digits: int = 2


@cache
def _sa_scorer():
    # The SA score ships in RDKit Contrib (Ertl & Schuffenhauer 2009), with its fragment-score model.
    from rdkit.Contrib.SA_Score import sascorer

    return sascorer


def lipinski_violations(mol: Chem.Mol) -> int:
    """Rule-of-five violations: MW > 500, logP > 5, H-bond donors > 5, H-bond acceptors > 10."""
    return sum(
        (
            Descriptors.MolWt(mol) > 500,
            Crippen.MolLogP(mol) > 5,
            Lipinski.NumHDonors(mol) > 5,
            Lipinski.NumHAcceptors(mol) > 10,
        )
    )


PROPERTIES: dict[str, PropertySpec] = {
    spec.name: spec
    for spec in (
        PropertySpec("molecular_weight", "Molecular weight", "g/mol", Descriptors.MolWt),
        PropertySpec("logp", "logP (Crippen)", "", Crippen.MolLogP),
        PropertySpec("tpsa", "Topological polar surface area", "Å²", rdMolDescriptors.CalcTPSA),
        PropertySpec("hbd", "H-bond donors", "", Lipinski.NumHDonors, 0),
        PropertySpec("hba", "H-bond acceptors", "", Lipinski.NumHAcceptors, 0),
        PropertySpec("rotatable_bonds", "Rotatable bonds", "", rdMolDescriptors.CalcNumRotatableBonds, 0),
        PropertySpec("rings", "Rings", "", rdMolDescriptors.CalcNumRings, 0),
        PropertySpec("aromatic_rings", "Aromatic rings", "", rdMolDescriptors.CalcNumAromaticRings, 0),
        PropertySpec("heavy_atoms", "Heavy atoms", "", lambda m: m.GetNumHeavyAtoms(), 0),
        PropertySpec("qed", "QED drug-likeness", "", QED.qed, 3),
        PropertySpec("lipinski_violations", "Lipinski rule-of-five violations", "", lipinski_violations, 0),
        PropertySpec(
            "sa_score", "Synthetic accessibility (1 easy – 10 hard)", "", lambda m: _sa_scorer().calculateScore(m)
        ),
    )
}


def list_properties() -> list[str]:
    return list(PROPERTIES)


def compute_properties(mol: Chem.Mol, names: list[str] | None = None) -> dict[str, float | int]:
    """Named properties of `mol`, rounded to each property's precision (all of them when `names` is None)."""
    unknown = [n for n in names or [] if n not in PROPERTIES]
    if unknown:
        raise Ech0Error(f"unknown properties {unknown}: choose from {', '.join(PROPERTIES)}")
    out: dict[str, float | int] = {}
    for name in names or PROPERTIES:
        spec = PROPERTIES[name]
        value = spec.fn(mol)
        out[name] = int(value) if spec.digits == 0 else round(float(value), spec.digits)
    return out
