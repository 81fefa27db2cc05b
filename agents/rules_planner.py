"""The deterministic planner: compound mentions and the literature question → tool calls. No model needed."""

from __future__ import annotations

import re
from typing import Protocol

from agents.mentions import find_names, find_smiles, remove_terms
from agents.plan import Plan, PlanStep
from knowledge.errors import CompoundNotFoundError, Ech0Error


class EmptyRequestError(Ech0Error):
    """The request has no text to act on."""


class CompoundNames(Protocol):
    def is_name(self, phrase: str) -> bool: ...


_CHEMISTRY_CUES = re.compile(
    r"\b(propert(y|ies)|molecular weight|mw|log ?p|tpsa|polar surface|drug[- ]?likeness|drug[- ]?like|lipinski|"
    r"rule of (five|5)|qed|rings?|aromatic|h-?bond|hydrogen bond|donors?|acceptors?|rotatable|synthetic "
    r"accessibility|sa score|descriptors?|formula|heavy atoms?|atoms?|bonds?|how many)\b",
    re.IGNORECASE,
)
_LITERATURE_CUES = re.compile(
    r"\b(literature|papers?|stud(y|ies)|evidence|known|research|publications?|reported|reports?|trials?|"
    r"say|says|effects?|associated|association|risk|mechanisms?|review|abstracts?|pubmed|findings?|"
    r"why|whether|does|do|is there|are there|linked|role)\b",
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


def _clauses(text: str) -> list[str]:
    parts = re.split(r"(?<=[?!;])\s+|(?<=\.)\s+(?=[A-Z])|\s*\balso\b,?\s*", text)
    return [p.strip() for p in parts if p and p.strip()]


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z0-9][\w\-]*", text.lower()) if w not in _STOPWORDS]


def plan_request(request: str, names: CompoundNames) -> Plan:
    """Plan the tool calls a request needs.

    Every compound named (store names) or drawn (SMILES) gets a record lookup (names only) and a property
    calculation; clauses that ask about literature, or ask a question that is not a chemistry calculation,
    become one literature search. Raises EmptyRequestError, InvalidSmilesError for a broken structure and
    CompoundNotFoundError when a chemistry question names a compound nobody knows.
    """
    text = request.strip()
    if not text:
        raise EmptyRequestError(
            'empty request: ask a research question, e.g. "What is known about metformin and cancer?"'
        )
    smiles = find_smiles(text)
    masked = remove_terms(text, smiles)
    compound_names = find_names(masked, names.is_name)

    literature_parts: list[str] = []
    for clause in _clauses(masked):
        clause_names = find_names(clause, names.is_name)
        is_chem = bool(_CHEMISTRY_CUES.search(clause))
        is_lit = bool(_LITERATURE_CUES.search(clause))
        if is_chem and not is_lit:
            if not clause_names and not smiles:
                _raise_unknown_compound(clause)
            continue
        query = _FILLER.sub(" ", clause)
        query = re.sub(r"\s+", " ", query).strip(" ,.;:?!")
        remaining = [w for w in _content_words(query) if w not in {n for c in clause_names for n in c.split()}]
        if is_lit or len(remaining) >= 2:
            literature_parts.append(query if _content_words(query) else clause)

    steps: list[PlanStep] = []

    def add(tool: str, args: dict, purpose: str) -> None:
        steps.append(PlanStep(id=f"s{len(steps) + 1}", tool=tool, args=args, purpose=purpose))

    for name in compound_names:
        add("compound_lookup", {"query": name}, f"record of {name} in the compound store")
        add("compute_properties", {"compound": name}, f"RDKit properties of {name}")
    for s in smiles:
        add("compute_properties", {"compound": s}, f"RDKit properties of {s}")
    literature_query = "; ".join(literature_parts) or None
    if literature_query:
        add("literature_search", {"query": literature_query}, "literature evidence for the question")
    return Plan(steps=steps, literature_query=literature_query, compounds=compound_names + smiles)


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
