"""An additive 13C and 1H chemical-shift model (tables and sources in data/nmr_shift_rules.yaml).

Each carbon (and each hydrogen-bearing atom) gets a base shift for its type — saturated, alkene, aromatic,
carbonyl, sp — plus increments for the substituent groups around it: Grant–Paul alpha/beta/gamma/delta terms
along saturated chains, named-group increments where the walk meets a functional group (the walk stops there:
a group's increment already includes its own atoms), benzene ipso/ortho/meta/para increments, and alkene
alpha/alpha' (13C) and gem/vicinal (1H) increments. Predictions are per symmetry class (RDKit
CanonicalRankAtoms without tie breaking), so equivalent atoms share one predicted shift.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rdkit import Chem

RULES_PATH = Path(__file__).resolve().parent / "data" / "nmr_shift_rules.yaml"
_DOUBLE, _TRIPLE = Chem.BondType.DOUBLE, Chem.BondType.TRIPLE


@cache
def rules() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ShiftClass:
    """One symmetry class: its atoms (heavy-atom indices), predicted shift and how many nuclei it holds."""

    atoms: tuple[int, ...]
    shift: float
    count: int
    exchangeable: bool = False  # O–H / N–H / S–H: often missing or broad, so optional when scoring


def _sp3_carbon(atom: Chem.Atom) -> bool:
    return (
        atom.GetSymbol() == "C"
        and not atom.GetIsAromatic()
        and all(b.GetBondType() == Chem.BondType.SINGLE for b in atom.GetBonds())
    )


def _double_o(atom: Chem.Atom) -> Chem.Atom | None:
    for b in atom.GetBonds():
        other = b.GetOtherAtom(atom)
        if b.GetBondType() == _DOUBLE and other.GetSymbol() == "O":
            return other
    return None


def _others(atom: Chem.Atom, *exclude: int) -> list[Chem.Atom]:
    return [n for n in atom.GetNeighbors() if n.GetIdx() not in exclude]


def group_of(mol: Chem.Mol, a: int, x: int) -> str:
    """The substituent group that starts at atom x, seen from its neighbour a (a key of the YAML tables)."""
    atom = mol.GetAtomWithIdx(x)
    el = atom.GetSymbol()
    if el == "C":
        if atom.GetIsAromatic():
            return "aryl"
        o = _double_o(atom)
        if o is not None:
            rest = _others(atom, a, o.GetIdx())
            if any(n.GetSymbol() == "O" for n in rest):
                oxy = next(n for n in rest if n.GetSymbol() == "O")
                return "cooh" if oxy.GetTotalNumHs() else "coor"
            if any(n.GetSymbol() == "N" for n in rest):
                return "conr"
            return "cor" if rest else "cho"
        for b in atom.GetBonds():
            if b.GetOtherAtomIdx(x) == a:
                continue
            if b.GetBondType() == _TRIPLE:
                return "nitrile" if b.GetOtherAtom(atom).GetSymbol() == "N" else "alkynyl"
            if b.GetBondType() == _DOUBLE:
                return "vinyl"
        return "alkyl"
    rest = _others(atom, a)
    if el == "O":
        if not rest:
            return "oh"
        if _double_o(rest[0]) is not None and rest[0].GetSymbol() == "C":
            return "ocor"
        return "oar" if rest[0].GetIsAromatic() else "or"
    if el == "N":
        if any(n.GetSymbol() == "C" and _double_o(n) is not None for n in rest):
            return "ncor"
        if atom.GetIsAromatic() or any(n.GetIsAromatic() for n in rest):
            return "nar"
        hs = atom.GetTotalNumHs()
        return "nh2" if hs >= 2 else "nhr" if hs == 1 else "nr2"
    if el == "S":
        return "sh" if atom.GetTotalNumHs() else "sr"
    return el.lower()  # halogens


def _aryl_key(mol: Chem.Mol, ring_atom: int, sub: int) -> str:
    """Benzene-increment key of a ring substituent: saturated carbons by how substituted they are."""
    g = group_of(mol, ring_atom, sub)
    if g != "alkyl":
        return g
    return ("methyl", "ch2", "ch", "c")[min(mol.GetAtomWithIdx(sub).GetDegree() - 1, 3)]


def _ring_of(mol: Chem.Mol, i: int) -> tuple[int, ...] | None:
    """The smallest aromatic ring through atom i, in ring order."""
    rings = [
        r for r in mol.GetRingInfo().AtomRings() if i in r and all(mol.GetAtomWithIdx(k).GetIsAromatic() for k in r)
    ]
    return min(rings, key=len) if rings else None


def _aromatic(mol: Chem.Mol, i: int, table: dict, ipso: bool) -> float:
    """Benzene-type additivity for an aromatic position: ring substituents and ring heteroatoms by ring distance."""
    ring = _ring_of(mol, i)
    shift = table["base"]
    if ring is None:
        return shift
    n, here = len(ring), ring.index(i)
    for pos, y in enumerate(ring):
        d = min(abs(pos - here), n - abs(pos - here))
        atom_y = mol.GetAtomWithIdx(y)
        hetero = table["hetero6" if n == 6 else "hetero5"].get(atom_y.GetSymbol()) if n in (5, 6) else None
        if hetero and d >= 1 and d <= len(hetero):
            shift += hetero[d - 1]
        if atom_y.GetSymbol() != "C":
            continue
        for sub in atom_y.GetNeighbors():
            if sub.GetIdx() in ring:
                continue
            key = _aryl_key(mol, y, sub.GetIdx()) if ipso else group_of(mol, y, sub.GetIdx())
            if ipso:
                shift += table["groups"].get(key, [0, 0, 0, 0])[d] if d <= 3 else 0.0
            elif 1 <= d <= 3:
                shift += table["groups"].get("alkyl" if key == "alkyl" else key, [0, 0, 0])[d - 1]
    return shift


def _walk(mol: Chem.Mol, i: int, depth: int) -> list[tuple[int, int, int]]:
    """(atom, parent, distance) met walking out of carbon i along saturated carbons, stopping at any other atom."""
    seen, out, queue = {i}, [], deque([(i, 0)])
    while queue:
        k, d = queue.popleft()
        if d >= depth or (k != i and not _sp3_carbon(mol.GetAtomWithIdx(k))):
            continue
        for n in mol.GetAtomWithIdx(k).GetNeighbors():
            j = n.GetIdx()
            if j not in seen:
                seen.add(j)
                out.append((j, k, d + 1))
                queue.append((j, d + 1))
    return out


def _c_sp3(mol: Chem.Mol, i: int) -> float:
    t = rules()["c13"]["sp3"]
    shift = t["base"]
    for j, parent, d in _walk(mol, i, 4):
        if _sp3_carbon(mol.GetAtomWithIdx(j)):
            shift += t["alkyl"][d - 1]
        elif d <= 3:
            shift += t["groups"].get(group_of(mol, parent, j), [0, 0, 0])[d - 1]
    atom = mol.GetAtomWithIdx(i)
    for n in atom.GetNeighbors():
        if _sp3_carbon(n):
            shift += t["branching"].get(f"{atom.GetDegree()}_{n.GetDegree()}", 0.0)
    return shift + t["ring"].get(mol.GetRingInfo().MinAtomRingSize(i), 0.0)


def _alkene_side(mol: Chem.Mol, atom: int, partner: int, prime: bool) -> float:
    t = rules()["c13"]["alkene"]
    suffix = "_p" if prime else ""
    shift = 0.0
    for s in _others(mol.GetAtomWithIdx(atom), partner):
        if not _sp3_carbon(s):
            shift += t["groups"].get(group_of(mol, atom, s.GetIdx()), [0, 0])[1 if prime else 0]
            continue
        shift += t["alkyl"]["alpha" + suffix]
        for j, _, d in _walk(mol, s.GetIdx(), 2):
            if j not in (atom, partner):
                shift += t["alkyl"][("beta" if d == 1 else "gamma") + suffix]
    return shift


def _c_carbonyl(mol: Chem.Mol, i: int, o: int) -> float:
    t = rules()["c13"]["carbonyl"]
    atom = mol.GetAtomWithIdx(i)
    rest = _others(atom, o)
    els = [n.GetSymbol() for n in rest]
    n_o, n_n = els.count("O"), els.count("N")
    if atom.GetTotalNumHs():
        kind = "formate" if n_o else "formamide" if n_n else "aldehyde"
    elif n_o == 2:
        kind = "carbonate"
    elif n_o and n_n:
        kind = "carbamate"
    elif n_o:
        oxy = rest[els.index("O")]
        if oxy.GetTotalNumHs():
            kind = "acid"
        else:
            kind = "anhydride" if any(_double_o(n) is not None for n in _others(oxy, i)) else "ester"
    elif n_n == 2:
        kind = "urea"
    elif n_n:
        kind = "amide"
    elif any(e in ("F", "Cl", "Br", "I") for e in els):
        kind = "acid_halide"
    else:
        kind = "ketone"
    shift = t[kind]
    carbons = [n for n in rest if n.GetSymbol() == "C"]
    conj = sum(1 for n in carbons if not _sp3_carbon(n))
    shift += max(t["conjugated"] * conj, t["conjugated_max"])
    for n in carbons:
        if _sp3_carbon(n):
            shift += t["beta_carbon"] * min(n.GetDegree() - 1, 2)
    return shift


def c13_shift(mol: Chem.Mol, i: int) -> float:
    """Predicted 13C shift (ppm) of carbon i."""
    atom = mol.GetAtomWithIdx(i)
    if atom.GetIsAromatic():
        return _aromatic(mol, i, rules()["c13"]["aromatic"], ipso=True)
    o = _double_o(atom)
    if o is not None:
        return _c_carbonyl(mol, i, o.GetIdx())
    other = rules()["c13"]["other"]
    doubles = [b for b in atom.GetBonds() if b.GetBondType() == _DOUBLE]
    for b in atom.GetBonds():
        if b.GetBondType() == _TRIPLE:
            if b.GetOtherAtom(atom).GetSymbol() == "N":
                return other["nitrile"]
            return other["alkyne_ch"] if atom.GetTotalNumHs() else other["alkyne_c"]
    if len(doubles) >= 2:
        return other["allene_center"]
    if doubles:
        partner = doubles[0].GetOtherAtom(atom)
        if partner.GetSymbol() != "C":
            return other["imine"]
        t = rules()["c13"]["alkene"]
        p = partner.GetIdx()
        return t["base"] + _alkene_side(mol, i, p, prime=False) + _alkene_side(mol, p, i, prime=True)
    return _c_sp3(mol, i)


def _h_exchangeable(mol: Chem.Mol, i: int) -> float:
    t = rules()["h1"]["exchangeable"]
    atom = mol.GetAtomWithIdx(i)
    nbrs = list(atom.GetNeighbors())
    acyl = any(n.GetSymbol() == "C" and _double_o(n) is not None for n in nbrs)
    if atom.GetSymbol() == "O":
        return t["acid"] if acyl else t["phenol"] if any(n.GetIsAromatic() for n in nbrs) else t["alcohol"]
    if atom.GetSymbol() == "N":
        if acyl:
            return t["amide"]
        if atom.GetIsAromatic():
            return t["aromatic_nh"]
        return t["aniline"] if any(n.GetIsAromatic() for n in nbrs) else t["amine"]
    return t["thiol"]


def _h_sp3(mol: Chem.Mol, i: int) -> float:
    t = rules()["h1"]["sp3"]
    atom = mol.GetAtomWithIdx(i)
    shift = t["base"].get(atom.GetTotalNumHs(), 1.3)
    alphas = sorted((t["alpha"].get(group_of(mol, i, n.GetIdx()), 0.0) for n in atom.GetNeighbors()), reverse=True)
    if alphas:
        shift += alphas[0] + t["second_alpha_factor"] * sum(alphas[1:])
    for n in atom.GetNeighbors():
        if _sp3_carbon(n):
            for m in _others(n, i):
                shift += t["beta"].get(group_of(mol, n.GetIdx(), m.GetIdx()), 0.0)
    return shift + t["ring"].get(mol.GetRingInfo().MinAtomRingSize(i), 0.0)


def h1_shift(mol: Chem.Mol, i: int) -> tuple[float, bool]:
    """Predicted 1H shift (ppm) of the hydrogens on heavy atom i, and whether they exchange (OH, NH, SH)."""
    atom = mol.GetAtomWithIdx(i)
    if atom.GetSymbol() != "C":
        return _h_exchangeable(mol, i), True
    h = rules()["h1"]
    if atom.GetIsAromatic():
        return _aromatic(mol, i, h["aromatic"], ipso=False), False
    o = _double_o(atom)
    if o is not None:
        rest = _others(atom, o.GetIdx())
        if any(n.GetSymbol() in ("O", "N") for n in rest):
            return h["other"]["formyl_ester_or_amide"], False
        conj = any(not _sp3_carbon(n) for n in rest)
        return h["other"]["aldehyde_conjugated" if conj else "aldehyde"], False
    if any(b.GetBondType() == _TRIPLE for b in atom.GetBonds()):
        return h["other"]["alkyne"], False
    doubles = [b for b in atom.GetBonds() if b.GetBondType() == _DOUBLE]
    if doubles:
        partner = doubles[0].GetOtherAtom(atom)
        if partner.GetSymbol() != "C":
            return h["other"]["imine"], False
        t = h["alkene"]
        shift = t["base"]
        for s in _others(atom, partner.GetIdx()):
            shift += t["groups"].get(group_of(mol, i, s.GetIdx()), [0, 0])[0]
        for s in _others(partner, i):
            shift += t["groups"].get(group_of(mol, partner.GetIdx(), s.GetIdx()), [0, 0])[1]
        return shift, False
    return _h_sp3(mol, i), False


def predict(mol: Chem.Mol) -> tuple[list[ShiftClass], list[ShiftClass]]:
    """13C and 1H shift classes of a sanitised molecule with implicit hydrogens."""
    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
    members: dict[int, list[int]] = {}
    for idx, r in enumerate(ranks):
        members.setdefault(r, []).append(idx)
    carbons, hydrogens = [], []
    for atoms in members.values():
        first = mol.GetAtomWithIdx(atoms[0])
        if first.GetSymbol() == "C":
            carbons.append(ShiftClass(tuple(atoms), round(c13_shift(mol, atoms[0]), 1), len(atoms)))
        n_h = first.GetTotalNumHs()
        if n_h:
            shift, exchangeable = h1_shift(mol, atoms[0])
            hydrogens.append(ShiftClass(tuple(atoms), round(shift, 2), n_h * len(atoms), exchangeable))
    return carbons, hydrogens
