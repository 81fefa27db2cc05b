"""Understanding evaluation on the paraphrase set: intent, slot and answer accuracy per intent (pure grading).

The set (evals/data/understanding/) was written independently of the planner and the exemplar bank, with its
answers computed by RDKit. A case's intents are right when the plan serves exactly the intents of its parts
(steps added for context — a named compound's record and properties — do not count); a part's slots are right
when the planned steps carry its compounds (by InChIKey) and its details (the property, the structural
question, the endpoints, the library, the reactants…); an answer is right when the report's short answer holds
the expected value (numbers within the set's tolerance, SMILES canonically, atom mappings as valid mappings).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agents.plan_models import Plan
from agents.understanding.layer import TOOL_INTENT
from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.common.mol import canonical_smiles, inchikey, try_mol
from knowledge.compounds import CompoundStore
from knowledge.standardize import smiles_inchikey

SET_DIR = Path(__file__).parent / "data" / "understanding"
SPLITS = {"dev": SET_DIR / "paraphrase_dev.jsonl", "sealed": SET_DIR / "paraphrase_sealed.jsonl"}
Resolve = Callable[[str], str | None]  # a mention or step argument → its InChIKey (None when unknown)


class CaseCompound(BaseModel):
    mention: str
    inchikey: str | None = None
    smiles: str | None = None


class CasePart(BaseModel):
    model_config = ConfigDict(extra="allow")
    intent: str
    compounds: list[CaseCompound] = Field(default_factory=list)
    answer: dict[str, Any] | None = None
    depends_on: int | None = None

    def slot(self, name: str) -> Any:
        return (self.model_extra or {}).get(name)


class Case(BaseModel):
    id: str
    split: str
    request: str
    history: list[str] = Field(default_factory=list)
    parts: list[CasePart]
    unresolved: list[str] = Field(default_factory=list)


def inchikey_resolver(compounds: CompoundStore) -> Resolve:
    """Mentions and step arguments to InChIKeys, offline: a structure by RDKit, a name through the store."""

    def resolve(text: str) -> str | None:
        if (mol := try_mol(text)) is not None:
            return inchikey(mol)
        try:
            record = compounds.resolve(text)
        except CompoundNotFoundError:
            return None
        return record.inchikey or smiles_inchikey(record.smiles)

    return resolve


def load_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise Ech0Error(f"paraphrase set {path} does not exist")
    return [Case.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def plan_intents(plan: Plan) -> set[str]:
    """The intents a plan serves: its asked steps' tools, conversation, and clauses served by their context."""
    if plan.conversation:
        return {plan.conversation}
    background = set(plan.background)
    # a record looked up only for the SMILES it holds answers a property question
    smiles_only = {a.step for a in plan.answers if a.field == "record.smiles"}
    intents = {"property" if s.id in smiles_only else TOOL_INTENT[s.tool]
               for s in plan.steps if s.id not in background and s.tool in TOOL_INTENT}  # fmt: skip
    for part in plan.parts:
        if part.status == "conversation" and part.intent:
            intents.add(part.intent)
        if part.status == "unsupported" and part.intent == "out_of_scope":
            intents.add("out_of_scope")
    return intents


def _step_compounds(args: dict[str, Any]) -> list[str]:
    found = [args[k] for k in ("compound", "query", "other") if isinstance(args.get(k), str)]
    return found + [r for r in args.get("reactants") or [] if isinstance(r, str)]


def _property_ok(part: CasePart, plan: Plan, asked: list) -> bool:
    prop = part.slot("property")
    fields = [(a.field, a.form) for a in plan.answers]
    if prop == "all":
        return any(s.tool == "compute_properties" for s in asked)
    if prop == "formula":
        return any(f == "outputs.formula" for f, _ in fields)
    if prop == "smiles":
        return any(f == "record.smiles" for f, _ in fields)
    if prop == "lipinski":
        return any(f.endswith("lipinski_violations") and form == "yes_if_at_most_one" for f, form in fields)
    return any(f == f"outputs.properties.{prop}" for f, _ in fields)


def _detail_ok(part: CasePart, plan: Plan, asked: list, resolve: Resolve) -> bool:
    tools = {s.tool: s.args for s in asked}
    intent = part.intent
    if intent == "property":
        return _property_ok(part, plan, asked)
    if intent == "structure":
        return any(_structure_ok(part, s.args) for s in asked if s.tool == "structure_question")
    if intent == "admet":
        want = set(part.slot("endpoints") or [])
        return any(want <= set(s.args.get("endpoints", [])) for s in asked if s.tool == "predict_admet")
    if intent == "similarity":
        return any(
            s.args.get("library") == (part.slot("library") or "all") for s in asked if s.tool == "similarity_search"
        )
    if intent == "train_model":
        return any(s.args.get("endpoint") == part.slot("endpoint") for s in asked if s.tool == "train_admet_model")
    if intent == "elucidation":
        return tools.get("elucidate_structure", {}).get("formula") == part.slot("formula")
    if intent == "sar":
        query = part.slot("query")
        return "sar_predict" in tools and resolve(tools["sar_predict"].get("query", "")) == _key_of(query, resolve)
    tool = {"compound_record": "compound_lookup", "literature": "literature_search", "toxicity": "toxicity_alerts",
            "natural_product": "classify_natural_product", "reaction": "predict_reaction"}.get(intent)  # fmt: skip
    return tool is None or tool in tools


def _key_of(smiles: str | None, resolve: Resolve) -> str | None:
    return resolve(smiles) if smiles else None


def _structure_ok(part: CasePart, args: dict[str, Any]) -> bool:
    from labs.chemistry.structure import element_symbol

    if args.get("question") != part.slot("question"):
        return False
    if part.slot("element") and element_symbol(str(args.get("element", "?"))) != part.slot("element"):
        return False
    atoms = part.slot("atoms")
    if isinstance(atoms, list):
        return sorted([args.get("atom_a"), args.get("atom_b")]) == sorted(atoms)
    return True


def slots_ok(part: CasePart, plan: Plan, resolve: Resolve) -> bool:
    """The part's compounds (by InChIKey) are among the asked steps' compounds, and its details are planned."""
    if part.intent in ("greeting", "capabilities", "thanks", "out_of_scope", "clarify"):
        return part.intent in plan_intents(plan)
    background = set(plan.background)
    asked = [s for s in plan.steps if s.id not in background]
    planned = {k for s in asked for c in _step_compounds(s.args) if (k := resolve(c))}
    if part.intent == "literature":  # a literature query names its compounds in its text
        queries = " ".join(s.args.get("query", "") for s in asked if s.tool == "literature_search").lower()
        planned |= {k for c in plan.compounds if c.lower() in queries and (k := resolve(c))}
    wanted = {c.inchikey or resolve(c.smiles or c.mention) for c in part.compounds} - {None, ""}
    try:
        return wanted <= planned and _detail_ok(part, plan, asked, resolve)
    except Ech0Error:
        return False


def answer_ok(expected: dict[str, Any], answer: Any) -> bool:
    """Whether the report's short answer (a value, or a list for several questions) holds the expected value."""
    values = answer if isinstance(answer, list) and expected["type"] != "pairs" else [answer]
    if expected["type"] == "pairs" and isinstance(answer, list) and answer and isinstance(answer[0], list):
        values = [answer] if all(len(x) == 2 and isinstance(x[0], int) for x in answer) else answer
    return any(_value_ok(expected, v) for v in values if v is not None)


def _value_ok(expected: dict[str, Any], value: Any) -> bool:
    kind, want = expected["type"], expected["value"]
    try:
        if kind == "integer":
            return float(value) == float(want)
        if kind == "number":
            return abs(float(value) - float(want)) <= float(expected.get("tolerance", 1e-6)) + 1e-9
    except (TypeError, ValueError):
        return False
    if kind == "yes_no":
        return str(value).strip().lower() == str(want).lower()
    if kind == "formula":
        return str(value).strip() == str(want)
    if kind == "smiles":
        got, ref = try_mol(str(value)), try_mol(str(want))
        return got is not None and ref is not None and canonical_smiles(got) == canonical_smiles(ref)
    if kind == "pairs":
        return isinstance(value, list) and sorted(map(tuple, value)) == sorted(map(tuple, want))
    return False


def evaluate(
    cases: list[Case],
    plan: Callable[[Case], Plan],
    resolve: Resolve,
    ask: Callable[[Case], Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Intent, slot and answer accuracy overall and per intent; `ask(case)` returns the report's short answer."""
    per: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    misses, seconds = [], []
    for case in cases:
        expected = {p.intent for p in case.parts}
        started = time.perf_counter()
        try:
            planned = plan(case)
            got, error = plan_intents(planned), None
        except Ech0Error as exc:
            planned, got, error = None, set(), str(exc)
        seconds.append(time.perf_counter() - started)
        intents_ok = got == expected
        parts_ok = [planned is not None and slots_ok(p, planned, resolve) for p in case.parts]
        answer = None
        if ask and any(p.answer for p in case.parts):
            try:
                answer = ask(case)
            except Ech0Error:  # a request the run refuses has no answer: its parts count as wrong
                answer = None
        for part, slot_ok in zip(case.parts, parts_ok, strict=True):
            per[part.intent]["intent"].append(part.intent in got)
            per[part.intent]["slots"].append(slot_ok)
            if part.answer and ask:
                per[part.intent]["answer"].append(answer_ok(part.answer, answer))
        per["(all)"]["plan"].append(intents_ok and all(parts_ok))
        per["(all)"]["intent"].append(intents_ok)
        if not (intents_ok and all(parts_ok)):
            misses.append({"id": case.id, "request": case.request, "expected": sorted(expected),
                           "planned": sorted(got), "error": error,
                           "steps": [(s.tool, s.args) for s in planned.steps] if planned else []})  # fmt: skip
        if progress:
            progress(1)
    table = {intent: {k: _rate(v) for k, v in scores.items()} for intent, scores in sorted(per.items())}
    answers = [ok for scores in per.values() for ok in scores.get("answer", [])]
    return {
        "n": len(cases),
        "plan_accuracy": _rate(per["(all)"]["plan"])["rate"],
        "intent_accuracy": _rate(per["(all)"]["intent"])["rate"],
        "answer_accuracy": _rate(answers)["rate"] if answers else None,
        "plan_latency_ms": {
            "p50": round(1000 * statistics.median(seconds), 1),
            "p95": round(1000 * sorted(seconds)[max(0, round(0.95 * len(seconds)) - 1)], 1),
        },
        "by_intent": table,
        "misses": misses,
    }


def _rate(values: list[bool]) -> dict[str, Any]:
    return {"rate": round(sum(values) / len(values), 4) if values else None, "n": len(values)}


def dump(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, default=str)


def overlap(cases: list[Case], exemplars: list[str], encode: Callable[[list[str]], Any], near: float = 0.95) -> dict:
    """How close the set's requests come to the exemplar bank: exact matches (case and spacing aside) and near
    duplicates (cosine ≥ `near` between a request, its molecules written as the bank's placeholder, and its
    closest exemplar). The set must hold neither."""
    import numpy as np

    from agents.understanding.layer import mask

    def norm(text: str) -> str:
        return " ".join(text.lower().split()).strip(" ?.!")

    masked = [mask(c.request, [m.mention for p in c.parts for m in p.compounds]) for c in cases]
    bank = {norm(e) for e in exemplars}
    exact = [c.id for c, text in zip(cases, masked, strict=True) if norm(text) in bank or norm(c.request) in bank]
    similarity = np.asarray(encode(masked)) @ np.asarray(encode(exemplars)).T
    closest = similarity.max(axis=1)
    return {
        "exact": exact,
        "near_duplicates": [c.id for c, s in zip(cases, closest, strict=True) if s >= near],
        "max_cosine": round(float(closest.max()), 3),
        "median_cosine": round(float(np.median(closest)), 3),
    }
