"""Structure elucidation from a molecular formula and 1H/13C shift lists: candidates ranked by shift agreement.

Candidates are (a) compounds of the shipped sets (DrugCentral approved, NPClassifier 5k) with the formula and
(b) for formulas of ≤ 12 heavy atoms, every constitutional isomer (labs.chemistry.isomers). Both are filtered by
what the data imply — a 13C signal above 165 ppm means a C=O, aromatic 1H (6.5–8.5 ppm) with ≥ 4 degrees of
unsaturation mean an aromatic ring — and by symmetry: a candidate needs at least as many symmetry-distinct
carbons (and hydrogen positions) as there are given signals. Each survivor's shifts are predicted with the
additive model of labs.chemistry.shifts, matched to the given signals by optimal assignment, and scored by
mean absolute error per nucleus; the combined score is the mean of MAE / typical model error.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import rdMolDescriptors
from scipy.optimize import linear_sum_assignment

from knowledge.common.errors import Ech0Error
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K
from labs.chemistry.isomers import MAX_HEAVY_ATOMS, enumerate_isomers, hill, parse_formula, unsaturation
from labs.chemistry.shifts import ShiftClass, predict, rules

_CARBONYL = Chem.MolFromSmarts("[#6]=[#8]")
_AROMATIC_RINGS = (  # ring seed, element needs, least unsaturation
    ("benzene", {"C": 6}, 4),
    ("pyridine", {"C": 5, "N": 1}, 4),
    ("furan", {"C": 4, "O": 1}, 3),
    ("pyrrole", {"C": 4, "N": 1}, 3),
    ("thiophene", {"C": 4, "S": 1}, 3),
)


def check_shifts(values: list[float] | None, nucleus: str) -> list[float]:
    """The given shifts as floats; Ech0Error for values outside the nucleus's range or not numbers."""
    lo, hi = rules()["score"]["ranges"][nucleus]
    label = "13C" if nucleus == "C" else "1H"
    out = []
    for v in values or []:
        if not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
            raise Ech0Error(f"{label} shift {v!r} is out of range: give ppm values between {lo:g} and {hi:g}")
        out.append(float(v))
    return out


@dataclass
class Constraints:
    carbonyls: int = 0
    aromatic: bool = False
    notes: list[str] = field(default_factory=list)

    def fragments(self, counts: Counter, dbe: int) -> list[list[str]] | None:
        """Seed alternatives for the isomer generator, or None for an unconstrained run."""
        co = ["carbonyl"] * self.carbonyls
        if not self.aromatic:
            return [co] if co else None
        rings = [n for n, need, u in _AROMATIC_RINGS if dbe >= u and all(counts[e] >= k for e, k in need.items())]
        return [[ring, *co] for ring in rings]

    def allows(self, mol: Chem.Mol) -> bool:
        if len(mol.GetSubstructMatches(_CARBONYL)) < self.carbonyls:
            return False
        return not self.aromatic or any(a.GetIsAromatic() for a in mol.GetAtoms())


def data_constraints(counts: Counter, dbe: int, c_shifts: list[float], h_shifts: list[float]) -> Constraints:
    """What the shift lists imply about the structure (each stated in `notes`)."""
    cons = Constraints()
    co = len({round(c, 1) for c in c_shifts if c >= 165.0})
    if any(9.0 <= h <= 13.5 for h in h_shifts):  # aldehyde CHO or carboxylic acid OH
        co = max(co, 1)
    if co and counts["O"]:
        cons.carbonyls = min(co, counts["O"])
        cons.notes.append(f"≥ {cons.carbonyls} C=O (13C ≥ 165 ppm or 1H 9–13.5 ppm)")
    aromatic_h = any(6.5 <= h <= 8.5 for h in h_shifts)
    aromatic_c = not h_shifts and len({round(c, 1) for c in c_shifts if 110.0 <= c < 165.0}) >= 3
    if dbe >= 4 and (aromatic_h or aromatic_c):
        rings = [n for n, need, u in _AROMATIC_RINGS if dbe >= u and all(counts[e] >= k for e, k in need.items())]
        if rings:
            cons.aromatic = True
            why = "1H 6.5–8.5 ppm" if aromatic_h else "≥ 3 13C signals at 110–165 ppm"
            cons.notes.append(f"an aromatic ring ({why}, unsaturation {dbe}; seeds: {', '.join(rings)})")
    return cons


def _read_smiles(path: Path, name_column: str | None) -> list[tuple[str, str | None]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(row["smiles"], row.get(name_column) if name_column else None) for row in csv.DictReader(fh)]


@cache
def shipped_by_formula() -> dict[str, list[tuple[str, str]]]:
    """Formula → [(canonical SMILES without stereo, label)] for the single-component neutral shipped compounds."""
    out: dict[str, list[tuple[str, str]]] = {}
    RDLogger.DisableLog("rdApp.*")
    try:
        sets = (("drugcentral", DRUGCENTRAL_APPROVED, "name"), ("npclassifier", NPCLASSIFIER_5K, None))
        for source, path, col in sets:
            for row, (smiles, name) in enumerate(_read_smiles(path, col), 1):
                mol = Chem.MolFromSmiles(smiles) if smiles and "." not in smiles else None
                if mol is None or any(a.GetFormalCharge() for a in mol.GetAtoms()):
                    continue
                label = f"{source}: {name}" if name else f"{source} row {row}"
                canon = Chem.MolToSmiles(mol, isomericSmiles=False)
                out.setdefault(rdMolDescriptors.CalcMolFormula(mol), []).append((canon, label))
    finally:
        RDLogger.EnableLog("rdApp.*")
    return out


def match(given: list[float], counts: list[int] | None, classes: list[ShiftClass]) -> list[tuple[int, int]] | None:
    """(given index, class index) pairs: an optimal one-to-one assignment of the given signals to classes, then
    every remaining non-exchangeable class joined to its nearest signal (overlapping peaks). None when there are
    more signals than classes (the candidate has too few symmetry-distinct positions)."""
    if not given:
        return []
    if len(given) > len(classes):
        return None
    g = np.asarray(given)[:, None]
    p = np.asarray([c.shift for c in classes])[None, :]
    cost = np.abs(g - p)
    if counts:
        cost = cost + rules()["score"]["h_count_weight"] * np.abs(
            np.asarray(counts)[:, None] - np.asarray([c.count for c in classes])[None, :]
        )
    rows, cols = linear_sum_assignment(cost)
    pairs = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]
    used = set(cols.tolist())
    for j, c in enumerate(classes):
        if j not in used and not c.exchangeable:
            pairs.append((int(np.argmin(np.abs(np.asarray(given) - c.shift))), j))
    return pairs


def _report(given: list[float], classes: list[ShiftClass], pairs: list[tuple[int, int]]) -> tuple[float, list]:
    rows = [
        {"given": given[i], "predicted": classes[j].shift, "n": classes[j].count, "atoms": list(classes[j].atoms)}
        for i, j in pairs
    ]
    rows.sort(key=lambda r: -r["given"])
    return round(sum(abs(r["given"] - r["predicted"]) for r in rows) / len(rows), 3), rows


def score(mol: Chem.Mol, c_shifts: list[float], h_shifts: list[float], h_counts: list[int] | None) -> dict | None:
    """MAE per nucleus, combined score and per-signal table of one candidate; None when it cannot fit the counts."""
    carbons, hydrogens = predict(mol)
    c_pairs = match(c_shifts, None, carbons)
    h_pairs = match(h_shifts, h_counts, hydrogens)
    if c_pairs is None or h_pairs is None:
        return None
    scale = rules()["score"]["scale_ppm"]
    out: dict = {}
    parts = []
    if c_shifts:
        out["c13_mae"], out["c13"] = _report(c_shifts, carbons, c_pairs)
        parts.append(out["c13_mae"] / scale["C"])
    if h_shifts:
        out["h1_mae"], out["h1"] = _report(h_shifts, hydrogens, h_pairs)
        parts.append(out["h1_mae"] / scale["H"])
    out["score"] = round(sum(parts) / len(parts), 4)
    return out


def _check_counts(h_counts: list[int] | None, h_shifts: list[float], n_h: int) -> list[int] | None:
    if not h_counts:
        return None
    if len(h_counts) != len(h_shifts) or any(not isinstance(n, int) or n < 1 for n in h_counts):
        raise Ech0Error("h_counts must give one positive integer (the integral, in H) per 1H shift")
    if sum(h_counts) > n_h:
        raise Ech0Error(f"the 1H integrals add up to {sum(h_counts)} H but the formula has {n_h} H")
    return list(h_counts)


def _candidates(counts: Counter, formula: str, cons: Constraints, dbe: int, cap: int, budget: float) -> tuple:
    """{canonical SMILES: label} from the shipped sets and the enumeration, plus the enumeration's record."""
    pool: dict[str, str] = {}
    heavy = sum(n for el, n in counts.items() if el != "H")
    if heavy <= MAX_HEAVY_ATOMS:
        run = enumerate_isomers(counts, cons.fragments(counts, dbe), cap=cap, time_budget_s=budget)
        for smi in run.smiles:
            pool.setdefault(Chem.MolToSmiles(Chem.MolFromSmiles(smi), isomericSmiles=False), "enumerated")
        enumeration = {
            "searched": True,
            "n_isomers": len(run.smiles),
            "complete": run.complete,
            "stopped": run.stopped,
            "seconds": run.seconds,
            "seeds": run.fragments,
        }
    else:
        enumeration = {
            "searched": False,
            "note": f"{formula} has {heavy} heavy atoms, above the enumeration bound of ≤ {MAX_HEAVY_ATOMS}: "
            "only the shipped sets (DrugCentral approved, NPClassifier 5k) were searched",
        }
    shipped = shipped_by_formula().get(hill(counts), [])
    for smi, label in shipped:
        pool[smi] = label if pool.get(smi, "enumerated") == "enumerated" else pool[smi]
    return pool, enumeration, len(shipped)


def elucidate(
    formula: str,
    h_shifts: list[float] | None = None,
    c_shifts: list[float] | None = None,
    h_counts: list[int] | None = None,
    max_candidates: int = 10,
    use_constraints: bool = True,
    cap: int = 200_000,
    time_budget_s: float = 60.0,
) -> dict:
    """Rank candidate structures of `formula` by agreement of predicted and given shifts (lower score is better)."""
    counts = parse_formula(formula)
    dbe = unsaturation(counts, formula)
    c = check_shifts(c_shifts, "C")
    h = check_shifts(h_shifts, "H")
    if not c and not h:
        raise Ech0Error("no shifts given: give 13C and/or 1H chemical shifts in ppm")
    if len(c) > counts["C"]:
        raise Ech0Error(f"{len(c)} 13C signals but the formula has only {counts['C']} carbons")
    n_h = _check_counts(h_counts, h, counts["H"])
    if not 1 <= max_candidates <= 100:
        raise Ech0Error(f"max_candidates={max_candidates} is out of range: give 1–100")
    cons = data_constraints(counts, dbe, c, h) if use_constraints else Constraints()
    name = hill(counts)
    pool, enumeration, n_shipped = _candidates(counts, name, cons, dbe, cap, time_budget_s)
    ranked, excluded = [], Counter()
    for smi, label in pool.items():
        mol = Chem.MolFromSmiles(smi)
        if not cons.allows(mol):
            excluded["constraints"] += 1
            continue
        fit = score(mol, c, h, n_h)
        if fit is None:
            excluded["too_few_symmetry_distinct_positions"] += 1
            continue
        ranked.append({"smiles": smi, "source": label, **fit})
    if not ranked:
        where = enumeration.get("note") or f"{len(pool)} candidates"
        if enumeration.get("stopped"):
            where += (
                f"; enumeration stopped early ({enumeration['stopped']} after {enumeration['seconds']:g} s) before "
                "finishing any isomer: raise time_budget_s/cap or keep use_constraints on"
            )
        raise Ech0Error(
            f"no candidate of {name} fits the data ({where}; excluded: {dict(excluded) or 'none'}"
            f"{'; constraints: ' + '; '.join(cons.notes) if cons.notes else ''}): check the shift lists"
            + (" or retry with use_constraints=False" if cons.notes else "")
        )
    ranked.sort(key=lambda r: (r["score"], r["smiles"]))
    for k, r in enumerate(ranked, 1):
        r["rank"] = k
    result = {
        "formula": name,
        "unsaturation": dbe,
        "bound_heavy_atoms": MAX_HEAVY_ATOMS,
        "enumeration": enumeration,
        "shipped_matches": n_shipped,
        "constraints": cons.notes,
        "excluded": dict(excluded),
        "n_ranked": len(ranked),
        "candidates": ranked[:max_candidates],
        "model": f"additive shift rules v{rules()['version']} (labs/chemistry/data/nmr_shift_rules.yaml)",
    }
    result["statement"] = statement(result)
    return result


def _fit(r: dict) -> str:
    parts = [f"13C MAE {r['c13_mae']:.1f} ppm"] if "c13_mae" in r else []
    parts += [f"1H MAE {r['h1_mae']:.2f} ppm"] if "h1_mae" in r else []
    label = r["smiles"] if r["source"] == "enumerated" else f"{r['smiles']} ({r['source']})"
    return f"{label} ({', '.join(parts)}; score {r['score']:.2f})"


def statement(result: dict) -> str:
    """One paragraph: what was searched, the best fit with its evidence, and the runner-up."""
    e = result["enumeration"]
    if e["searched"]:
        extent = (
            "enumeration complete"
            if e["complete"]
            else (f"enumeration stopped at {e['n_isomers']:,} candidates ({e['stopped']}): the ranking covers those")
        )
        bound = f"bound: ≤{result['bound_heavy_atoms']} heavy atoms"
        searched = f"{e['n_isomers']:,} isomers of {result['formula']} ({bound}, {extent}"
        searched += f"; constraints: {'; '.join(result['constraints'])})" if result["constraints"] else ")"
    else:
        searched = f"the shipped compounds of {result['formula']} ({e['note']})"
    if result["shipped_matches"] and e["searched"]:
        searched += f" plus {result['shipped_matches']} shipped compound(s)"
    best = result["candidates"]
    text = f"Of {searched}, {result['n_ranked']:,} fit the signal counts; {_fit(best[0])} fits the given shifts best"
    if len(best) > 1:
        text += f"; runner-up {_fit(best[1])}"
    return text + ". Scores compare candidates under a simple additive shift model; they are not probabilities."
