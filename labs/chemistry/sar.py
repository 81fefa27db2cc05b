"""SAR series prediction (pure logic): predict an unknown analogue's value from a table of measured analogues.

Models, tried in this order:
1. Free–Wilson additivity over R-groups on the common core (ordinary least squares on one-hot substituents per
   position, reference level = the most common substituent there): used when every substituent of the unknown was
   seen at its position and its combination is estimable from the series.
2. Matched molecular pairs (single-cut, Hussain–Rea style): the unknown differs from an analogue A by a
   transformation X→Y that the series also shows on another context (B→C); the estimate is y(A) + y(C) − y(B),
   averaged over all such squares.
3. Similarity-weighted k-NN on Morgan (r=2, 2048 bits) Tanimoto similarity.

Each model's error is its leave-one-out RMSE over the analogues it can predict without themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel
from rdkit import DataStructs

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, canonical_smiles, to_mol
from labs.chemistry.features import fingerprint_generator
from labs.chemistry.sar_decompose import HYDROGEN, Analogue, Core, decompose, find_core, read_series, single_cuts

K_NEIGHBOURS = 5
# Below this Tanimoto similarity to every analogue the unknown is outside the series: no value is given.
MIN_SIMILARITY = 0.25
Z95 = 1.96


class SarPrediction(BaseModel):
    prediction: float
    model: Literal["free_wilson", "matched_pairs", "similarity_knn", "measured"]
    value_name: str
    query: str  # canonical SMILES of the unknown
    core: str | None  # core SMILES (display) and SMARTS (as matched)
    core_smarts: str | None
    contributions: dict[str, dict[str, float]]  # Free–Wilson: position → substituent → contribution
    baseline: float | None  # Free–Wilson intercept: the analogue with the reference substituent everywhere
    used: list[dict[str, Any]]  # what the prediction is built from (terms, pairs or neighbours)
    fit_rmse: float | None  # Free–Wilson training RMSE; None for models without a fit
    loo_rmse: float | None
    q2: float | None
    n_loo: int  # analogues the leave-one-out error covers
    n: int  # distinct analogues in the series
    uncertainty: dict[str, Any] | None
    message: str


class _NotPredictable(Exception):
    """The model cannot predict this molecule; the message says why (used to choose the next model)."""


def _rmse(errors: list[float]) -> float | None:
    return math.sqrt(sum(e * e for e in errors) / len(errors)) if errors else None


@dataclass(frozen=True)
class LooResult:
    rmse: float | None
    q2: float | None
    n: int


def _loo(y: np.ndarray, predict_without: Any) -> LooResult:
    """Leave-one-out over the analogues: `predict_without(i)` predicts analogue i from the others, or raises."""
    errors, squares = [], []
    for i in range(len(y)):
        try:
            predicted = predict_without(i)
        except _NotPredictable:
            continue
        errors.append(predicted - y[i])
        squares.append((y[i] - np.delete(y, i).mean()) ** 2)
    press, total = sum(e * e for e in errors), sum(squares)
    return LooResult(_rmse(errors), (1 - press / total) if errors and total > 0 else None, len(errors))


# --- Free–Wilson ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeWilsonFit:
    positions: list[str]
    reference: dict[str, str]
    columns: list[tuple[str, str]]  # (position, substituent) of each non-reference indicator
    coef: np.ndarray  # intercept first
    design: np.ndarray
    rank: int

    @property
    def contributions(self) -> dict[str, dict[str, float]]:
        out = {p: {self.reference[p]: 0.0} for p in self.positions}
        for (p, s), c in zip(self.columns, self.coef[1:], strict=True):
            out[p][s] = float(c)
        return out

    def row(self, subs: dict[str, str]) -> np.ndarray:
        seen = {p: {self.reference[p]} | {s for q, s in self.columns if q == p} for p in self.positions}
        unseen = [f"{p} {subs.get(p, HYDROGEN)}" for p in self.positions if subs.get(p, HYDROGEN) not in seen[p]]
        unseen += [f"{p} {s}" for p, s in subs.items() if p not in seen and s != HYDROGEN]
        if unseen:
            raise _NotPredictable(f"substituent not seen at its position in the series: {', '.join(unseen)}")
        return np.array([1.0] + [1.0 if subs.get(p, HYDROGEN) == s else 0.0 for p, s in self.columns])

    def predict(self, subs: dict[str, str]) -> float:
        x = self.row(subs)
        # A rank-deficient fit predicts only combinations in the row space of the design; others are arbitrary.
        projected = x @ np.linalg.pinv(self.design) @ self.design
        if np.abs(projected - x).max() > 1e-8:
            raise _NotPredictable("the unknown's combination of substituents is not separable from the series")
        return float(x @ self.coef)


def _reference(levels: list[str]) -> str:
    counts = {s: levels.count(s) for s in set(levels)}
    return min(counts, key=lambda s: (-counts[s], s != HYDROGEN, s))


def fit_free_wilson(positions: list[str], table: list[dict[str, str]], y: np.ndarray) -> FreeWilsonFit:
    reference = {p: _reference([row[p] for row in table]) for p in positions}
    columns = [(p, s) for p in positions for s in sorted({row[p] for row in table}) if s != reference[p]]
    design = np.array([[1.0] + [1.0 if row[p] == s else 0.0 for p, s in columns] for row in table])
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    return FreeWilsonFit(positions, reference, columns, coef, design, int(rank))


def _free_wilson_loo(positions: list[str], table: list[dict[str, str]], y: np.ndarray) -> LooResult:
    def without(i: int) -> float:
        rest = [row for j, row in enumerate(table) if j != i]
        return fit_free_wilson(positions, rest, np.delete(y, i)).predict(table[i])

    return _loo(y, without)


# --- Matched molecular pairs --------------------------------------------------------------------------------------


class PairIndex:
    """Single-cut fragments of every analogue: context → variable → analogue index."""

    def __init__(self, cuts: list[list[tuple[str, str]]]) -> None:
        self.by_context: dict[str, dict[str, int]] = {}
        self.contexts_of: dict[str, set[str]] = {}
        for i, pieces in enumerate(cuts):
            for context, variable in pieces:
                self.by_context.setdefault(context, {})[variable] = i
                self.contexts_of.setdefault(variable, set()).add(context)

    def squares(self, query_cuts: list[tuple[str, str]], exclude: int | None = None) -> list[tuple[int, int, int, str]]:
        """(A, B, C, transformation): the unknown is A with X→Y; B→C is X→Y on another context."""
        found: dict[tuple, tuple[int, int, int, str]] = {}
        for context, target in query_cuts:
            for source, a in self.by_context.get(context, {}).items():
                if a == exclude or source == target:
                    continue
                shared = (self.contexts_of.get(source, set()) & self.contexts_of.get(target, set())) - {context}
                for other in shared:
                    b, c = self.by_context[other][source], self.by_context[other][target]
                    if exclude in (b, c) or len({a, b, c}) < 3:
                        continue
                    # The same square is found from both sides of the cut: key it by its members and keep the
                    # orientation with the smaller transformation (Me>>Et rather than the rest of the molecule).
                    key, square = (frozenset((a, c)), b), (a, b, c, f"{source}>>{target}")
                    if key not in found or len(square[3]) < len(found[key][3]):
                        found[key] = square
        return sorted(found.values())


def _pair_estimate(squares: list[tuple[int, int, int, str]], y: np.ndarray) -> float:
    if not squares:
        raise _NotPredictable("no matched pair transfers to it")
    return float(np.mean([y[a] + y[c] - y[b] for a, b, c, _ in squares]))


# --- Similarity k-NN ------------------------------------------------------------------------------------------------


def _knn(similarities: np.ndarray, y: np.ndarray, exclude: int | None = None) -> tuple[float, list[int]]:
    ranked = np.argsort(-similarities, kind="stable")
    order = [int(i) for i in ranked if i != exclude and similarities[i] > 0][:K_NEIGHBOURS]
    weights = similarities[order]
    if not order:
        raise _NotPredictable("it shares no Morgan bits with any analogue")
    return float(weights @ y[order] / weights.sum()), order


# --- The whole prediction -----------------------------------------------------------------------------------------


def _interval(prediction: float, loo: LooResult) -> dict[str, Any] | None:
    if loo.rmse is None:
        return None
    half = Z95 * loo.rmse
    return {"low": prediction - half, "high": prediction + half, "half_width": half, "basis": "±1.96 × LOO RMSE"}


@dataclass
class _Run:
    """One prediction in progress: the checked series, the unknown, and the notes for the user."""

    analogues: list[Analogue]
    y: np.ndarray
    query_mol: Any
    query_smiles: str
    value_name: str
    notes: list[str]
    core: Core | None = None
    fw: FreeWilsonFit | None = None

    def result(self, value, model, used, fit_rmse, loo: LooResult) -> dict[str, Any]:
        if model != "measured" and loo.rmse is None:
            self.notes.append("no leave-one-out error could be computed: no analogue is predictable from the others")
        elif model != "measured" and loo.n < len(self.y):
            self.notes.append(f"the LOO error covers {loo.n} of {len(self.y)} analogues (the rest are unpredictable)")
        fw, core = self.fw, self.core
        return SarPrediction(
            prediction=value,
            model=model,
            value_name=self.value_name,
            query=self.query_smiles,
            core=core.smiles if core else None,
            core_smarts=core.smarts if core else None,
            contributions=fw.contributions if fw else {},
            baseline=float(fw.coef[0]) if fw else None,
            used=used,
            fit_rmse=fit_rmse,
            loo_rmse=loo.rmse,
            q2=loo.q2,
            n_loo=loo.n,
            n=len(self.analogues),
            uncertainty=_interval(value, loo),
            message="; ".join(self.notes),
        ).model_dump()


def _free_wilson_step(run: _Run) -> dict[str, Any] | None:
    core, core_note = find_core([a.mol for a in run.analogues])
    run.core = core
    run.notes.append(core_note)
    if core is None:
        return None
    parts, why = decompose(core, [a.mol for a in run.analogues], run.query_mol)
    if parts is None:
        run.notes.append(f"Free–Wilson not used: {why}")
        return None
    fw = run.fw = fit_free_wilson(parts.positions, parts.series, run.y)
    if fw.rank < fw.design.shape[1]:
        run.notes.append(
            f"the Free–Wilson design has rank {fw.rank} < {fw.design.shape[1]} terms: some substituents always "
            "co-occur, so their separate contributions are not unique (the minimum-norm split is shown)"
        )
    try:
        value = fw.predict(parts.query)
    except _NotPredictable as exc:
        run.notes.append(f"Free–Wilson cannot predict the unknown: {exc}")
        return None
    contributions = fw.contributions
    terms = [{"term": "baseline", "value": float(fw.coef[0])}] + [
        {"position": p, "substituent": parts.query[p], "value": contributions[p][parts.query[p]]}
        for p in parts.positions
    ]
    summed = [f"{t['position']} {t['substituent']} {t['value']:+.3g}" for t in terms[1:] if t["value"]]
    run.notes.append("Free–Wilson prediction sums " + " + ".join([f"baseline {fw.coef[0]:.3g}", *summed]))
    fit_rmse = _rmse(list(fw.design @ fw.coef - run.y))
    return run.result(value, "free_wilson", terms, fit_rmse, _free_wilson_loo(parts.positions, parts.series, run.y))


def _pairs_step(run: _Run) -> dict[str, Any] | None:
    cuts = [single_cuts(a.mol) for a in run.analogues]
    pairs = PairIndex(cuts)
    squares = pairs.squares(single_cuts(run.query_mol))
    if not squares:
        run.notes.append("no matched pair transfers to the unknown")
        return None
    y, names = run.y, [a.smiles for a in run.analogues]
    loo = _loo(y, lambda i: _pair_estimate(pairs.squares(cuts[i], exclude=i), y))
    used = [
        {
            "from": names[a], "from_value": float(y[a]), "transformation": t,
            "pair": [names[b], names[c]], "delta": float(y[c] - y[b]),
        }
        for a, b, c, t in squares
    ]  # fmt: skip
    run.notes.append(f"matched pairs: {len(squares)} pair transfer(s) averaged, each y(A) + y(C) − y(B)")
    return run.result(_pair_estimate(squares, y), "matched_pairs", used, None, loo)


def _knn_step(run: _Run) -> dict[str, Any]:
    gen = fingerprint_generator("morgan")
    fps = [gen.GetFingerprint(a.mol) for a in run.analogues]
    sims = np.array(DataStructs.BulkTanimotoSimilarity(gen.GetFingerprint(run.query_mol), fps))
    if sims.max() < MIN_SIMILARITY:
        raise Ech0Error(
            f"no SAR model applies to {run.query_smiles}: {'; '.join(run.notes)}; and its closest analogue has "
            f"Tanimoto {sims.max():.2f} (< {MIN_SIMILARITY}), outside the series"
        )
    value, order = _knn(sims, run.y)
    all_sims = [np.array(DataStructs.BulkTanimotoSimilarity(fp, fps)) for fp in fps]
    loo = _loo(run.y, lambda i: _knn(all_sims[i], run.y, exclude=i)[0])
    used = [{"smiles": run.analogues[i].smiles, "similarity": float(sims[i]), "value": float(run.y[i])} for i in order]
    run.notes.append(f"similarity-weighted {len(order)}-NN (Morgan r=2 Tanimoto)")
    return run.result(value, "similarity_knn", used, None, loo)


def predict_series(series: list, query: str, value_name: str = "activity") -> dict[str, Any]:
    """Predict `value_name` of the `query` SMILES from `series` [(SMILES, value), …]; returns SarPrediction fields."""
    analogues, notes = read_series(series)
    try:
        query_mol = to_mol(query)
    except InvalidSmilesError as exc:
        raise InvalidSmilesError(f"the unknown: {exc}") from None
    y = np.array([a.value for a in analogues])
    run = _Run(analogues, y, query_mol, canonical_smiles(query_mol), value_name, notes)
    member = next((a for a in analogues if a.smiles == run.query_smiles), None)
    if member is not None:
        rows = ", ".join(str(r) for r in member.rows)
        notes.append(f"the unknown is series row {rows} itself: its measured value is returned, not a prediction")
        used = [{"smiles": member.smiles, "value": member.value, "rows": list(member.rows)}]
        return run.result(member.value, "measured", used, None, LooResult(None, None, 0))
    return _free_wilson_step(run) or _pairs_step(run) or _knn_step(run)


__all__ = ["SarPrediction", "fit_free_wilson", "predict_series"]
