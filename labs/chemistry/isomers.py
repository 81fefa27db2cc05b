"""Molecular formulas and a constitutional-isomer generator for small formulas.

The generator builds every connected molecular graph whose atoms have their standard valences (C 4, N 3, O 2,
S 2, halogens 1; no charges, no hypervalent S or N) and whose hydrogens fill the free valences exactly:

1. Spanning tree: start from one seed (a required fragment such as a benzene ring, or a single atom of the
   formula's first element) and attach the remaining atoms or fragments one at a time by single bonds.
2. Unsaturation: add the remaining bond units one at a time, each either a ring-closing bond or one more order
   on an existing bond (to a triple bond at most).

Every connected graph has a spanning tree that can be grown from any of its atoms (or from a fragment, after
contracting it), so the two phases reach every isomer. Each level is deduplicated by RDKit's canonical SMILES of
the Kekulé graph (not aromatised, so two Kekulé forms of a ring are both kept and can grow differently); the
final set is deduplicated by the sanitised canonical SMILES. A cap on the states per level and a time budget
stop the run, and the result says when they did.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

from rdkit import Chem, RDLogger

from knowledge.common.errors import Ech0Error

VALENCE = {"C": 4, "N": 3, "O": 2, "S": 2, "F": 1, "Cl": 1, "Br": 1, "I": 1}
HALOGENS = ("F", "Cl", "Br", "I")
MAX_HEAVY_ATOMS = 12

_BOND = {1: Chem.BondType.SINGLE, 2: Chem.BondType.DOUBLE, 3: Chem.BondType.TRIPLE}
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)")

# Required fragments (Kekulé graphs: element symbols and bonds with their orders).
FRAGMENTS: dict[str, tuple[tuple[str, ...], dict[tuple[int, int], int]]] = {
    "benzene": (("C",) * 6, {(0, 1): 2, (1, 2): 1, (2, 3): 2, (3, 4): 1, (4, 5): 2, (0, 5): 1}),
    "pyridine": (("N",) + ("C",) * 5, {(0, 1): 2, (1, 2): 1, (2, 3): 2, (3, 4): 1, (4, 5): 2, (0, 5): 1}),
    "furan": (("O",) + ("C",) * 4, {(0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 4): 2, (0, 4): 1}),
    "pyrrole": (("N",) + ("C",) * 4, {(0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 4): 2, (0, 4): 1}),
    "thiophene": (("S",) + ("C",) * 4, {(0, 1): 1, (1, 2): 2, (2, 3): 1, (3, 4): 2, (0, 4): 1}),
    "carbonyl": (("C", "O"), {(0, 1): 2}),
}


def parse_formula(formula: str) -> Counter:
    """Element counts of a molecular formula such as 'C8H10O' (elements C, H, N, O, S, F, Cl, Br, I)."""
    text = (formula or "").strip()
    if not text or "".join(m.group(0) for m in _TOKEN.finditer(text)) != text:
        raise Ech0Error(f"formula {formula!r} cannot be parsed: write it like 'C8H10O' (element symbols and counts)")
    counts: Counter = Counter()
    for symbol, n in _TOKEN.findall(text):
        if symbol != "H" and symbol not in VALENCE:
            raise Ech0Error(
                f"formula {formula!r} has element {symbol!r}: only C, H, N, O, S, F, Cl, Br and I are supported"
            )
        counts[symbol] += int(n) if n else 1
    if counts["C"] < 1:
        raise Ech0Error(f"formula {formula!r} has no carbon: give an organic formula such as 'C3H8O'")
    return counts


def hill(counts: Counter) -> str:
    """The Hill-order formula string (C, H, then the rest alphabetically), as RDKit's CalcMolFormula writes it."""
    order = ["C", "H"] + sorted(k for k in counts if k not in ("C", "H"))
    return "".join(f"{el}{counts[el] if counts[el] > 1 else ''}" for el in order if counts.get(el))


def unsaturation(counts: Counter, formula: str = "") -> int:
    """Degree of unsaturation (rings + pi bonds); Ech0Error when no neutral closed-shell molecule has the formula."""
    heavy = sum(n for el, n in counts.items() if el != "H")
    twice = sum(n * (VALENCE[el] - 2) for el, n in counts.items() if el != "H") + 2 - counts["H"]
    if twice < 0 or twice % 2:
        raise Ech0Error(
            f"formula {formula or hill(counts)} is impossible for a neutral molecule: degree of unsaturation "
            f"{twice / 2:g} (it must be a whole number ≥ 0; check the hydrogen count)"
        )
    if heavy == 1 and twice:
        raise Ech0Error(f"formula {formula or hill(counts)} has one heavy atom and too few hydrogens")
    return twice // 2


@dataclass
class Enumeration:
    smiles: list[str]
    complete: bool
    stopped: str | None  # why the run stopped early ("cap", "time"), None when complete
    seconds: float
    fragments: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Graph:
    atoms: tuple[str, ...]
    bonds: tuple[tuple[int, int, int], ...]  # (i, j, order) with i < j, sorted

    def free(self) -> list[int]:
        used = [0] * len(self.atoms)
        for i, j, o in self.bonds:
            used[i] += o
            used[j] += o
        return [VALENCE[a] - u for a, u in zip(self.atoms, used, strict=True)]

    def mol(self, hydrogens: bool = False) -> Chem.RWMol:
        mol = Chem.RWMol()
        free = self.free() if hydrogens else None
        for k, symbol in enumerate(self.atoms):
            atom = Chem.Atom(symbol)
            atom.SetNoImplicit(True)
            if free is not None:
                atom.SetNumExplicitHs(free[k])
            mol.AddAtom(atom)
        for i, j, o in self.bonds:
            mol.AddBond(i, j, _BOND[o])
        return mol

    def key(self) -> str:
        mol = self.mol()
        mol.UpdatePropertyCache(strict=False)
        return Chem.MolToSmiles(mol, canonical=True)


def _attach(g: _Graph, at: int, frag: tuple[tuple[str, ...], dict], frag_at: int) -> _Graph:
    off = len(g.atoms)
    bonds = list(g.bonds) + [(i + off, j + off, o) for (i, j), o in frag[1].items()] + [(at, frag_at + off, 1)]
    return _Graph(g.atoms + frag[0], tuple(sorted(bonds)))


def _raise(g: _Graph, i: int, j: int) -> _Graph:
    bonds = dict(((a, b), o) for a, b, o in g.bonds)
    bonds[(i, j)] = bonds.get((i, j), 0) + 1
    return _Graph(g.atoms, tuple(sorted((a, b, o) for (a, b), o in bonds.items())))


class _Budget:
    def __init__(self, cap: int, seconds: float) -> None:
        self.cap, self.deadline, self.stopped = cap, time.monotonic() + seconds, None

    def exhausted(self, n_states: int) -> bool:
        if n_states >= self.cap:
            self.stopped = self.stopped or "cap"
        elif time.monotonic() > self.deadline:
            self.stopped = self.stopped or "time"
        return self.stopped is not None


def _grow(counts: Counter, required: list[str], budget: _Budget) -> list[_Graph]:
    """Every valence-satisfied connected graph of the formula containing the required fragments (Kekulé form)."""
    heavy_needed = Counter({el: n for el, n in counts.items() if el != "H"})
    in_fragments = Counter(a for name in required for a in FRAGMENTS[name][0])
    if in_fragments - heavy_needed:  # the fragments need atoms the formula lacks
        return []
    items: list[str] = list(required) + sorted((heavy_needed - in_fragments).elements())
    total_units = (sum(VALENCE[el] * n for el, n in heavy_needed.items()) - counts["H"]) // 2
    frag_units = sum(sum(FRAGMENTS[n][1].values()) for n in required)
    extra = total_units - frag_units - (len(items) - 1)
    if extra < 0:
        return []
    first = items[0]
    seed = FRAGMENTS.get(first, ((first,), {}))
    start = _Graph(seed[0], tuple(sorted((i, j, o) for (i, j), o in seed[1].items())))
    level: dict[str, tuple[_Graph, Counter]] = {start.key(): (start, Counter(items[1:]))}
    # Phase 1: spanning tree over the items.
    for step in range(len(items) - 1):
        nxt: dict[str, tuple[_Graph, Counter]] = {}
        last = step == len(items) - 2 and extra == 0
        for g, left in level.values():
            if budget.exhausted(len(nxt)):
                if last:  # the states of the final level found so far are isomers: keep them
                    break
                return []
            free = g.free()
            for item in left:
                frag = FRAGMENTS.get(item, ((item,), {}))
                frag_free = _Graph(frag[0], tuple((i, j, o) for (i, j), o in frag[1].items())).free()
                rest = left - Counter([item])
                for at in (k for k, f in enumerate(free) if f > 0):
                    for fa in (k for k, f in enumerate(frag_free) if f > 0):
                        child = _attach(g, at, frag, fa)
                        nxt.setdefault(child.key(), (child, rest))
        level = nxt
    # Phase 2: the remaining bond units, as ring closures or higher bond orders.
    graphs = {k: g for k, (g, _) in level.items()}
    for step in range(extra):
        nxt_graphs: dict[str, _Graph] = {}
        for g in graphs.values():
            if budget.exhausted(len(nxt_graphs)):
                if step == extra - 1:
                    break
                return []
            free = g.free()
            open_atoms = [k for k, f in enumerate(free) if f > 0]
            orders = {(i, j): o for i, j, o in g.bonds}
            for x, i in enumerate(open_atoms):
                for j in open_atoms[x + 1 :]:
                    if orders.get((i, j), 0) < 3:
                        child = _raise(g, i, j)
                        nxt_graphs.setdefault(child.key(), child)
        graphs = nxt_graphs
    return list(graphs.values())


def _final_smiles(g: _Graph) -> str | None:
    mol = g.mol(hydrogens=True)
    try:
        Chem.SanitizeMol(mol)
    except Exception:  # noqa: BLE001 - RDKit raises several types for graphs it cannot sanitise (anti-aromatic rings)
        return None
    return Chem.MolToSmiles(mol)


def enumerate_isomers(
    counts: Counter,
    fragments: list[list[str]] | None = None,
    cap: int = 200_000,
    time_budget_s: float = 30.0,
) -> Enumeration:
    """Constitutional isomers of a formula (≤ MAX_HEAVY_ATOMS heavy atoms) as canonical SMILES.

    `fragments` lists alternatives, each a list of FRAGMENTS names that must all be present (e.g.
    [["benzene", "carbonyl"], ["pyridine", "carbonyl"]]); the result is the union. None means unconstrained.
    """
    heavy = sum(n for el, n in counts.items() if el != "H")
    if heavy > MAX_HEAVY_ATOMS:
        raise Ech0Error(f"{hill(counts)} has {heavy} heavy atoms: enumeration is bounded to ≤ {MAX_HEAVY_ATOMS}")
    unsaturation(counts)
    alternatives = fragments or [[]]
    for alt in alternatives:
        unknown = [n for n in alt if n not in FRAGMENTS]
        if unknown:
            raise Ech0Error(f"unknown fragment {unknown[0]!r}: choose from {', '.join(FRAGMENTS)}")
    started = time.monotonic()
    budget = _Budget(cap, time_budget_s)
    found: set[str] = set()
    lg = RDLogger.logger()
    lg.setLevel(RDLogger.CRITICAL)
    try:
        for alt in alternatives:
            for g in _grow(counts, alt, budget):
                smi = _final_smiles(g)
                if smi is not None:
                    found.add(smi)
                if len(found) >= cap:
                    budget.stopped = budget.stopped or "cap"
                    break
            if budget.stopped:
                break
    finally:
        lg.setLevel(RDLogger.WARNING)
    return Enumeration(
        smiles=sorted(found),
        complete=budget.stopped is None,
        stopped=budget.stopped,
        seconds=round(time.monotonic() - started, 3),
        fragments=[list(a) for a in alternatives if a],
    )
