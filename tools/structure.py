"""Structure tool: exact answers to structural questions about one molecule, as recorded chemistry experiments."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from tools.common import structure_of
from tools.registry import ToolContext, register_tool


class StructureQuestionArgs(BaseModel):
    compound: str = Field(min_length=1, description="SMILES of the molecule, or a compound name known to the store")
    question: Literal["count_element", "heavy_atoms", "rings", "aromatic_rings", "shortest_path", "atom_mapping"]
    element: str | None = Field(None, description="for count_element: a symbol (C, N, Cl) or a name (carbon)")
    atom_a: int | None = Field(None, ge=0, description="for shortest_path: 0-based index of the first atom")
    atom_b: int | None = Field(None, ge=0, description="for shortest_path: 0-based index of the second atom")
    other: str | None = Field(None, description="for atom_mapping: the second SMILES of the same molecule")


def _lab_call(question: str, smiles: str, args: StructureQuestionArgs) -> tuple[str, dict[str, Any]]:
    if question == "count_element":
        if not args.element:
            raise Ech0Error("count_element needs an element, e.g. 'C' or 'carbon'")
        return "count_atoms", {"smiles": smiles, "element": args.element}
    if question == "heavy_atoms":
        return "properties", {"smiles": smiles, "names": ["heavy_atoms"]}
    if question in ("rings", "aromatic_rings"):
        return "rings", {"smiles": smiles}
    if question == "shortest_path":
        return "shortest_path", {"smiles": smiles, "a": args.atom_a, "b": args.atom_b}
    if not args.other:
        raise Ech0Error("atom_mapping needs a second SMILES of the same molecule")
    return "atom_mapping", {"smiles_a": smiles, "smiles_b": args.other}


def _value_and_statement(question: str, label: str, out: dict[str, Any], args: StructureQuestionArgs) -> tuple:
    if question == "count_element":
        n = out["count"]
        return n, f"{label} has {n} {out['element']} atom{'s' if n != 1 else ''}"
    if question == "heavy_atoms":
        n = out["properties"]["heavy_atoms"]
        return n, f"{label} has {n} heavy (non-hydrogen) atoms"
    if question == "rings":
        sizes = ", ".join(str(s) for s in out["ring_sizes"]) or "none"
        return out["rings"], f"{label} has {out['rings']} rings (smallest set of smallest rings; sizes {sizes})"
    if question == "aromatic_rings":
        return out["aromatic_rings"], f"{label} has {out['aromatic_rings']} aromatic rings"
    if question == "shortest_path":
        between = f"atoms {args.atom_a} and {args.atom_b} (0-based)" if args.atom_a is not None else "the two '*' atoms"
        n = out["bonds"]
        return n, f"The shortest path between {between} of {label} has {n} bond{'s' if n != 1 else ''}"
    pairs = out["pairs"]
    return pairs, (
        f"Atom mapping from {label} to {args.other} (0-based atom indices, first → second): "
        + ", ".join(f"{i}→{j}" for i, j in pairs)
    )


@register_tool(
    "structure_question",
    "Answer a structural question about one molecule exactly with RDKit: atoms of an element, heavy atoms, "
    "rings, aromatic rings, bonds on the shortest path between two atoms (or the two '*' atoms), or the atom "
    "mapping between two SMILES of the same molecule. Each answer is a recorded experiment.",
    StructureQuestionArgs,
)
def structure_question(ctx: ToolContext, **kwargs: Any) -> dict[str, Any]:
    args = StructureQuestionArgs(**kwargs)
    structure = structure_of(ctx, args.compound)
    smiles, label = structure.smiles, structure.label
    operation, params = _lab_call(args.question, smiles, args)
    result = ctx.labs.run("chemistry", operation, {k: v for k, v in params.items() if v is not None})
    value, statement = _value_and_statement(args.question, label, result.outputs, args)
    return {
        "experiment_id": result.experiment_id,
        "title": result.title,
        "question": args.question,
        "compound": structure.as_dict(args.compound),
        "value": value,
        "statement": statement,
        "outputs": result.outputs,
    }
