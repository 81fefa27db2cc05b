import math

import numpy as np
import pytest

from labs.models.metrics import classification_metrics, regression_metrics, selection_score, summarize


def test_regression_metrics():
    m = regression_metrics(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 6.0]))
    assert m["rmse"] == pytest.approx(1.0) and m["mae"] == pytest.approx(0.5)
    assert m["r2"] == pytest.approx(1 - 4 / 5)
    assert selection_score("regression", np.array([0.0, 0.0]), np.array([3.0, 4.0])) == pytest.approx(-math.sqrt(12.5))


def test_classification_metrics_and_a_single_class_fold():
    y, p = np.array([0, 0, 1, 1]), np.array([0.1, 0.6, 0.4, 0.9])
    m = classification_metrics(y, p)
    assert m["roc_auc"] == pytest.approx(0.75) and m["pr_auc"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert classification_metrics(np.array([1, 1]), np.array([0.2, 0.8])) == {"roc_auc": None, "pr_auc": None}
    assert selection_score("classification", np.array([1, 1]), np.array([0.2, 0.8])) is None


def test_summarize_gives_mean_and_std_over_seeds_ignoring_undefined_values():
    mean, std = summarize([{"rmse": 1.0, "r2": None}, {"rmse": 3.0, "r2": 0.5}])
    assert mean == {"rmse": 2.0, "r2": 0.5} and std == {"rmse": 1.0, "r2": 0.0}
    assert summarize([{"roc_auc": None}]) == ({"roc_auc": None}, {"roc_auc": None})
