"""The property model: kernel machines and a random forest, with uncertainty and an applicability domain.

Members, all fitted on the training fold:
- two support-vector machines (SVR / SVC) on a precomputed kernel that mixes Tanimoto similarity of Morgan bits
  with an RBF on standardized descriptors, at two length-scales; the descriptors are weighted by
- a random forest on descriptors + frequent Morgan bits, whose feature importances set those weights.
The prediction is share·mean(SVMs) + (1 − share)·forest. Tuned on the validation fold only: the SVMs' C, the
Tanimoto part of the kernel and the share; a validation fold that cannot be scored (one class) keeps the defaults.

Uncertainty: `spread` is the standard deviation over the members. For regression, split-conformal intervals are
calibrated on the validation fold with the score |y − ŷ| / σ(x), σ = spread + β·(1 − max Tanimoto to training), so
intervals widen both where members disagree and far from the training set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.svm import SVC, SVR

from labs.models.domain import ApplicabilityDomain
from labs.models.features import MolFeatures, Preprocessor
from labs.models.kernels import TANIMOTO_SHARE, mixed_kernel, squared_distances, tanimoto
from labs.models.metrics import selection_score

_PREDICT_CHUNK = 2048


class EnsembleParams(BaseModel):
    task: str
    gammas: tuple[float, ...] = (0.5, 1.0)
    # Grids tuned on the validation fold; the first values are the defaults when it cannot be scored.
    c_grid: tuple[float, ...] | None = None  # None: (1, 4, 16, 64) for SVR on the standardized target, SVC (0.5 … 32)
    tanimoto_shares: tuple[float, ...] = (TANIMOTO_SHARE, 0.3)
    kernel_shares: tuple[float, ...] = (0.5, 0.75, 1.0)
    rf_trees: int = 200
    rf_min_leaf: int = 3  # keeps the saved forest small (the whole Lipophilicity model is ~8 MB)
    rf_max_features: float | str = 0.3  # importances from 30 % of the columns per split weight the RBF better
    epsilon: float = 0.05  # SVR tube, in standard deviations of the target
    coverage: float = 0.9
    seed: int = 0
    n_jobs: int = 2

    def grid(self) -> tuple[float, ...]:
        return self.c_grid or ((1.0, 4.0, 16.0, 64.0) if self.task == "regression" else (0.5, 2.0, 8.0, 32.0))


class Selection(BaseModel):
    c: float
    tanimoto_share: float
    kernel_share: float
    valid_score: float | None = None
    tuned: bool = False


class Calibration(BaseModel):
    beta: float  # weight of (1 − similarity) in σ, in target units
    quantile: float  # conformal multiplier of σ
    floor: float  # σ never below this (target units): members can agree exactly
    n_valid: int


@dataclass
class EnsembleOutput:
    value: np.ndarray  # regression: the prediction; classification: probability of class 1
    spread: np.ndarray
    similarity: np.ndarray
    in_domain: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None


Key = tuple[float, float]  # (Tanimoto share of the kernel, C)


class PropertyEnsemble:
    def __init__(self, params: EnsembleParams) -> None:
        self.params = params
        self.selection: Selection | None = None
        self.calibration: Calibration | None = None

    # ---- fitting -------------------------------------------------------------------------------------------
    def fit(
        self, train: MolFeatures, y: np.ndarray, valid: MolFeatures | None = None, y_valid: np.ndarray | None = None
    ) -> PropertyEnsemble:
        """Fit on `train`; tune the grids and calibrate intervals on `valid` when given."""
        p = self.params
        svms = self._fit_members(train, y, p.tanimoto_shares, p.grid())
        self.selection = Selection(c=p.grid()[0], tanimoto_share=p.tanimoto_shares[0], kernel_share=p.kernel_shares[0])
        if valid is not None and y_valid is not None and len(valid) > 0:
            candidates = []
            for t in p.tanimoto_shares:
                kernels, forest = self._member_inputs(valid, t)
                for c in p.grid():
                    svm = np.mean([self._svm_predict(m, k) for m, k in zip(svms[t, c], kernels, strict=True)], axis=0)
                    for share in p.kernel_shares:
                        score = selection_score(p.task, y_valid, share * svm + (1 - share) * forest)
                        candidates.append((score, t, c, share))
            scored = [cand for cand in candidates if cand[0] is not None]
            if scored:
                score, t, c, share = max(scored, key=lambda cand: cand[0])  # first of equal scores: grid order
                self.selection = Selection(c=c, tanimoto_share=t, kernel_share=share, valid_score=score, tuned=True)
        self._svms = svms[self.selection.tanimoto_share, self.selection.c]
        if p.task == "regression" and valid is not None and y_valid is not None and len(valid) > 0:
            self.calibration = self._calibrate(valid, y_valid)
        return self

    def refit(self, feats: MolFeatures, y: np.ndarray) -> PropertyEnsemble:
        """A new ensemble on `feats` (e.g. train + valid) with this one's tuned choices and interval calibration."""
        if self.selection is None:
            raise RuntimeError("refit() needs a fitted ensemble")
        sel = self.selection
        params = self.params.model_copy(update={"c_grid": (sel.c,), "tanimoto_shares": (sel.tanimoto_share,)})
        other = PropertyEnsemble(params)
        other._svms = other._fit_members(feats, y, (sel.tanimoto_share,), (sel.c,))[sel.tanimoto_share, sel.c]
        other.selection = sel
        other.calibration = self.calibration
        return other

    def _fit_members(
        self, feats: MolFeatures, y: np.ndarray, shares: tuple[float, ...], grid: tuple[float, ...]
    ) -> dict[Key, list]:
        """Fit the forest, the descriptor weights, the domain, and one SVM per (share, C, length-scale)."""
        p = self.params
        self.preprocessor = Preprocessor.fit(feats)
        forest_cls = RandomForestRegressor if p.task == "regression" else RandomForestClassifier
        self.forest = forest_cls(
            n_estimators=p.rf_trees,
            max_features=p.rf_max_features,
            min_samples_leaf=p.rf_min_leaf,
            n_jobs=p.n_jobs,
            random_state=p.seed,
        ).fit(self.preprocessor.tree_matrix(feats), y)
        n_desc = feats.descriptors.shape[1]
        importance = self.forest.feature_importances_[:n_desc]
        # Weights with mean 1: the RBF's length-scale then means the same for any number of useful descriptors.
        weights = importance / importance.mean() if importance.sum() > 0 else np.ones(n_desc)
        self.weights = np.sqrt(weights)
        self.train_desc = (self.preprocessor.descriptors(feats) * self.weights).astype(np.float32)
        self.domain = ApplicabilityDomain.fit(feats.bits)
        if p.task == "regression":
            self.y_center, self.y_scale = float(np.mean(y)), float(np.std(y)) or 1.0
        tani = tanimoto(feats.bits, feats.bits)
        sqdist = squared_distances(self.train_desc.astype(np.float64), self.train_desc.astype(np.float64))
        fitted: dict[Key, list] = {(t, c): [] for t in shares for c in grid}
        for t in shares:
            for gamma in p.gammas:
                kernel = mixed_kernel(tani, sqdist, gamma, n_desc, t)
                for c in grid:
                    fitted[t, c].append(self._new_svm(c, y).fit(kernel, self._svm_target(y)))
        return fitted

    def _new_svm(self, c: float, y: np.ndarray):
        if self.params.task == "regression":
            return SVR(kernel="precomputed", C=c, epsilon=self.params.epsilon)
        # Platt scaling on out-of-fold margins turns the SVM into probabilities that average with the forest's;
        # the folds cannot outnumber the rarer class's examples.
        folds = int(min(5, max(2, np.bincount(y.astype(np.int64)).min())))
        return CalibratedClassifierCV(SVC(kernel="precomputed", C=c), method="sigmoid", cv=folds, ensemble=False)

    def _svm_target(self, y: np.ndarray) -> np.ndarray:
        return (y - self.y_center) / self.y_scale if self.params.task == "regression" else y

    def _svm_predict(self, svm, kernel: np.ndarray) -> np.ndarray:
        if self.params.task == "regression":
            return svm.predict(kernel) * self.y_scale + self.y_center
        return svm.predict_proba(kernel)[:, 1]

    def _member_inputs(self, feats: MolFeatures, share: float) -> tuple[list[np.ndarray], np.ndarray]:
        """Kernel rows against the training set (one per length-scale) and the forest's prediction."""
        tani = tanimoto(feats.bits, self.domain.bits)
        desc = self.preprocessor.descriptors(feats) * self.weights
        sqdist = squared_distances(desc, self.train_desc.astype(np.float64))
        n_desc = feats.descriptors.shape[1]
        kernels = [mixed_kernel(tani, sqdist, g, n_desc, share) for g in self.params.gammas]
        x = self.preprocessor.tree_matrix(feats)
        forest = self.forest.predict(x) if self.params.task == "regression" else self.forest.predict_proba(x)[:, 1]
        return kernels, forest

    def _members(self, feats: MolFeatures) -> tuple[np.ndarray, np.ndarray]:
        """(n_members, n) member predictions (SVMs first, forest last) and the ensemble's prediction."""
        kernels, forest = self._member_inputs(feats, self.selection.tanimoto_share)
        svm = np.array([self._svm_predict(m, k) for m, k in zip(self._svms, kernels, strict=True)])
        share = self.selection.kernel_share
        return np.vstack([svm, forest[None, :]]), share * svm.mean(axis=0) + (1 - share) * forest

    def _calibrate(self, valid: MolFeatures, y_valid: np.ndarray) -> Calibration:
        members, pred = self._members(valid)
        spread = members.std(axis=0)
        distance = 1.0 - self.domain.similarity(valid.bits)
        # β puts both terms of σ on the same scale (equal medians on the validation fold).
        beta = float(np.median(spread) / np.median(distance)) if np.median(distance) > 0 else 0.0
        floor = 1e-3 * self.y_scale
        scores = np.abs(y_valid - pred) / np.maximum(spread + beta * distance, floor)
        n = len(scores)
        rank = int(np.ceil((n + 1) * self.params.coverage))
        # With too few validation rows for the requested coverage, the largest score is the honest best.
        quantile = float(np.sort(scores)[min(rank, n) - 1])
        return Calibration(beta=beta, quantile=quantile, floor=floor, n_valid=n)

    # ---- prediction ----------------------------------------------------------------------------------------
    def predict(self, feats: MolFeatures) -> EnsembleOutput:
        parts = [
            self._predict_block(feats.take(np.arange(s, min(s + _PREDICT_CHUNK, len(feats)))))
            for s in range(0, len(feats), _PREDICT_CHUNK)
        ]
        if not parts:
            empty = np.zeros(0)
            return EnsembleOutput(empty, empty, empty, empty.astype(bool))

        def cat(name: str) -> np.ndarray | None:
            values = [getattr(p, name) for p in parts]
            return None if values[0] is None else np.concatenate(values)

        return EnsembleOutput(*(cat(n) for n in ("value", "spread", "similarity", "in_domain", "lower", "upper")))

    def _predict_block(self, feats: MolFeatures) -> EnsembleOutput:
        members, value = self._members(feats)
        spread = members.std(axis=0)
        similarity = self.domain.similarity(feats.bits)
        out = EnsembleOutput(value, spread, similarity, self.domain.in_domain(similarity))
        if self.calibration is not None:
            cal = self.calibration
            half = cal.quantile * np.maximum(spread + cal.beta * (1.0 - similarity), cal.floor)
            out.lower, out.upper = value - half, value + half
        return out
