"""Steps from what the planner read: record lookups, properties, exact questions, intent calls, data-driven
calls (reactions, SAR series, spectra) and the literature search, with the answer specs (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.intents import IntentSteps, intent_answer
from agents.plan_models import AnswerSpec, Plan, PlanStep
from agents.questions import STRUCTURAL_KINDS, Question
from agents.understanding.layer import Part


@dataclass
class Draft:
    """Everything the clause loop found, before it becomes steps."""

    names: list[str]
    smiles: list[str]
    questions: list[Question] = field(default_factory=list)
    literature: list[str] = field(default_factory=list)
    intents: IntentSteps = field(default_factory=IntentSteps)  # cue-word intents, for every compound
    semantic: list[tuple[str, dict[str, Any], list[str]]] = field(default_factory=list)  # (tool, args, subjects)
    data_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # answered by their "value"
    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    wants_properties: bool = False
    record_asked: bool = False  # targets, indications, identifiers: the record lookups answer the request
    not_subjects: set[str] = field(default_factory=set)  # reactants and series members: inputs, not subjects

    def subjects(self) -> list[str]:
        """The molecules the request asks about: every one named or drawn, less the inputs of data calls."""
        return [c for c in self.names + self.smiles if c not in self.not_subjects]


def build_plan(draft: Draft, answer_text: str) -> Plan:
    steps: list[PlanStep] = []
    answers: list[AnswerSpec] = []

    def add(tool: str, args: dict, purpose: str) -> str:
        steps.append(PlanStep(id=f"s{len(steps) + 1}", tool=tool, args=args, purpose=purpose))
        return steps[-1].id

    compounds = draft.subjects()
    lookups = {name: add("compound_lookup", {"query": name}, f"record of {name} in the compound store")
               for name in draft.names if name not in draft.not_subjects}  # fmt: skip
    # Steps added for context rather than asked for: every named compound's record and properties
    background = set() if draft.record_asked else set(lookups.values())
    properties: dict[str, str] = {}

    def properties_step(compound: str, asked: bool = True) -> str:
        if compound not in properties:
            properties[compound] = add("compute_properties", {"compound": compound}, f"RDKit properties of {compound}")
            if not asked:
                background.add(properties[compound])
        elif asked:
            background.discard(properties[compound])
        return properties[compound]

    asked_about = {q.subject for q in draft.questions} | {q.other for q in draft.questions if q.other}
    asked_about |= {s for _, _, subjects in draft.semantic for s in subjects}
    if draft.intents.per_compound:
        asked_about |= set(compounds)
    for compound in compounds:
        if compound not in asked_about or draft.wants_properties:
            properties_step(compound, asked=draft.wants_properties)
    for q in draft.questions:
        _plan_question(q, add, properties_step, lookups, answers)
    single = len(compounds) == 1 and len(draft.intents.per_compound) == 1 and not answers
    for compound in compounds:
        for tool, args in draft.intents.per_compound:
            step = add(tool, {"compound": compound, **args}, f"{tool.replace('_', ' ')} for {compound}")
            found = intent_answer(answer_text, tool, args) if single else None
            if found:
                answers.append(AnswerSpec(step=step, field=found[0], form=found[1]))
    planned = {(s.tool, repr(sorted(s.args.items()))) for s in steps}
    for tool, args, subjects in draft.semantic:
        for compound in subjects:
            call = {"compound": compound, **args}
            if tool == "compute_properties":
                properties_step(compound)
            elif (tool, repr(sorted(call.items()))) not in planned:
                add(tool, call, f"{tool.replace('_', ' ')} for {compound}")
    for tool, args in draft.intents.standalone:
        add(tool, args, tool.replace("_", " "))
    for tool, args in draft.data_calls:
        answers.append(AnswerSpec(step=add(tool, args, _DATA_PURPOSE[tool]), field="value"))
    literature_query = "; ".join(draft.literature) or None
    if literature_query:
        add("literature_search", {"query": literature_query}, "literature evidence for the question")
    return Plan(
        steps=steps,
        answers=answers,
        literature_query=literature_query,
        compounds=draft.names + draft.smiles,
        parts=draft.parts,
        notes=draft.notes,
        # a step an answer is read from was asked for, whatever added it
        background=[s.id for s in steps if s.id in background and s.id not in {a.step for a in answers}],
    )


_DATA_PURPOSE = {
    "predict_reaction": "the product of the reactants (reaction templates)",
    "sar_predict": "the unknown analogue's value from the series (Free–Wilson / matched pairs / similarity)",
    "elucidate_structure": "candidate structures ranked by agreement with the given shifts",
}


def _plan_question(q: Question, add, properties_step, lookups: dict[str, str], answers: list[AnswerSpec]) -> None:
    if q.kind in STRUCTURAL_KINDS:
        args: dict = {"compound": q.subject, "question": q.kind}
        if q.element:
            args["element"] = q.element
        if q.atoms:
            args["atom_a"], args["atom_b"] = q.atoms
        if q.other:
            args["other"] = q.other
        step = add("structure_question", args, f"exact answer: {q.kind.replace('_', ' ')} of {q.subject}")
        answers.append(AnswerSpec(step=step, field="value"))
    elif q.kind == "smiles" and q.subject in lookups:
        answers.append(AnswerSpec(step=lookups[q.subject], field="record.smiles"))
    elif q.kind == "formula":
        answers.append(AnswerSpec(step=properties_step(q.subject), field="outputs.formula"))
    elif q.kind == "lipinski":
        answers.append(
            AnswerSpec(
                step=properties_step(q.subject),
                field="outputs.properties.lipinski_violations",
                form="yes_if_at_most_one",
            )
        )
    elif q.kind == "property" and q.prop:
        answers.append(AnswerSpec(step=properties_step(q.subject), field=f"outputs.properties.{q.prop}"))
