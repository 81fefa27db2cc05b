"""Predict with a registered model: values (or probabilities), uncertainty, applicability domain, model version.

A SMILES that does not parse gets a per-row error; every other row is still predicted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.common.errors import Ech0Error
from labs.chemistry.features import get_featurizer
from labs.models.data import read_table
from labs.models.ensemble import PropertyEnsemble
from labs.models.features import compute_features
from labs.models.registry import ModelRegistry
from labs.models.schemas import PredictionReport, PredictionRow


def load_model(registry: ModelRegistry, ref: str) -> tuple[PropertyEnsemble, dict[str, Any]]:
    """The model for 'name' or 'name@N'; raises Ech0Error when its featurizers changed since it was trained."""
    with warnings.catch_warnings():
        # scikit-learn warns on unpickling across versions; meta.json records the versions for the user to compare.
        warnings.simplefilter("ignore")
        model, meta = registry.load(ref)
    for name, version in meta.get("featurizers", {}).items():
        current = get_featurizer(name).version
        if current != version:
            raise Ech0Error(
                f"model {meta['ref']} was trained on featurizer {name} v{version}, which is now v{current}: "
                "its inputs would not match; train it again with `ech0 models train`"
            )
    return model, meta


def _f(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def predict_smiles(
    registry: ModelRegistry, ref: str, smiles: Sequence[str], lines: Sequence[int] | None = None, workers: int = 1
) -> PredictionReport:
    """Predict each SMILES in order; `lines` (CSV line numbers) are echoed on the rows when given."""
    if not smiles:
        raise Ech0Error("no SMILES to predict: give --smiles S (repeatable) or --csv PATH --smiles-col COL")
    model, meta = load_model(registry, ref)
    texts = [s.strip() if isinstance(s, str) else "" for s in smiles]
    feats, index, errors = compute_features(texts, workers=workers)
    out = model.predict(feats)
    classes = meta.get("classes") or []
    model_ref = meta["ref"]
    rows: dict[int, PredictionRow] = {}
    for i, row in enumerate(index.tolist()):
        value = float(out.value[i])
        rows[row] = PredictionRow(
            row=row,
            smiles=texts[row],
            prediction=value,
            label=classes[int(value >= 0.5)] if classes else None,
            std=_f(out.spread[i]),
            lower=_f(out.lower[i]) if out.lower is not None else None,
            upper=_f(out.upper[i]) if out.upper is not None else None,
            max_similarity=_f(out.similarity[i]),
            in_domain=bool(out.in_domain[i]),
            model=model_ref,
        )
    for error in errors:
        rows[error.row] = PredictionRow(row=error.row, smiles=error.smiles, model=model_ref, error=error.reason)
    ordered = [rows[i] for i in range(len(texts))]
    if lines is not None:
        for row in ordered:
            row.line = int(lines[row.row])
    calibration = (meta.get("params") or {}).get("calibration")
    return PredictionReport(
        model=model_ref,
        task=meta["task"],
        target=meta["target"],
        interval_coverage=model.params.coverage if calibration else None,
        domain_threshold=float(model.domain.threshold),
        n=len(ordered),
        n_errors=len(errors),
        predictions=ordered,
    )


def predict_csv(registry: ModelRegistry, ref: str, path: Path | str, smiles_col: str, workers: int = 1):
    """Predict the SMILES column of a CSV; rows carry their line numbers in the file."""
    rows, _ = read_table(Path(path), [smiles_col])
    smiles = [(row.get(smiles_col) or "").strip() for row in rows]
    return predict_smiles(registry, ref, smiles, lines=list(range(2, len(rows) + 2)), workers=workers)
