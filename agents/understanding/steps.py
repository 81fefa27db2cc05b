"""Tool calls for a clause whose cue words said nothing but whose meaning the classifier recognised (pure).

Slots decide the details the intent leaves open: the similarity library from the words, the ADMET endpoints
named (all four when none is), the structural quantity from the structure itself (two '*' atoms: the path
between them) or the words (an element, rings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.intents import admet_endpoints, library_of
from agents.questions import Question, find_question

ALL_ENDPOINTS = ["solubility", "lipophilicity", "bbb", "clintox"]
_ATOM_PAIR = re.compile(r"\b(?:atoms?|indices|index|positions?)\D{0,12}(\d+)\D{1,12}?(\d+)\b", re.I)
_ELEMENTS = re.compile(
    r"\b(carbon|nitrogen|oxygen|sulfur|sulphur|fluorine|chlorine|bromine|iodine|phosphorus|hydrogen)s?\b", re.I
)


@dataclass
class SemanticCalls:
    """Calls to make for each subject compound, a single-value question, or why nothing could be planned."""

    per_compound: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    question: Question | None = None
    standalone: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    record_only: bool = False
    missing: str | None = None


def _structure(clause: str, subject: str) -> Question | None:
    if subject.count("*") == 2:
        return Question("shortest_path", subject)
    pair = _ATOM_PAIR.search(clause)
    if pair and re.search(r"\b(?:path|bonds?|distance|apart|separat\w*|between|link\w*)\b", clause, re.I):
        base = 1 if re.search(r"\b(?:1|one)[- ]based\b|\bfrom\s+(?:1|one)\b", clause, re.I) else 0
        return Question("shortest_path", subject, atoms=(int(pair.group(1)) - base, int(pair.group(2)) - base))
    element = _ELEMENTS.search(clause)
    if element:
        return Question("count_element", subject, element=element.group(1).lower())
    if re.search(r"\baromatic\b", clause, re.I):
        return Question("aromatic_rings", subject)
    if re.search(r"\brings?\b|\bcycles?\b", clause, re.I):
        return Question("rings", subject)
    if re.search(r"\bheavy\b|\bnon-?hydrogen\b", clause, re.I):
        return Question("heavy_atoms", subject)
    return None


def semantic_calls(intent: str, clause: str, subjects: list[str]) -> SemanticCalls:
    """What a clause meaning `intent` asks of its subjects (SMILES or names)."""
    calls = SemanticCalls()
    if intent == "train_model":
        endpoints = admet_endpoints(clause)
        if not endpoints:
            calls.missing = (
                "say which property to model (solubility, lipophilicity, BBB penetration, clinical toxicity)"
            )
        calls.standalone = [("train_admet_model", {"endpoint": e}) for e in endpoints]
        return calls
    if not subjects:
        calls.missing = "name the molecule (a drug name or a SMILES) the question is about"
        return calls
    if intent == "similarity":
        calls.per_compound.append(("similarity_search", {"library": library_of(clause)}))
    elif intent == "toxicity":
        calls.per_compound.append(("toxicity_alerts", {}))
    elif intent == "admet":
        calls.per_compound.append(("predict_admet", {"endpoints": admet_endpoints(clause) or ALL_ENDPOINTS}))
    elif intent == "natural_product":
        calls.per_compound.append(("classify_natural_product", {}))
    elif intent == "compound_record":
        calls.record_only = True
    elif intent == "property":
        calls.question = find_question(clause, [subjects[0]], [])
        if calls.question is None:
            calls.per_compound.append(("compute_properties", {}))
    elif intent == "structure":
        calls.question = _structure(clause, subjects[0])
        if calls.question is None:
            calls.missing = (
                "say which structural quantity: atoms of an element, heavy atoms, rings, aromatic rings, the bonds "
                "between two atoms (their 0-based indices, or two '*' atoms), or an atom mapping between two SMILES"
            )
    else:
        calls.missing = f"the {intent.replace('_', ' ')} request needs its data (see the examples of what ECH0 can do)"
    return calls
