"""Parsing and identity of molecules."""

from __future__ import annotations

import re

from rdkit import Chem, RDLogger

from knowledge.errors import Ech0Error

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


class InvalidSmilesError(Ech0Error, ValueError):
    """A string that RDKit cannot parse as a molecule."""


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


def canonical_smiles(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(mol)


def inchikey(mol: Chem.Mol) -> str:
    return Chem.MolToInchiKey(mol)
