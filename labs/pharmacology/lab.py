"""The pharmacology lab: ADMET predictions from the registered endpoint models, and a developability score.

Models are read from the registry in the runner's `LabContext.models_dir`. Before an experiment's id is computed,
`prepare` pins each endpoint's model to `name@version` in the parameters: the id then depends on the model
version and never on where the registry lives, and a retrained model gives a new experiment.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error
from labs.base import ContextBound, LabContext, register_lab
from labs.pharmacology.endpoints import ENDPOINTS, endpoint

_ROW_FIELDS = ("prediction", "label", "std", "lower", "upper", "max_similarity", "in_domain", "model")


def model_registry(context: LabContext | None):
    from labs.models.registry import ModelRegistry

    if context is None or context.models_dir is None:
        raise Ech0Error("no model registry is configured for the labs: give the runner a LabContext(models_dir=…)")
    return ModelRegistry(context.models_dir)


def pin_model(context: LabContext | None, ref: str) -> str:
    """'name' → 'name@N' (its latest version); 'name@N' is checked to exist. Raises Ech0Error with the fix."""
    from labs.models.registry import parse_ref

    registry = model_registry(context)
    name, _ = parse_ref(ref)
    if not registry.versions(name):
        train = next((e for e in ENDPOINTS.values() if e.model_name == name), None)
        hint = (
            f"`ech0 models train --csv {train.path} --smiles-col smiles --target {train.target} "
            f"--task {train.task} --name {name}` or the train_admet_model tool"
            if train
            else "`ech0 models train`"
        )
        raise Ech0Error(f"no trained model {name!r} in the model registry: train it first with {hint}")
    return registry.meta(ref)["ref"]


@lru_cache(maxsize=64)
def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_provenance(context: LabContext | None, ref: str) -> dict[str, Any]:
    """What a reproducibility bundle records about a model: version, artifact hash, data hash, seeds, libraries."""
    from labs.models.registry import ARTIFACT

    registry = model_registry(context)
    meta = registry.meta(ref)
    artifact = registry.root / meta["name"] / f"v{meta['version']}" / ARTIFACT
    return {
        "ref": meta["ref"],
        "artifact_sha256": file_sha256(str(artifact)),
        "data_hash": meta.get("data_hash"),
        "source_file": Path(meta.get("source", "")).name,
        "task": meta.get("task"),
        "target": meta.get("target"),
        "split": meta.get("split"),
        "seeds": meta.get("seeds"),
        "metrics": meta.get("metrics"),
        "libraries": meta.get("libraries"),
        "featurizers": meta.get("featurizers"),
        "created_at": meta.get("created_at"),
    }


def shipped_data(path: Path, context: LabContext | None, ref: str) -> dict[str, Any]:
    """A shipped data file's hash, and whether the model `ref` was trained on exactly that file."""
    sha = file_sha256(str(path))
    trained_on = model_registry(context).meta(ref).get("data_hash")
    return {"file": path.name, "sha256": sha, "model": ref, "model_trained_on_this_file": trained_on == sha}


def predict_rows(context: LabContext | None, ref: str, smiles: list[str]) -> tuple[list[dict[str, Any]], str]:
    """Per-row predictions of a pinned model (a row that does not parse carries `error`), and its task."""
    from labs.models.predict import predict_smiles

    report = predict_smiles(model_registry(context), ref, smiles)
    rows = []
    for row in report.predictions:
        out = {k: getattr(row, k) for k in _ROW_FIELDS}
        if out["prediction"] is not None:
            out["prediction"] = round(out["prediction"], 4)
        rows.append({**out, "error": row.error} if row.error else out)
    return rows, report.task


def _desirability(term: str, value: float) -> float:
    """Map one property onto [0, 1], 1 best (Derringer-style ramps with documented cut-offs)."""
    if term == "qed":
        return min(max(value, 0.0), 1.0)
    if term == "rule_of_five":  # violations: 0 → 1, each costs a quarter
        return max(0.0, 1.0 - 0.25 * value)
    if term == "alerts":  # structural alerts: 0 → 1, 1 → 0.5, 3 → 0.25
        return 1.0 / (1.0 + value)
    if term == "solubility":  # log S: ≥ −4 soluble enough (1), ≤ −6 poorly soluble (0), linear between
        return min(max((value + 6.0) / 2.0, 0.0), 1.0)
    if term == "clinical_toxicity":  # P(toxic in trials) → 1 − p
        return 1.0 - min(max(value, 0.0), 1.0)
    if term == "np_likeness":  # Ertl score: ≤ −2 synthetic-like (0), ≥ +2 natural-product-like (1)
        return min(max((value + 2.0) / 4.0, 0.0), 1.0)
    raise Ech0Error(f"unknown score term {term!r}")


DEFAULT_WEIGHTS = {
    "qed": 1.0,
    "rule_of_five": 1.0,
    "alerts": 1.0,
    "solubility": 1.0,
    "clinical_toxicity": 1.0,
    "np_likeness": 0.0,
}


@register_lab("pharmacology")
class PharmacologyLab(ContextBound):
    name = "pharmacology"
    version = "1"

    def operations(self):
        return {"predict": self.predict, "predict_batch": self.predict_batch, "developability": self.developability}

    def _pin(self, endpoints: list[str] | None, models: dict[str, str] | None) -> tuple[list[str], dict[str, str]]:
        chosen = list(endpoints or ENDPOINTS)
        for name in chosen:
            endpoint(name)  # raises on an unknown endpoint
        given = models or {}
        extra = sorted(set(given) - set(chosen))
        if extra:
            raise Ech0Error(f"models given for endpoints not asked for: {extra}; endpoints are {chosen}")
        pinned = {name: pin_model(self.context, given.get(name) or endpoint(name).model_name) for name in chosen}
        return chosen, pinned

    def prepare(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation in ("predict", "predict_batch"):
            chosen, pinned = self._pin(params.get("endpoints"), params.get("models"))
            return {**params, "endpoints": chosen, "models": pinned}
        return params

    def provenance(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        models = params.get("models") or {}
        return {
            "models": [model_provenance(self.context, ref) for ref in models.values()],
            "data": [shipped_data(endpoint(n).path, self.context, ref) for n, ref in models.items()],
        }

    def _predict(self, smiles: list[str], endpoints, models) -> tuple[list[dict[str, Any]], dict[str, str]]:
        chosen, pinned = self._pin(endpoints, models)
        per_row: list[dict[str, Any]] = [{"row": i, "smiles": s, "predictions": {}} for i, s in enumerate(smiles)]
        for name in chosen:
            e = endpoint(name)
            rows, task = predict_rows(self.context, pinned[name], smiles)
            for out, row in zip(per_row, rows, strict=True):
                if row.get("error"):
                    out["error"] = row["error"]
                else:
                    out["predictions"][name] = {**row, "task": task, "unit": e.unit, "endpoint_label": e.label}
        return per_row, pinned

    def predict(
        self, smiles: str, endpoints: list[str] | None = None, models: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """ADMET predictions for one compound: value (or P(class 1)), spread, interval, domain, model version."""
        if not isinstance(smiles, str) or not smiles.strip():
            raise Ech0Error("pharmacology.predict takes one SMILES string; use predict_batch for a list")
        (row,), pinned = self._predict([smiles], endpoints, models)
        if row.get("error"):
            raise Ech0Error(f"cannot predict {smiles!r}: {row['error']}")
        return {"smiles": smiles, "predictions": row["predictions"], "models": pinned}

    def predict_batch(
        self, smiles: list[str], endpoints: list[str] | None = None, models: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Predictions for a list; rows that do not parse are listed under `errors` and the rest predicted."""
        if not isinstance(smiles, list) or not smiles:
            raise Ech0Error("pharmacology.predict_batch takes a non-empty list of SMILES")
        rows, pinned = self._predict(smiles, endpoints, models)
        errors = [{"row": r["row"], "smiles": r["smiles"], "error": r["error"]} for r in rows if "error" in r]
        good = [r for r in rows if "error" not in r]
        return {"results": good, "errors": errors, "n": len(rows), "n_errors": len(errors), "models": pinned}

    @staticmethod
    def developability(
        qed: float | None = None,
        lipinski_violations: int | None = None,
        n_alerts: int | None = None,
        solubility: float | None = None,
        clinical_toxicity: float | None = None,
        np_likeness: float | None = None,
        weights: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """A weighted mean of per-property desirabilities in [0, 1]; terms given as None are left out and listed.

        solubility is log S (mol/L), clinical_toxicity is P(toxic) from the ClinTox model.
        """
        w = {**DEFAULT_WEIGHTS, **(weights or {})}
        unknown = sorted(set(w) - set(DEFAULT_WEIGHTS))
        if unknown or any(v < 0 for v in w.values()):
            raise Ech0Error(f"weights must be non-negative and among {', '.join(DEFAULT_WEIGHTS)}: got {weights}")
        values = {
            "qed": qed,
            "rule_of_five": lipinski_violations,
            "alerts": n_alerts,
            "solubility": solubility,
            "clinical_toxicity": clinical_toxicity,
            "np_likeness": np_likeness,
        }
        terms, missing = {}, []
        for term, value in values.items():
            if value is None:
                missing.append(term)
                continue
            terms[term] = {
                "value": value,
                "desirability": round(_desirability(term, float(value)), 4),
                "weight": w[term],
            }
        total = sum(t["weight"] for t in terms.values())
        if total <= 0:
            raise Ech0Error("no weighted term to score: give at least one property with a positive weight")
        score = sum(t["desirability"] * t["weight"] for t in terms.values()) / total
        return {"score": round(score, 4), "terms": terms, "missing": missing, "scale": "0 (poor) to 1 (good)"}
