"""The deterministic planner: compound mentions and the literature question → tool calls. No model needed."""

from __future__ import annotations

import re
from typing import Protocol

from agents.intents import find_intents, intent_answer
from agents.mentions import find_names, find_smiles, remove_terms
from agents.plan_models import AnswerSpec, Plan, PlanStep
from agents.questions import (
    STRUCTURAL_KINDS,
    Question,
    asks_single_value,
    find_mapping,
    find_question,
    mask_element_words,
)
from knowledge.common.errors import CompoundNotFoundError, Ech0Error


class EmptyRequestError(Ech0Error):
    """The request has no text to act on."""


class CompoundNames(Protocol):
    def is_name(self, phrase: str) -> bool: ...


_CHEMISTRY_CUES = re.compile(
    r"\b(propert(y|ies)|molecular weight|mw|log ?p|tpsa|polar surface|drug[- ]?likeness|drug[- ]?like|lipinski|"
    r"rule of (five|5)|qed|rings?|aromatic|h-?bond|hydrogen bond|donors?|acceptors?|rotatable|synthetic "
    r"accessibility|sa score|descriptors?|formula|heavy atoms?|atoms?|bonds?|how many|smiles|molecules?)\b",
    re.IGNORECASE,
)
_LITERATURE_CUES = re.compile(
    r"\b(literature|papers?|stud(y|ies)|evidence|known|research|publications?|reported|reports?|trials?|"
    r"say|says|effects?|associated|association|risk|mechanisms?|review|abstracts?|pubmed|findings?|"
    r"why|whether|does|do|is there|are there|linked|role)\b",
    re.IGNORECASE,
)
# Facts the compound record holds: asked of the store, not the literature.
_RECORD_CUES = re.compile(
    r"\b(targets?|indications?|approv\w*|identifiers?|cas (number|no)|drugbank|synonyms?|look ?up|compound store|"
    r"records?)\b",
    re.IGNORECASE,
)
_STRONG_LITERATURE_CUES = re.compile(
    r"\b(literature|papers?|stud(y|ies)|evidence|research|publications?|reported|trials?|say|says|review|"
    r"abstracts?|pubmed|findings?)\b",
    re.IGNORECASE,
)
# Request phrasing that carries no search content.
_FILLER = re.compile(
    r"\b(also|please|and then|then|tell me|find|search( for)?|look up|what does the literature say( about)?|"
    r"what do (the )?(studies|papers) say( about)?|what is known about|what('s| is) known( about)?|"
    r"the literature( on| about)?|literature( on| about)?|summari[sz]e|give me|show me|can you|could you)\b",
    re.IGNORECASE,
)
_STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "for",
    "and",
    "or",
    "in",
    "on",
    "to",
    "is",
    "are",
    "what",
    "about",
    "with",
    "me",
    "its",
    "it",
    "this",
    "that",
    "these",
    "those",
    "be",
    "by",
    "as",
    "at",
    "how",
    "which",
    "also",
}
_GENERIC_OBJECTS = {
    "it",
    "this",
    "that",
    "them",
    "the molecule",
    "this molecule",
    "the compound",
    "this compound",
    "these",
    "each",
    "both",
    "all",
}
_OBJECT = re.compile(r"\b(?:of|for)\s+(.+?)\s*[?.!]*$", re.IGNORECASE)


# Answer-format instructions ("Give your answer as an integer.") carry no research content.
_INSTRUCTION = re.compile(
    r"^\s*(?:please\s+)?(?:give|provide|write|return|respond|reply|express|format|answer|report|output|only|"
    r"do not|don't|use|state|show your)\b.{0,80}\b(?:answer|integer|number|comments?|format|list|tuples?|"
    r"smiles|json|words?|explanation|only)\b",
    re.IGNORECASE,
)
_PROPERTY_CUES = re.compile(
    r"\b(propert(y|ies)|drug[- ]?likeness|drug[- ]?like|descriptors?|profile|lipinski|rule of (five|5))\b",
    re.IGNORECASE,
)
_REFERS = re.compile(r"\b(the|this|that) (molecule|compound|structure|smiles)\b|\bits?\b", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    # Sentences, blank-line blocks, "also", and ", and what/how…" joining two questions in one sentence.
    parts = re.split(
        r"(?<=[?!;])\s+|(?<=\.)\s+(?=[A-Z])|\n\s*\n|\s*\balso\b,?\s*"
        r"|,\s*and\s+(?=(?:what|how|which|why|is|are|does|do|did|can)\b)",
        text,
        flags=re.IGNORECASE,
    )
    return [p.strip() for p in parts if p and p.strip()]


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z0-9][\w\-]*", text.lower()) if w not in _STOPWORDS]


def _literature_query(clause: str, clause_names: list[str], has_compounds: bool) -> str | None:
    """The search text of a clause that asks about literature, or None for a pure chemistry clause."""
    if _INSTRUCTION.search(clause):
        return None
    intents = find_intents(clause, True)
    if intents.standalone and not _STRONG_LITERATURE_CUES.search(clause):
        return None  # "train a model for …" names an endpoint, not a compound or a question
    has_intent = bool(intents) or bool(_RECORD_CUES.search(clause))
    is_chem = bool(_CHEMISTRY_CUES.search(clause)) or has_intent
    # "does it have alerts?" asks a lab, not the literature: an intent clause needs an explicit literature cue
    is_lit = bool((_STRONG_LITERATURE_CUES if has_intent else _LITERATURE_CUES).search(clause))
    if is_chem and not is_lit:
        if not clause_names and not has_compounds:
            _raise_unknown_compound(clause)
        return None
    query = re.sub(r"\s+", " ", _FILLER.sub(" ", clause)).strip(" ,.;:?!")
    remaining = [w for w in _content_words(query) if w not in {n for c in clause_names for n in c.split()}]
    if is_lit or len(remaining) >= 2:
        return query if _content_words(query) else clause
    return None


def plan_request(request: str, names: CompoundNames) -> Plan:
    """Plan the tool calls a request needs.

    Single-value questions (structure, property, formula, SMILES, Lipinski) get the step that computes the
    value and an answer spec. Every other compound named (store names) or drawn (SMILES) gets a record
    lookup (names only) and a property calculation; clauses that ask about literature, or ask a question
    that is not a chemistry calculation, become one literature search. "The molecule" or "it" in a clause
    refers to the request's only structure. Raises EmptyRequestError, InvalidSmilesError for a broken
    structure and CompoundNotFoundError when a chemistry question names a compound nobody knows.
    """
    text = request.strip()
    if not text:
        raise EmptyRequestError(
            'empty request: ask a research question, e.g. "What is known about metformin and cancer?"'
        )
    smiles = find_smiles(text)
    compound_names = find_names(mask_element_words(remove_terms(text, smiles)), names.is_name)
    if not smiles and not compound_names:  # "… solubility of CCO": a bare structure is the only subject there is
        smiles = find_smiles(text, loose=True)

    mapping = find_mapping(remove_terms(text, smiles), smiles)
    questions: list[Question] = [mapping] if mapping else []
    literature_parts: list[str] = []
    for clause in _clauses(text):
        clause_smiles = [s for s in smiles if s in clause]
        masked = remove_terms(clause, clause_smiles)
        if mapping and (clause_smiles or asks_single_value(masked)):
            continue  # the mapping's structures and its instructions
        clause_names = find_names(mask_element_words(masked), names.is_name)
        subject_smiles, subject_names = clause_smiles, clause_names
        if not clause_smiles and not clause_names:
            if _REFERS.search(masked):
                subject_smiles = smiles if len(smiles) == 1 else []
                subject_names = compound_names if len(compound_names) == 1 and not smiles else []
            elif asks_single_value(masked):  # "… atoms in CCCCCC": a bare structure the strict finder skips
                subject_smiles = find_smiles(masked, loose=True)
                if subject_smiles:
                    smiles.extend(s for s in subject_smiles if s not in smiles)
        question = find_question(masked, subject_smiles, subject_names)
        if question is not None:
            questions.append(question)
            continue
        query = _literature_query(masked, clause_names, bool(smiles or compound_names))
        if query:
            literature_parts.append(query)
    masked_text = remove_terms(text, smiles)
    intents = find_intents(masked_text, bool(compound_names or smiles))
    asked_about = {q.subject for q in questions} | {q.other for q in questions if q.other}
    if intents.per_compound:
        asked_about |= set(compound_names) | set(smiles)
    wants_properties = bool(_PROPERTY_CUES.search(masked_text))

    steps: list[PlanStep] = []
    answers: list[AnswerSpec] = []

    def add(tool: str, args: dict, purpose: str) -> str:
        steps.append(PlanStep(id=f"s{len(steps) + 1}", tool=tool, args=args, purpose=purpose))
        return steps[-1].id

    lookups = {name: add("compound_lookup", {"query": name}, f"record of {name} in the compound store")
               for name in compound_names}  # fmt: skip
    properties: dict[str, str] = {}

    def properties_step(compound: str) -> str:
        if compound not in properties:
            properties[compound] = add("compute_properties", {"compound": compound}, f"RDKit properties of {compound}")
        return properties[compound]

    for compound in compound_names + smiles:
        if compound not in asked_about or wants_properties:
            properties_step(compound)
    for q in questions:
        _plan_question(q, add, properties_step, lookups, answers)
    single = len(compound_names + smiles) == 1 and len(intents.per_compound) == 1 and not answers
    for compound in compound_names + smiles:
        for tool, args in intents.per_compound:
            step = add(tool, {"compound": compound, **args}, f"{tool.replace('_', ' ')} for {compound}")
            found = intent_answer(masked_text, tool, args) if single else None
            if found:
                answers.append(AnswerSpec(step=step, field=found[0], form=found[1]))
    for tool, args in intents.standalone:
        add(tool, args, tool.replace("_", " "))
    literature_query = "; ".join(literature_parts) or None
    if literature_query:
        add("literature_search", {"query": literature_query}, "literature evidence for the question")
    return Plan(steps=steps, answers=answers, literature_query=literature_query, compounds=compound_names + smiles)


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


def _raise_unknown_compound(clause: str) -> None:
    match = _OBJECT.search(clause)
    if not match:
        return
    target = match.group(1).strip(" \"'")
    if target.lower() in _GENERIC_OBJECTS or not target:
        return
    raise CompoundNotFoundError(
        f"unknown compound {target!r}: it is not in the compound store; give its SMILES or a known drug name"
    )
