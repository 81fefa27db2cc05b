"""ADMET tools: predictions with uncertainty and an applicability domain, and training of the endpoint models.

Models live in the property-model registry under `admet-<endpoint>`; training one (or predicting with a model
not trained yet) takes minutes of CPU, so those calls wait for a person's approval.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import inchikey, to_mol
from labs.pharmacology.endpoints import ENDPOINTS, endpoint, measured_values
from tools.common import structure_of
from tools.registry import ToolContext, register_tool


class PredictAdmetArgs(BaseModel):
    compound: str = Field(min_length=1, description="a compound name known to the store, or a SMILES string")
    endpoints: list[str] = Field(
        default_factory=lambda: list(ENDPOINTS), description=f"endpoints to predict: {', '.join(ENDPOINTS)}"
    )
    train_missing: bool = Field(True, description="train an endpoint's model first when none is saved (approval)")


class TrainAdmetArgs(BaseModel):
    endpoint: str = Field(description=f"one of {', '.join(ENDPOINTS)}")
    seeds: int = Field(1, ge=1, le=5, description="evaluation seeds (the scaffold split itself is deterministic)")


def _registry(ctx: ToolContext):
    from labs.models.registry import ModelRegistry

    if ctx.models_dir is None:
        raise Ech0Error("no model registry is configured: property models cannot be used here")
    return ModelRegistry(ctx.models_dir)


def _missing(ctx: ToolContext, names: list[str]) -> list[str]:
    registry = _registry(ctx)
    return [n for n in names if not registry.versions(endpoint(n).model_name)]


def _train(ctx: ToolContext, name: str, seeds: int = 1) -> dict[str, Any]:
    from labs.models.train import train_property_model

    e = endpoint(name)
    report = train_property_model(e.path, "smiles", e.target, e.task, _registry(ctx), seeds=seeds, name=e.model_name)
    return {"endpoint": name, "model": report.model, "n": report.n, "metrics": report.metrics,
            "baseline": report.baseline, "split": "scaffold"}  # fmt: skip


def _contradicted(task: str, row, measured: float | None) -> bool:
    """Whether a measured value contradicts the prediction: outside its interval, or the other class."""
    if measured is None:
        return False
    if task == "classification":
        return int(row.prediction >= 0.5) != int(measured)
    if row.lower is not None and row.upper is not None:
        return not row.lower <= measured <= row.upper
    return abs(measured - row.prediction) > 2 * (row.std or 0.0)


def _predict_reason(ctx: ToolContext, args: dict[str, Any]) -> str | None:
    parsed = PredictAdmetArgs(**args)
    missing = _missing(ctx, parsed.endpoints) if parsed.train_missing else []
    return f"trains the {', '.join(missing)} model(s) first (minutes of CPU)" if missing else None


@register_tool(
    "predict_admet",
    "Predict ADMET endpoints (aqueous solubility, lipophilicity, blood–brain barrier penetration, clinical "
    "toxicity) of a compound with models trained on measured sets; each prediction carries its uncertainty, "
    "whether it is inside the model's applicability domain, and the model version.",
    PredictAdmetArgs,
    expensive=_predict_reason,
)
def predict_admet(ctx: ToolContext, compound: str, endpoints: list[str], train_missing: bool = True) -> dict[str, Any]:
    from labs.models.predict import predict_smiles

    structure = structure_of(ctx, compound)
    missing = _missing(ctx, endpoints)
    if missing and not train_missing:
        raise Ech0Error(f"no trained model for {', '.join(missing)}: train it with the train_admet_model tool")
    trained = [_train(ctx, name) for name in missing]
    key = inchikey(to_mol(structure.smiles))
    predictions = []
    for name in endpoints:
        e = endpoint(name)
        report = predict_smiles(_registry(ctx), e.model_name, [structure.smiles])
        row = report.predictions[0]
        if row.error:
            raise Ech0Error(f"{compound!r}: {row.error}")
        measured = measured_values(name).get(key)
        predictions.append(
            {
                "endpoint": name,
                "label": structure.label,
                "endpoint_label": e.label,
                "task": e.task,
                "unit": e.unit,
                "prediction": round(row.prediction, 3),
                "class": row.label,
                "std": row.std,
                "lower": row.lower,
                "upper": row.upper,
                "similarity": row.max_similarity,
                "in_domain": row.in_domain,
                "model": report.model,
                "interval_coverage": report.interval_coverage,
                # evidence the prediction can be checked against: the compound's own measured value, if shipped
                "measured": measured,
                "measured_source": f"{e.file} (shipped measured set)",
                "contradicted": _contradicted(e.task, row, measured),
            }
        )
    return {"compound": structure.as_dict(compound), "predictions": predictions, "trained": trained}


@register_tool(
    "train_admet_model",
    "Train (or retrain) the model of one ADMET endpoint on its shipped measured set, with a scaffold split and "
    "a random-forest baseline; the new version is saved in the model registry.",
    TrainAdmetArgs,
    expensive=lambda ctx, args: f"trains the {args.get('endpoint')} model (minutes of CPU)",
)
def train_admet_model(ctx: ToolContext, endpoint: str, seeds: int = 1) -> dict[str, Any]:
    return _train(ctx, endpoint, seeds)
