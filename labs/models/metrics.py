"""Test metrics for regression and binary classification, and their mean ± std over seeds."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, mean_absolute_error, r2_score, roc_auc_score

REGRESSION_METRICS = ("rmse", "mae", "r2")
CLASSIFICATION_METRICS = ("roc_auc", "pr_auc")


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float | None]:
    return {
        "rmse": float(np.sqrt(np.mean((np.asarray(y) - np.asarray(pred)) ** 2))),
        "mae": float(mean_absolute_error(y, pred)),
        "r2": float(r2_score(y, pred)) if len(y) > 1 else None,
    }


def classification_metrics(y: np.ndarray, prob: np.ndarray) -> dict[str, float | None]:
    """ROC-AUC and PR-AUC (average precision) of class 1; None when the fold holds a single class."""
    if len(np.unique(y)) < 2:
        return {"roc_auc": None, "pr_auc": None}
    return {"roc_auc": float(roc_auc_score(y, prob)), "pr_auc": float(average_precision_score(y, prob))}


def task_metrics(task: str, y: np.ndarray, pred: np.ndarray) -> dict[str, float | None]:
    return regression_metrics(y, pred) if task == "regression" else classification_metrics(y, pred)


def selection_score(task: str, y: np.ndarray, pred: np.ndarray) -> float | None:
    """Higher is better: −RMSE for regression, ROC-AUC for classification (None when it cannot be scored)."""
    if task == "regression":
        return -regression_metrics(y, pred)["rmse"]
    return classification_metrics(y, pred)["roc_auc"]


def summarize(runs: Sequence[dict[str, float | None]]) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Mean and (population) standard deviation of each metric over runs, ignoring runs where it is undefined."""
    keys = list(dict.fromkeys(k for run in runs for k in run))
    mean: dict[str, float | None] = {}
    std: dict[str, float | None] = {}
    for key in keys:
        values = [v for run in runs if (v := run.get(key)) is not None and not math.isnan(v)]
        mean[key] = float(np.mean(values)) if values else None
        std[key] = float(np.std(values)) if values else None
    return mean, std
