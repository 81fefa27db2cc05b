"""Intent recognition by meaning: requests embedded with the shipped MiniLM, matched against the exemplar bank.

Two methods over the same exemplar vectors, measured against each other by `ech0 eval planner --method`:
- `knn`: the semantic-router rule — an intent's score is the mean cosine similarity of the request to its `k`
  nearest exemplars of that intent (a calibrated similarity: 0.6 reads the same whatever the bank's size).
- `logreg`: a multinomial logistic regression trained on the exemplar vectors (scores are probabilities).
Exemplar vectors are cached on disk by the bank's fingerprint and the model id, so a warm process pays one
encode call per request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from agents.understanding.bank import IntentBank

Encode = Callable[[Sequence[str]], np.ndarray]
# Exemplar vectors per (bank fingerprint, model) for this process: every runtime of a server or a test session
# shares them, and a new data directory does not re-encode the bank.
_VECTORS: dict[tuple[str, str], np.ndarray] = {}
Method = Literal["knn", "logreg"]


class IntentClassifier:
    def __init__(
        self,
        bank: IntentBank,
        encode: Encode,
        *,
        model_id: str = "",
        cache_dir: Path | None = None,
        method: Method = "logreg",
        k: int = 3,
    ) -> None:
        self.bank = bank
        self.encode = encode
        self.model_id = model_id
        self.cache_dir = cache_dir
        self.method = method
        self.k = k
        self._vectors: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._model = None

    @property
    def intents(self) -> list[str]:
        return list(self.bank.intents)

    def _exemplar_vectors(self) -> np.ndarray:
        key = (self.bank.fingerprint(), self.model_id)
        if key not in _VECTORS or not self.model_id:
            _VECTORS[key] = self._load_or_encode()
        return _VECTORS[key]

    def _load_or_encode(self) -> np.ndarray:
        texts = [text for _, text in self.bank.pairs()]
        path = None
        if self.cache_dir is not None:
            safe_model = "".join(c if c.isalnum() else "_" for c in self.model_id)[-60:]
            path = self.cache_dir / f"intent-bank-{self.bank.fingerprint()}-{safe_model}.npy"
            if path.is_file():
                cached = np.load(path)
                if cached.shape[0] == len(texts):
                    return cached
        vectors = np.asarray(self.encode(texts), dtype=np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)  # atomic: a second process never reads half a file
        return vectors

    def fit(self) -> IntentClassifier:
        if self._vectors is None:
            self._vectors = self._exemplar_vectors()
            self._labels = np.array([intent for intent, _ in self.bank.pairs()])
            if self.method == "logreg":
                from sklearn.linear_model import LogisticRegression

                self._model = LogisticRegression(C=20.0, max_iter=2000).fit(self._vectors, self._labels)
        return self

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, every intent's score (higher is likelier), for texts already masked of molecule mentions."""
        if not texts:
            return []
        self.fit()
        queries = np.asarray(self.encode(list(texts)), dtype=np.float32)
        if self.method == "logreg":
            probabilities = self._model.predict_proba(queries)
            return [dict(zip(self._model.classes_, map(float, row), strict=True)) for row in probabilities]
        similarities = queries @ self._vectors.T
        out = []
        for row in similarities:
            per_intent = {}
            for intent in self.intents:
                sims = np.sort(row[self._labels == intent])[::-1][: self.k]
                per_intent[intent] = float(sims.mean())
            out.append(per_intent)
        return out


def ranked(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
