"""A compound's molecule facts (`MoleculeFacts`): every RDKit fact the templates need, computed once per compound
(the hot loop then only formats strings). Also the derived molecules: a non-canonical SMILES (atom mapping), a
'*'-marked copy (shortest path) and validated analogues (scaffold decorations / matched pairs)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from rdkit import Chem

from finetune.dataset import edits
from finetune.dataset.sources import SourceCompound
from finetune.quality.facts import element_counts, mol_facts
from knowledge.common.mol import to_mol
from labs.chemistry import structure

MAX_MAPPING_ATOMS = 24  # atom-mapping answers list every atom: keep them short enough to read and learn
SPLIT_FRACTIONS = (0.8, 0.1)  # train, validation; the rest is test


def split_for(group: str, seed: int) -> str:
    """Deterministic split of a scaffold group (hash of seed and group): no group is ever in two splits."""
    digest = hashlib.blake2b(f"{seed}:{group}".encode(), digest_size=8).digest()
    u = int.from_bytes(digest, "big") / 2**64
    train, validation = SPLIT_FRACTIONS
    return "train" if u < train else "validation" if u < train + validation else "test"


@dataclass
class Analogue:
    """A parent with one aromatic C–H replaced by a substituent: the matched pair (parent, analogue)."""

    compound: MoleculeFacts
    site: int  # atom index in the parent's canonical SMILES
    substituent: str


@dataclass
class MoleculeFacts:
    key: str
    source: str
    smiles: str  # canonical
    ids: dict[str, str]
    name: str | None
    annotations: dict[str, Any]
    values: dict[str, Any]  # mol_facts
    counts: dict[str, int]  # element_counts
    group: str
    split: str
    mol: Chem.Mol = field(repr=False)
    named_fact: bool = False  # the name comes from a source that the checker can verify
    variant: str | None = None
    mapping: list[int] | None = None
    starred: str | None = None
    path_bonds: int | None = None
    analogues: list[Analogue] = field(default_factory=list)
    analogues_rejected: int = 0

    @property
    def label(self) -> str:
        return self.name or self.smiles

    def ref(self) -> dict[str, Any]:
        out: dict[str, Any] = {"smiles": self.smiles, "ids": self.ids}
        if self.name:
            out["name"] = self.name
        return out


def _base(source: SourceCompound, mol: Chem.Mol, canonical: str, seed: int) -> MoleculeFacts:
    group = edits.group_key(mol)
    return MoleculeFacts(
        key=source.key,
        source=source.source,
        smiles=canonical,
        ids=dict(source.ids),
        name=source.name or None,
        annotations=dict(source.annotations),
        values=mol_facts(mol),
        counts=element_counts(mol),
        group=group,
        split=split_for(group, seed),
        mol=mol,
        named_fact=source.source == "drugcentral",
    )


def build_molecule_facts(source: SourceCompound, seed: int, n_analogues: int) -> MoleculeFacts | None:
    """The compound's molecule facts, or None when its SMILES does not parse or round-trip (counted invalid)."""
    canonical = edits.round_trip(source.smiles)
    if canonical is None:
        return None
    mol = to_mol(canonical)
    molecule = _base(source, mol, canonical, seed)
    rng = random.Random(f"{seed}:{source.key}")
    if mol.GetNumAtoms() <= MAX_MAPPING_ATOMS and mol.GetNumAtoms() >= 3:
        variant = edits.random_variant(mol, rng.randrange(2**31))
        if variant is not None:
            molecule.variant = variant
            molecule.mapping = structure.atom_mapping(to_mol(variant), mol)
    _add_starred(molecule, rng)
    molecule.analogues, molecule.analogues_rejected = make_analogues(molecule, rng, n_analogues, seed)
    return molecule


def _add_starred(molecule: MoleculeFacts, rng: random.Random) -> None:
    sites = edits.hydrogen_sites(molecule.mol, aromatic_carbon_only=False)
    if len(Chem.GetMolFrags(molecule.mol)) != 1 or len(sites) < 2:
        return
    a, b = sorted(rng.sample(sites, 2))
    starred = edits.attach(molecule.mol, [a, b], "*")
    if starred is None:
        return
    text = edits.round_trip(Chem.MolToSmiles(starred))
    if text is None:
        return
    mol = to_mol(text)
    if edits.group_key(mol) != molecule.group:
        return  # the marked copy must stay in its parent's split group
    molecule.starred = text
    molecule.path_bonds = structure.shortest_path_bonds(mol)


def make_analogues(parent: MoleculeFacts, rng: random.Random, k: int, seed: int) -> tuple[list[Analogue], int]:
    """Up to k analogues: an aromatic C–H of a symmetry-distinct site swapped for F, Cl, CH3 or OH. Each must
    sanitize, round-trip, differ from the parent and keep its scaffold group (else it is rejected and counted)."""
    if k <= 0:
        return [], 0
    sites = edits.symmetry_unique(parent.mol, edits.hydrogen_sites(parent.mol, aromatic_carbon_only=True))
    options = [(site, sub) for site in sites for sub in edits.SUBSTITUENTS]
    rng.shuffle(options)
    out: list[Analogue] = []
    seen = {parent.smiles}
    rejected = 0
    for site, sub in options:
        if len(out) >= k:
            break
        mol = edits.attach(parent.mol, [site], sub)
        canonical = edits.round_trip(Chem.MolToSmiles(mol)) if mol is not None else None
        if canonical is None or canonical in seen:
            rejected += canonical is None
            continue
        mol = to_mol(canonical)
        if edits.group_key(mol) != parent.group:
            rejected += 1
            continue
        seen.add(canonical)
        source = SourceCompound("analogue", f"{parent.key}/{site}{sub}", canonical, {"analogue_of": parent.key})
        molecule = _base(source, mol, canonical, seed)
        molecule.name = None
        out.append(Analogue(molecule, site, sub))
    return out, rejected
