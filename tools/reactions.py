"""Reaction tool: the product of a named or unnamed reaction between compounds, from RDKit reaction templates."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.common import structure_of
from tools.registry import ToolContext, register_tool


class PredictReactionArgs(BaseModel):
    reactants: list[str] = Field(
        min_length=1, description="the reactants, each a SMILES or a compound name known to the store"
    )
    reaction: str | None = Field(
        None,
        description="optional reaction, class or reagent to restrict to: 'amide coupling', 'Suzuki', 'HATU', "
        "'reductive amination', 'Boc deprotection', 'SNAr', 'click'",
    )


def _statement(labels: list[str], outputs: dict[str, Any]) -> str:
    top = outputs["products"][0]
    of = " and ".join(labels) if len(labels) <= 2 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
    sentence = f"{top['name'].split(' (')[0]} of {of} gives {top['smiles']} (template {top['template']})"
    if not top["uses_all_reactants"]:
        sentence += f", using only {' and '.join(top['reactants_used'])} of the reactants"
    others = len(outputs["products"]) - 1
    if outputs["ambiguous"]:
        sentence += f"; {others} other product{'s are' if others != 1 else ' is'} possible, see the alternatives"
    return sentence


@register_tool(
    "predict_reaction",
    "Predict the product of a reaction between compounds (names or SMILES) with RDKit reaction templates for "
    "the common medicinal-chemistry classes: amide coupling, esterification, ester hydrolysis, reductive "
    "amination, SNAr, Suzuki, Buchwald–Hartwig, Sonogashira, Heck, Boc/Cbz/benzyl deprotection, N- and "
    "O-alkylation, urea, sulfonamide, CuAAC click, Wittig, nitro reduction, Grignard, Diels–Alder. Optionally "
    "name the reaction or a reagent. Says which template fired and lists the alternatives when several products "
    "are possible (no stereo or selectivity model). Each answer is a recorded experiment.",
    PredictReactionArgs,
)
def predict_reaction(ctx: ToolContext, **kwargs: Any) -> dict[str, Any]:
    args = PredictReactionArgs(**kwargs)
    structures = [structure_of(ctx, r) for r in args.reactants]
    params: dict[str, Any] = {"reactants": [s.smiles for s in structures]}
    if args.reaction:
        params["reaction"] = args.reaction
    result = ctx.labs.run("chemistry", "reaction_products", params)
    outputs = result.outputs
    return {
        "experiment_id": result.experiment_id,
        "title": result.title,
        "reactants": [s.as_dict(query) for s, query in zip(structures, args.reactants, strict=True)],
        "value": outputs["products"][0]["smiles"],
        "statement": _statement([s.label for s in structures], outputs),
        "alternatives": outputs["products"][1:],
        "outputs": outputs,
    }
