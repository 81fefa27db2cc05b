"""Train and evaluate a property model on a CSV: per seed, split → ensemble and baseline → test metrics.

The saved model is the first seed's ensemble refitted on that split's train + validation rows with the
hyperparameters and interval calibration chosen on its validation fold (or, with refit=False, the first seed's
ensemble as evaluated). Either way it is also scored on the first seed's test fold, which it never saw.
"""

from __future__ import annotations

import platform
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from knowledge.common.errors import Ech0Error
from labs.chemistry.features import get_featurizer
from labs.models.baseline import N_TREES, fit_baseline, predict_baseline
from labs.models.data import Dataset, DroppedRow, load_dataset
from labs.models.ensemble import EnsembleOutput, EnsembleParams, PropertyEnsemble
from labs.models.features import DESCRIPTORS, FINGERPRINT, MolFeatures, compute_features
from labs.models.metrics import summarize, task_metrics
from labs.models.registry import ModelRegistry, check_name
from labs.models.schemas import DomainReport, FinalModel, SeedResult, TrainReport, UncertaintyReport
from labs.models.splits import SPLITS, Split, make_split

MIN_ROWS = 20
Log = Callable[[str], None]


def default_name(csv_path: Path, target: str) -> str:
    return check_name(re.sub(r"[^A-Za-z0-9._-]+", "-", f"{Path(csv_path).stem}-{target}").strip("-.")[:64])


def library_versions() -> dict[str, str]:
    import rdkit
    import sklearn

    return {
        "rdkit": rdkit.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _uncertainty(task: str, y: np.ndarray, out: EnsembleOutput, coverage: float) -> UncertaintyReport:
    if task == "regression":
        error = np.abs(y - out.value)
        width = out.upper - out.lower
        rho = spearmanr(width, error)[0] if len(y) > 2 else None
        return UncertaintyReport(
            coverage=float(np.mean((y >= out.lower) & (y <= out.upper))),
            nominal_coverage=coverage,
            mean_interval_width=float(np.mean(width)),
            spearman_uncertainty_error=None if rho is None or np.isnan(rho) else float(rho),
        )
    miss = np.abs(y - out.value)  # 1 − probability given to the true class
    rho = spearmanr(out.spread, miss)[0] if len(y) > 2 else None
    return UncertaintyReport(spearman_uncertainty_error=None if rho is None or np.isnan(rho) else float(rho))


def _domain(task: str, y: np.ndarray, out: EnsembleOutput, threshold: float) -> DomainReport:
    inside = out.in_domain

    def part(mask: np.ndarray) -> dict[str, float | None]:
        if not mask.any():
            return {}
        return task_metrics(task, y[mask], out.value[mask])

    return DomainReport(
        threshold=threshold,
        in_domain_fraction=float(inside.mean()) if len(inside) else 0.0,
        metrics_in_domain=part(inside),
        metrics_out_of_domain=part(~inside),
    )


def _brief(metrics: dict[str, float | None]) -> str:
    return ", ".join(f"{k} {'—' if v is None else f'{v:.3f}'}" for k, v in metrics.items())


def _check_classes(task: str, y: np.ndarray, split: Split) -> None:
    if task == "classification" and len(np.unique(y[split.train])) < 2:
        raise Ech0Error(
            f"the training fold of the {split.protocol} split (seed {split.seed}) holds one class only: "
            "use more rows, another --split, or check the target column"
        )


def _run_seed(
    ds: Dataset, feats: MolFeatures, split: Split, params: EnsembleParams
) -> tuple[SeedResult, PropertyEnsemble]:
    _check_classes(ds.task, ds.y, split)
    train, valid, test = (feats.take(idx) for idx in (split.train, split.valid, split.test))
    y_test = ds.y[split.test]
    started = time.perf_counter()
    ensemble = PropertyEnsemble(params).fit(train, ds.y[split.train], valid, ds.y[split.valid])
    out = ensemble.predict(test)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = fit_baseline(train.bits, ds.y[split.train], ds.task, split.seed, params.n_jobs)
    base_pred = predict_baseline(baseline, test.bits, ds.task)
    result = SeedResult(
        seed=split.seed,
        n_train=len(split.train),
        n_valid=len(split.valid),
        n_test=len(split.test),
        metrics=task_metrics(ds.task, y_test, out.value),
        baseline=task_metrics(ds.task, y_test, base_pred),
        selection=ensemble.selection.model_dump(),
        uncertainty=_uncertainty(ds.task, y_test, out, params.coverage),
        domain=_domain(ds.task, y_test, out, ensemble.domain.threshold),
        fit_seconds=round(fit_seconds, 2),
        baseline_seconds=round(time.perf_counter() - started, 2),
    )
    return result, ensemble


def _drop_unfeaturized(ds: Dataset, index: np.ndarray, errors: list) -> Dataset:
    """Leave out rows a featurizer failed on (rare: RDKit errors become NaN), reporting them like bad SMILES."""
    if not errors:
        return ds
    keep = np.asarray(index)
    failed = [DroppedRow(line=ds.lines[e.row], smiles=e.smiles, reason=e.reason) for e in errors]
    return replace(
        ds,
        smiles=[ds.smiles[i] for i in keep],
        mols=[ds.mols[i] for i in keep],
        y=ds.y[keep],
        lines=[ds.lines[i] for i in keep],
        dropped=sorted(ds.dropped + failed, key=lambda d: d.line),
    )


def train_property_model(
    csv_path: Path | str,
    smiles_col: str,
    target_col: str,
    task: str,
    registry: ModelRegistry,
    split: str = "scaffold",
    seeds: int = 3,
    name: str | None = None,
    refit: bool = True,
    workers: int = 2,
    log: Log | None = None,
) -> TrainReport:
    """Evaluate the ensemble and the baseline over `seeds` seeds, save the final ensemble; returns the report."""
    say = log or (lambda _msg: None)
    started = time.perf_counter()
    if seeds < 1:
        raise Ech0Error(f"--seeds must be at least 1, not {seeds}")
    if split not in SPLITS:
        raise Ech0Error(f"unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    name = check_name(name) if name else default_name(Path(csv_path), target_col)
    ds = load_dataset(csv_path, smiles_col, target_col, task)
    say(f"read {len(ds)} molecules ({len(ds.dropped)} invalid SMILES dropped, {ds.skipped_empty_target} empty targets)")
    feats, index, errors = compute_features(ds.smiles, workers=workers)
    ds = _drop_unfeaturized(ds, index, errors)
    if len(ds) < MIN_ROWS:
        raise Ech0Error(
            f"{csv_path} has {len(ds)} usable rows: a train/validation/test split needs at least {MIN_ROWS}"
        )
    featurize_seconds = time.perf_counter() - started
    say(f"featurized in {featurize_seconds:.1f}s")
    results: list[SeedResult] = []
    first: tuple[Split, PropertyEnsemble] | None = None
    for seed in range(seeds):
        folds = make_split(split, ds.mols, seed)
        result, ensemble = _run_seed(ds, feats, folds, EnsembleParams(task=task, seed=seed, n_jobs=workers))
        results.append(result)
        first = first or (folds, ensemble)
        say(f"seed {seed}: ensemble {_brief(result.metrics)} | baseline {_brief(result.baseline)}")
    folds, ensemble = first
    trained_on = "train+valid of the first seed's split" if refit else "train fold of the first seed's split"
    rows = np.concatenate([folds.train, folds.valid]) if refit else folds.train
    final = ensemble.refit(feats.take(rows), ds.y[rows]) if refit else ensemble
    final_test = task_metrics(task, ds.y[folds.test], final.predict(feats.take(folds.test)).value)
    metrics, metrics_std = summarize([r.metrics for r in results])
    baseline, baseline_std = summarize([r.baseline for r in results])
    seconds = {"featurize": round(featurize_seconds, 2), "total": round(time.perf_counter() - started, 2)}
    report = TrainReport(
        task=task,
        n=len(ds),
        metrics=metrics,
        baseline=baseline,
        metrics_std=metrics_std,
        baseline_std=baseline_std,
        split=split,
        seeds=list(range(seeds)),
        target=target_col,
        smiles_col=smiles_col,
        final_model=FinalModel(trained_on=trained_on, n_train=len(rows), test_metrics=final_test),
        per_seed=results,
        dropped_rows=ds.dropped,
        skipped_empty_target=ds.skipped_empty_target,
        data_hash=ds.data_hash,
        seconds=seconds,
    )
    meta = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "task": task,
        "target": target_col,
        "smiles_col": smiles_col,
        "source": str(csv_path),
        "data_hash": ds.data_hash,
        "n": len(ds),
        "classes": ds.classes,
        "split": split,
        "seeds": report.seeds,
        "trained_on": trained_on,
        "n_train": len(rows),
        "metrics": metrics,
        "metrics_std": metrics_std,
        "baseline": baseline,
        "baseline_std": baseline_std,
        "final_test_metrics": final_test,
        "params": {
            "ensemble": final.params.model_dump(),
            "selection": final.selection.model_dump(),
            "calibration": final.calibration.model_dump() if final.calibration else None,
            "domain_threshold": final.domain.threshold,
            "baseline": {
                "model": "random forest on Morgan bits r=2 2048",
                "n_estimators": N_TREES,
                "max_features": "sqrt",
            },
        },
        "featurizers": {n: get_featurizer(n).version for n in (DESCRIPTORS, FINGERPRINT)},
        "libraries": library_versions(),
    }
    report.model = registry.save(name, final, meta)
    report.final_model.ref = report.model
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    say(f"saved {report.model}")
    return report
