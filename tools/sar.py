"""SAR tool: predict an unknown analogue's activity from a measured series, as a recorded chemistry experiment."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

from knowledge.common.errors import Ech0Error
from tools.common import structure_of
from tools.registry import ToolContext, register_tool

_MODEL_NAMES = {
    "free_wilson": "Free–Wilson model",
    "matched_pairs": "Matched-pair transfer",
    "similarity_knn": "Similarity-weighted k-NN (Morgan r=2)",
}


class SarPredictArgs(BaseModel):
    series: list[tuple[str, float]] = Field(
        min_length=3, description="the measured analogues as (SMILES, value) pairs, at least 3"
    )
    query: str = Field(
        min_length=1, description="the unknown analogue: a SMILES, or a compound name known to the store"
    )
    value_name: str = Field("activity", min_length=1, description="what the values are, e.g. pIC50 or a score")


def _statement(out: dict[str, Any], label: str) -> str:
    name, value = out["value_name"], out["prediction"]
    if out["model"] == "measured":
        return f"{label} is in the series: its measured {name} is {value:.3g} (no prediction made)"
    rmse = out["loo_rmse"]
    loo = "no LOO error available" if rmse is None else f"LOO RMSE {rmse:.2g}" if rmse >= 1e-3 else "LOO RMSE < 0.001"
    head = f"{_MODEL_NAMES[out['model']]} over {out['n']} analogues ({loo}) predicts {name} {value:.3g} for {label}"
    used = out["used"]
    if out["model"] == "free_wilson":
        terms = [f"{t['position']} {t['substituent']} {t['value']:+.3g}" for t in used[1:] if t["value"]]
        return f"{head}: " + " + ".join([f"baseline {used[0]['value']:.3g}", *terms])
    if out["model"] == "matched_pairs":
        first = used[0]
        return (
            f"{head}: {first['from']} ({first['from_value']:.3g}) with {first['transformation']} "
            f"{first['delta']:+.3g}" + (f", averaged over {len(used)} pair transfers" if len(used) > 1 else "")
        )
    nearest = used[0]
    return (
        f"{head}: weighted mean of {len(used)} neighbours, nearest {nearest['smiles']} "
        f"(Tanimoto {nearest['similarity']:.2f})"
    )


@register_tool(
    "sar_predict",
    "Predict the activity or score of an unknown analogue from a series of measured analogues (SMILES, value): "
    "Free–Wilson additivity over R-groups on the common core when every substituent was seen, else matched "
    "molecular-pair transfer, else similarity-weighted k-NN; reports the model, its contributions and its "
    "leave-one-out error. Each prediction is a recorded experiment.",
    SarPredictArgs,
)
def sar_predict(ctx: ToolContext, **kwargs: Any) -> dict[str, Any]:
    try:
        args = SarPredictArgs(**kwargs)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise Ech0Error(f"bad sar_predict arguments ({problems}): give series as [(SMILES, number), …], ≥ 3") from None
    structure = structure_of(ctx, args.query)
    params = {
        "series": [[smiles, value] for smiles, value in args.series],
        "query": structure.smiles,
        "value_name": args.value_name,
    }
    result = ctx.labs.run("chemistry", "sar_predict", params)
    out = result.outputs
    return {
        "experiment_id": result.experiment_id,
        "title": f"SAR prediction of {args.value_name} for {structure.label} from {out['n']} analogues",
        "compound": structure.as_dict(args.query),
        "value": out["prediction"],
        "statement": _statement(out, structure.label),
        "outputs": out,
    }
