"""Molecule edits and identities the factory needs beyond the chemistry lab: attaching substituents (analogues,
'*' markers), split groups, SMILES variants and checking an atom mapping. Pure functions over RDKit."""

from __future__ import annotations

from functools import cache

from rdkit import Chem, DataStructs
from rdkit.Chem.Scaffolds import MurckoScaffold

from knowledge.common.mol import to_mol, try_mol
from labs.chemistry.features import fingerprint_generator

# Substituents that replace one hydrogen: element symbol of the attached heavy atom (H counts follow valence).
SUBSTITUENTS: dict[str, str] = {"F": "F", "Cl": "Cl", "CH3": "C", "OH": "O"}
SUBSTITUENT_NAMES: dict[str, str] = {"F": "fluorine", "Cl": "chlorine", "CH3": "methyl", "OH": "hydroxyl", "*": "'*'"}


def round_trip(smiles: str) -> str | None:
    """Canonical SMILES when `smiles` parses and its canonical form parses back to itself, else None."""
    mol = try_mol(smiles)
    if mol is None:
        return None
    canonical = Chem.MolToSmiles(mol)
    again = try_mol(canonical)
    return canonical if again is not None and Chem.MolToSmiles(again) == canonical else None


def hydrogen_sites(mol: Chem.Mol, aromatic_carbon_only: bool) -> list[int]:
    """Atoms where a hydrogen can be swapped: implicit H, no stereo tag (so no stereo centre changes meaning)."""
    sites = []
    for atom in mol.GetAtoms():
        if (
            atom.GetAtomicNum() < 2
            or atom.GetNumImplicitHs() < 1
            or atom.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED
        ):
            continue
        if aromatic_carbon_only and not (atom.GetIsAromatic() and atom.GetAtomicNum() == 6):
            continue
        sites.append(atom.GetIdx())
    return sites


def symmetry_unique(mol: Chem.Mol, atoms: list[int]) -> list[int]:
    """One atom per symmetry class (canonical ranks without tie-breaking), lowest index first."""
    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
    seen: set[int] = set()
    out = []
    for idx in sorted(atoms):
        if ranks[idx] not in seen:
            seen.add(ranks[idx])
            out.append(idx)
    return out


def attach(mol: Chem.Mol, sites: list[int], substituent: str) -> Chem.Mol | None:
    """`mol` with one hydrogen on each site replaced by `substituent` ('F', 'Cl', 'CH3', 'OH' or '*'), sanitized;
    None when the result does not sanitize."""
    symbol = "*" if substituent == "*" else SUBSTITUENTS[substituent]
    rw = Chem.RWMol(mol)
    for site in sites:
        new = rw.AddAtom(Chem.Atom(0 if symbol == "*" else Chem.GetPeriodicTable().GetAtomicNumber(symbol)))
        rw.AddBond(site, new, Chem.BondType.SINGLE)
    out = rw.GetMol()
    try:
        Chem.SanitizeMol(out)
    except (Chem.rdchem.MolSanitizeException, RuntimeError, ValueError):
        return None
    return out


@cache
def _dummy() -> Chem.Mol:
    return Chem.MolFromSmarts("[#0]")


@cache
def _hydrogen() -> Chem.Mol:
    return to_mol("[H]")


def strip_dummies(mol: Chem.Mol) -> Chem.Mol:
    """`mol` with every '*' atom turned back into the hydrogen it replaced."""
    if not mol.HasSubstructMatch(_dummy()):
        return mol
    replaced = Chem.ReplaceSubstructs(mol, _dummy(), _hydrogen(), replaceAll=True)[0]
    Chem.SanitizeMol(replaced)
    return Chem.RemoveHs(replaced)


def group_key(mol: Chem.Mol) -> str:
    """The split group of a molecule: its Bemis–Murcko scaffold ('*' markers removed first, stereo ignored); an
    acyclic molecule has no scaffold and is its own group (its canonical SMILES)."""
    base = strip_dummies(mol)
    # Without stereo, as scaffold splits usually are: stereoisomers share a group, and a '*' that carried a
    # double bond's stereo reference cannot move its molecule to another group.
    scaffold = Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(base), isomericSmiles=False)
    return scaffold or "acyclic:" + Chem.MolToSmiles(base, isomericSmiles=False)


def scaffold_smiles(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(mol))


def random_variant(mol: Chem.Mol, seed: int) -> str | None:
    """A non-canonical SMILES of the same molecule (seeded), or None when every writing is the canonical one."""
    canonical = Chem.MolToSmiles(mol)
    for text in Chem.MolToRandomSmilesVect(mol, 4, randomSeed=seed % (2**31)):
        if text != canonical:
            return text
    return None


def fingerprint(mol: Chem.Mol):
    return fingerprint_generator("morgan").GetFingerprint(mol)


def tanimoto(mol_a: Chem.Mol, mol_b: Chem.Mol) -> float:
    return DataStructs.TanimotoSimilarity(fingerprint(mol_a), fingerprint(mol_b))


def is_atom_mapping(mol_a: Chem.Mol, mol_b: Chem.Mol, mapping: list[int]) -> bool:
    """True when `mapping` (atom i of a → atom mapping[i] of b) is a graph isomorphism keeping elements, charges,
    hydrogen counts, aromaticity and bond types. Symmetric molecules have several valid mappings: all pass."""
    n = mol_a.GetNumAtoms()
    if n != mol_b.GetNumAtoms() or len(mapping) != n or sorted(mapping) != list(range(n)):
        return False
    for atom in mol_a.GetAtoms():
        other = mol_b.GetAtomWithIdx(mapping[atom.GetIdx()])
        if (atom.GetAtomicNum(), atom.GetFormalCharge(), atom.GetTotalNumHs(), atom.GetIsAromatic()) != (
            other.GetAtomicNum(),
            other.GetFormalCharge(),
            other.GetTotalNumHs(),
            other.GetIsAromatic(),
        ):
            return False
    if mol_a.GetNumBonds() != mol_b.GetNumBonds():
        return False
    for bond in mol_a.GetBonds():
        other = mol_b.GetBondBetweenAtoms(mapping[bond.GetBeginAtomIdx()], mapping[bond.GetEndAtomIdx()])
        if other is None or other.GetBondType() != bond.GetBondType():
            return False
    return True
