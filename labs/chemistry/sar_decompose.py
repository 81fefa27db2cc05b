"""Structure side of SAR series analysis (pure functions): reading a series, its common core, R-groups per position,
and single-cut matched-pair fragments.

A series is checked row by row (SMILES parse, numeric value, duplicates) before any model sees it; the core is the
maximum common substructure (ring atoms match ring atoms only, complete rings) or, when the MCS search times out,
the Bemis–Murcko scaffold that every analogue shares.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from rdkit import Chem
from rdkit.Chem import rdFMCS
from rdkit.Chem import rdRGroupDecomposition as rgd
from rdkit.Chem.rdMMPA import FragmentMol
from rdkit.Chem.Scaffolds import MurckoScaffold

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, canonical_smiles, to_mol

MIN_ANALOGUES = 3
HYDROGEN = "[H]"
MCS_TIMEOUT_S = 10
# A core smaller than this (heavy atoms, and share of the smallest analogue) is a coincidence, not a series core.
MIN_CORE_ATOMS = 3
MIN_CORE_FRACTION = 1 / 3


@dataclass(frozen=True)
class Analogue:
    smiles: str  # canonical
    value: float
    rows: tuple[int, ...]  # input rows (0-based) merged into this structure
    mol: Chem.Mol = field(compare=False, repr=False)


@dataclass(frozen=True)
class Core:
    smarts: str
    smiles: str
    source: str  # "mcs" or "murcko"
    atoms: int


@dataclass(frozen=True)
class Decomposition:
    core: Core
    positions: list[str]  # R1, R2, … in numeric order
    series: list[dict[str, str]]  # per analogue: position → substituent label
    query: dict[str, str]


def _value(row: int, smiles: str, raw: object) -> float:
    if isinstance(raw, bool) or raw is None:
        raise Ech0Error(f"row {row} ({smiles}): value {raw!r} is not a number; give a measured activity or score")
    try:
        value = float(raw)  # numeric strings from a table ("7.2") are accepted
    except (TypeError, ValueError):
        hint = " (qualified values such as '>10' cannot be fitted)" if re.match(r"^\s*[<>~≤≥]", str(raw)) else ""
        raise Ech0Error(f"row {row} ({smiles}): value {raw!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise Ech0Error(f"row {row} ({smiles}): value {raw!r} is not a finite number")
    return value


def read_series(series: list) -> tuple[list[Analogue], list[str]]:
    """Unique analogues (duplicates merged, conflicting values averaged) and notes on what was merged."""
    if not isinstance(series, list | tuple) or len(series) < MIN_ANALOGUES:
        n = len(series) if isinstance(series, list | tuple) else 0
        raise Ech0Error(f"a SAR series needs at least {MIN_ANALOGUES} analogues with values; got {n}")
    by_smiles: dict[str, list[tuple[int, float, Chem.Mol]]] = {}
    for row, item in enumerate(series):
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise Ech0Error(f"row {row}: expected a (SMILES, value) pair, got {item!r}")
        smiles, raw = item
        try:
            mol = to_mol(str(smiles))
        except InvalidSmilesError as exc:
            raise InvalidSmilesError(f"row {row}: {exc}") from None
        by_smiles.setdefault(canonical_smiles(mol), []).append((row, _value(row, smiles, raw), mol))
    analogues, notes = [], []
    for smiles, entries in by_smiles.items():
        rows = tuple(r for r, _, _ in entries)
        values = [v for _, v, _ in entries]
        mean = sum(values) / len(values)
        if len(entries) > 1:
            where = ", ".join(f"row {r} = {v:g}" for r, v, _ in entries)
            if max(values) - min(values) > 1e-9:
                notes.append(
                    f"{smiles} appears {len(entries)} times with conflicting values ({where}): averaged to {mean:.4g}"
                )
            else:
                notes.append(f"{smiles} appears {len(entries)} times with the same value ({where}): counted once")
        analogues.append(Analogue(smiles, mean, rows, entries[0][2]))
    if len(analogues) < MIN_ANALOGUES:
        raise Ech0Error(
            f"a SAR series needs at least {MIN_ANALOGUES} distinct analogues; after merging duplicates there are "
            f"{len(analogues)}"
        )
    return analogues, notes


def _shared_scaffold(mols: list[Chem.Mol]) -> Chem.Mol | None:
    scaffolds = {Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(m)) for m in mols}
    if len(scaffolds) != 1:
        return None
    scaffold = Chem.MolFromSmiles(scaffolds.pop())
    return scaffold if scaffold is not None and scaffold.GetNumAtoms() else None


def find_core(mols: list[Chem.Mol]) -> tuple[Core | None, str]:
    """The series' common core, and a sentence on how it was found (or why there is none)."""
    result = rdFMCS.FindMCS(mols, ringMatchesRingOnly=True, completeRingsOnly=True, timeout=MCS_TIMEOUT_S)
    smallest = min(m.GetNumHeavyAtoms() for m in mols)
    need = max(MIN_CORE_ATOMS, math.ceil(MIN_CORE_FRACTION * smallest))
    if result.canceled:
        scaffold = _shared_scaffold(mols)
        if scaffold is not None and scaffold.GetNumAtoms() >= need:
            smiles = Chem.MolToSmiles(scaffold)
            core = Core(Chem.MolToSmarts(scaffold), smiles, "murcko", scaffold.GetNumAtoms())
            return core, f"MCS search timed out after {MCS_TIMEOUT_S} s; core is the shared Murcko scaffold {smiles}"
    if result.numAtoms >= need and not result.canceled:
        pattern = Chem.MolFromSmarts(result.smartsString)
        match = mols[0].GetSubstructMatch(pattern)
        smiles = Chem.MolFragmentToSmiles(mols[0], atomsToUse=list(match)) if match else result.smartsString
        core = Core(result.smartsString, smiles, "mcs", result.numAtoms)
        return core, f"core is the maximum common substructure {smiles} ({result.numAtoms} heavy atoms)"
    found = (
        f"the largest common substructure has {result.numAtoms} heavy atoms"
        if not result.canceled
        else (f"the MCS search timed out after {MCS_TIMEOUT_S} s and the analogues share no Murcko scaffold")
    )
    return None, f"the series has no common core ({found}; at least {need} needed)"


def substituent_label(rgroup_smiles: str) -> str:
    """Canonical SMILES of an R-group with its attachment written as '*'; hydrogen is '[H]'."""
    mol = Chem.MolFromSmiles(rgroup_smiles, sanitize=False)
    if mol is None:
        return rgroup_smiles
    if all(a.GetAtomicNum() <= 1 for a in mol.GetAtoms()):
        return HYDROGEN
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(0)
        if atom.GetAtomicNum() == 0:
            atom.SetIsotope(0)
    Chem.SanitizeMol(mol, catchErrors=True)
    return Chem.MolToSmiles(mol)


def _position_key(label: str) -> int:
    return int(label[1:]) if label[1:].isdigit() else 10**6


def decompose(core: Core, series: list[Chem.Mol], query: Chem.Mol) -> tuple[Decomposition | None, str]:
    """R-groups per position for every analogue and the query (decomposed together, so labels agree)."""
    params = rgd.RGroupDecompositionParameters()
    params.removeHydrogensPostMatch = True
    rows, unmatched = rgd.RGroupDecompose(
        [Chem.MolFromSmarts(core.smarts)], [*series, query], asSmiles=True, asRows=True, options=params
    )
    n = len(series)
    if n in unmatched:
        return None, "the unknown does not contain the series core, so it has no R-groups on it"
    if unmatched:
        return None, f"R-group decomposition did not match analogue rows {sorted(unmatched)} onto the core (ambiguous)"
    positions = sorted({k for row in rows for k in row if k != "Core"}, key=_position_key)
    labelled = [{p: substituent_label(row[p]) if p in row else HYDROGEN for p in positions} for row in rows]
    return Decomposition(core, positions, labelled[:n], labelled[n]), ""


def single_cuts(mol: Chem.Mol) -> list[tuple[str, str]]:
    """Every (context, variable) split of a molecule at one acyclic single bond, in both orientations."""
    cuts = set()
    for _, pieces in FragmentMol(mol, maxCuts=1, resultsAsMols=False):
        parts = pieces.split(".")
        if len(parts) != 2:
            continue
        a, b = (Chem.MolToSmiles(Chem.MolFromSmiles(p)) for p in parts)
        cuts.update({(a, b), (b, a)})
    return sorted(cuts)
