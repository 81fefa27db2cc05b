"""The one parser of molecules: every SMILES, InChI or molblock ECH0 reads goes through `to_mol` or
`parse_structure`, and a string RDKit cannot read raises a typed error that names it. Loops over many molecules
that skip a bad one rather than report it (the training-data factory) use `try_mol`, which returns None instead.

Benchmark baselines and graders in `evals/` call RDKit directly on purpose, so that they measure independently.
"""

from __future__ import annotations

import re

from rdkit import Chem, RDLogger

from knowledge.common.errors import Ech0Error

RDLogger.DisableLog("rdApp.*")  # RDKit's own stderr chatter; failures surface as InvalidSmilesError


_SMILES_CHARS = re.compile(r"^[A-Za-z0-9@+\-\[\]()=#$%/\\.:*]+$")
_ATOM_LETTERS = set("BCNOPSFIbcnops")


def looks_like_smiles(text: str) -> bool:
    """True when `text` is written only in SMILES characters with organic-subset atom symbols outside brackets.

    A syntax test, not a parse: "CCO" and "C1CC(=O" look like SMILES; "foobarin" and "IL-6" do not.
    """
    if len(text) < 2 or not _SMILES_CHARS.match(text):
        return False
    bare = re.sub(r"\[[^\]]*\]", "", text).replace("Cl", "C").replace("Br", "B")
    letters = [c for c in bare if c.isalpha()]
    return len(letters) >= 2 and all(c in _ATOM_LETTERS for c in letters)


class InvalidStructureError(Ech0Error, ValueError):
    """A SMILES, InChI or molblock that RDKit cannot turn into a molecule."""


class InvalidSmilesError(InvalidStructureError):
    """A string that RDKit cannot parse as a SMILES."""


def to_mol(smiles: str) -> Chem.Mol:
    """The RDKit molecule for `smiles`; raises InvalidSmilesError (naming the input) when it does not parse."""
    text = (smiles or "").strip()
    if not text:
        raise InvalidSmilesError("empty SMILES: give a molecule as a SMILES string, e.g. CCO")
    mol = Chem.MolFromSmiles(text)
    if mol is None or mol.GetNumAtoms() == 0:
        raise InvalidSmilesError(
            f"invalid SMILES {text!r}: RDKit cannot parse it (check ring closures, brackets and valences)"
        )
    return mol


def try_mol(smiles: str | None) -> Chem.Mol | None:
    """The RDKit molecule for `smiles`, or None exactly where `to_mol` would raise (empty or unparsable text).

    For hot loops that skip bad input: one parse with RDKit's default sanitization, no error message built.
    """
    text = (smiles or "").strip()
    mol = Chem.MolFromSmiles(text) if text else None
    return mol if mol is not None and mol.GetNumAtoms() else None


def parse_structure(text: str) -> Chem.Mol:
    """An RDKit molecule from a SMILES, an InChI or a molblock; raises InvalidStructureError naming the input."""
    value = (text or "").strip()
    if not value:
        raise InvalidStructureError("empty structure: give a SMILES, an InChI or a molblock")
    if value.startswith("InChI="):
        mol = Chem.MolFromInchi(value)
    elif "M  END" in value:
        mol = Chem.MolFromMolBlock(text)
    else:
        mol = Chem.MolFromSmiles(value)
    if mol is None or mol.GetNumAtoms() == 0:
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise InvalidStructureError(f"invalid structure {shown!r}: RDKit cannot parse it")
    return mol


def canonical_smiles(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(mol)


def inchikey(mol: Chem.Mol) -> str:
    return Chem.MolToInchiKey(mol)
