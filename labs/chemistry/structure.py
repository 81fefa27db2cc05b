"""Exact structural questions about one molecule, answered with RDKit (pure functions)."""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors
from rdkit.Chem.Scaffolds import MurckoScaffold

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError


def element_symbol(element: str) -> str:
    """'carbon' → 'C', 'cl' → 'Cl'; raises Ech0Error for anything that is not an element."""
    names = {
        "hydrogen": "H", "carbon": "C", "nitrogen": "N", "oxygen": "O", "fluorine": "F", "phosphorus": "P",
        "sulfur": "S", "sulphur": "S", "chlorine": "Cl", "bromine": "Br", "iodine": "I", "boron": "B",
        "silicon": "Si", "selenium": "Se", "sodium": "Na", "potassium": "K", "lithium": "Li", "magnesium": "Mg",
        "calcium": "Ca", "iron": "Fe", "zinc": "Zn", "copper": "Cu", "platinum": "Pt", "arsenic": "As",
    }  # fmt: skip
    text = element.strip()
    symbol = names.get(text.lower(), text[:1].upper() + text[1:].lower())
    if _is_symbol(symbol):
        return symbol
    raise Ech0Error(f"unknown element {element!r}: give a symbol such as C, N, Cl or a name such as carbon")


def _is_symbol(symbol: str) -> bool:
    try:
        return Chem.GetPeriodicTable().GetAtomicNumber(symbol) > 0
    except RuntimeError:
        return False


def count_element(mol: Chem.Mol, element: str) -> int:
    """Atoms of an element; hydrogens count implicit and explicit ones."""
    symbol = element_symbol(element)
    if symbol == "H":
        return sum(atom.GetTotalNumHs() for atom in mol.GetAtoms()) + sum(
            1 for atom in mol.GetAtoms() if atom.GetSymbol() == "H"
        )
    return sum(1 for atom in mol.GetAtoms() if atom.GetSymbol() == symbol)


def ring_info(mol: Chem.Mol) -> dict:
    """Ring count (SSSR), aromatic rings, and the size of each ring."""
    rings = mol.GetRingInfo().AtomRings()
    return {
        "rings": rdMolDescriptors.CalcNumRings(mol),
        "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings(mol),
        "ring_sizes": sorted(len(r) for r in rings),
    }


def shortest_path_bonds(mol: Chem.Mol, a: int | None = None, b: int | None = None) -> int:
    """Bonds on the shortest path between atoms `a` and `b` (0-based), or between the two `*` atoms."""
    if a is None or b is None:
        dummies = [atom.GetIdx() for atom in mol.GetAtoms() if atom.GetAtomicNum() == 0]
        if len(dummies) != 2:
            raise Ech0Error(f"the molecule has {len(dummies)} '*' atoms: give exactly two, or the indices of two atoms")
        a, b = dummies
    n = mol.GetNumAtoms()
    for index in (a, b):
        if not 0 <= index < n:
            raise Ech0Error(f"atom index {index} is out of range: the molecule has atoms 0..{n - 1}")
    if a == b:
        return 0
    path = Chem.GetShortestPath(mol, a, b)
    if not path:
        raise Ech0Error(f"atoms {a} and {b} are in different fragments: no bond path joins them")
    return len(path) - 1


def atom_mapping(mol_a: Chem.Mol, mol_b: Chem.Mol) -> list[int]:
    """For each atom of `mol_a` (by index), the index of the same atom in `mol_b` (same molecule, other SMILES)."""
    if Chem.MolToInchiKey(mol_a) != Chem.MolToInchiKey(mol_b) or mol_a.GetNumAtoms() != mol_b.GetNumAtoms():
        raise Ech0Error("the two SMILES are not the same molecule: an atom mapping needs two writings of one molecule")
    match = mol_b.GetSubstructMatch(mol_a, useChirality=True) or mol_b.GetSubstructMatch(mol_a)
    if len(match) != mol_a.GetNumAtoms():
        raise Ech0Error("no complete atom mapping was found between the two SMILES")
    return list(match)


def scaffolds(mol: Chem.Mol) -> dict[str, str]:
    """Bemis–Murcko scaffold and its generic (all-carbon, single-bond) framework."""
    core = MurckoScaffold.GetScaffoldForMol(mol)
    generic = MurckoScaffold.MakeScaffoldGeneric(core) if core.GetNumAtoms() else core
    return {"scaffold": Chem.MolToSmiles(core), "generic_scaffold": Chem.MolToSmiles(generic)}


def parse_smarts(smarts: str) -> Chem.Mol:
    pattern = Chem.MolFromSmarts((smarts or "").strip()) if (smarts or "").strip() else None
    if pattern is None:
        raise InvalidSmilesError(f"invalid SMARTS {smarts!r}: RDKit cannot parse it")
    return pattern
