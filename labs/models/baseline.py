"""The reference model every ensemble must beat: a random forest on Morgan bits (radius 2, 2048 bits).

500 trees with √p features per split (scikit-learn's default for classifiers, used for regression too: with
p/3 features a forest on Lipophilicity's fingerprints takes ~4 minutes on 2 cores for ~0.03 lower RMSE).
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

N_TREES = 500


def fit_baseline(bits: np.ndarray, y: np.ndarray, task: str, seed: int, n_jobs: int = 2):
    forest_cls = RandomForestRegressor if task == "regression" else RandomForestClassifier
    model = forest_cls(n_estimators=N_TREES, max_features="sqrt", n_jobs=n_jobs, random_state=seed)
    return model.fit(bits.astype(np.float32), y)


def predict_baseline(model, bits: np.ndarray, task: str) -> np.ndarray:
    x = bits.astype(np.float32)
    return model.predict(x) if task == "regression" else model.predict_proba(x)[:, 1]
