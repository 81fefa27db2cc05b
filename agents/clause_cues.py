"""Cue words of a clause: whether it asks the literature, a chemistry calculation or a compound record, and the
search text of a literature clause (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.intents import find_intents, normalize_endpoints

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
    r"\b(targets?|indications?|approv\w*(?!\s+(?:drugs?|medicines?|compounds?|chemical space))|identifiers?|"
    r"cas (number|no)|drugbank|synonyms?|look ?up|compound store|records?|used (to treat|for treating|against)|"
    r"indicated (for|in)|prescribed for|what (diseases?|conditions?) (does|is|are))\b",
    re.IGNORECASE,
)
_STRONG_LITERATURE_CUES = re.compile(
    r"\b(literature|papers?|stud(y|ies)|evidence|research|publications?|published|reported|trials?|say|says|review|"
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


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z0-9][\w\-]*", text.lower()) if w not in _STOPWORDS]


# Literature words that name a topic ("what is known about", "effects of"), unlike the question shapes
# ("does …", "is there …") that any question has: the classifier's reading never overrides them.
_TOPICAL_LITERATURE = re.compile(
    r"\b(?:known|effects?|associated|association|risks?|mechanisms?|linked|role|resistance|side effects?)\b", re.I
)


@dataclass
class ClauseRoute:
    """How cue words route a clause: a literature search text, a chemistry or intent clause, or a chemistry
    question about a compound nobody knows."""

    query: str | None = None
    explicit_literature: bool = False  # a literature cue word, not only enough leftover words to search
    chemistry: bool = False
    record: bool = False  # asks what the compound record holds (targets, indications, identifiers)
    strong_literature: bool = False
    topical_literature: bool = False
    unknown_compound: str | None = None


def asks_literature(text: str) -> bool:
    """Whether the text names the literature ("papers", "studies", "evidence", "what does the literature say")."""
    return bool(_STRONG_LITERATURE_CUES.search(text))


def asks_record(clause: str) -> bool:
    return bool(_RECORD_CUES.search(clause))


def is_instruction(clause: str) -> bool:
    return bool(_INSTRUCTION.search(clause))


def asks_properties(text: str) -> bool:
    return bool(_PROPERTY_CUES.search(text))


def refers_back(text: str) -> bool:
    return bool(_REFERS.search(text))


def route_clause(clause: str, clause_names: list[str], has_compounds: bool) -> ClauseRoute:
    """The literature search text of a clause that asks about literature; chemistry clauses get none."""
    original, clause = clause, normalize_endpoints(clause)  # cue words read the endpoint as one word
    route = ClauseRoute(
        strong_literature=bool(_STRONG_LITERATURE_CUES.search(clause)),
        topical_literature=bool(_STRONG_LITERATURE_CUES.search(clause) or _TOPICAL_LITERATURE.search(clause)),
    )
    if _INSTRUCTION.search(clause):
        return route
    intents = find_intents(clause, True)
    if intents.standalone and not route.strong_literature:
        route.chemistry = True  # "train a model for …" names an endpoint, not a compound or a question
        return route
    route.record = bool(_RECORD_CUES.search(clause))
    has_intent = bool(intents) or route.record
    route.chemistry = bool(_CHEMISTRY_CUES.search(clause)) or has_intent
    # "does it have alerts?" asks a lab, not the literature: an intent clause needs an explicit literature cue
    is_lit = route.strong_literature if has_intent else bool(_LITERATURE_CUES.search(clause))
    if route.chemistry and not is_lit:
        if not clause_names and not has_compounds:
            route.unknown_compound = unknown_object(clause)
        return route
    query = literature_text(original)
    remaining = [w for w in _content_words(query) if w not in {n for c in clause_names for n in c.split()}]
    if is_lit or len(remaining) >= 2:
        route.query = query if _content_words(query) else original
        route.explicit_literature = route.topical_literature  # not a question shape ("does …", "how do I …")
    return route


def literature_text(clause: str) -> str:
    """The clause without request phrasing that carries no search content ("what is known about", "please")."""
    return re.sub(r"\s+", " ", _FILLER.sub(" ", clause)).strip(" ,.;:?!")


def unknown_object(clause: str) -> str | None:
    """The object of "… of X" / "… for X" in a chemistry clause, when it is not a pronoun."""
    match = _OBJECT.search(clause)
    if not match:
        return None
    target = match.group(1).strip(" \"'")
    if target.lower() in _GENERIC_OBJECTS or not target:
        return None
    return target
