"""Single-value questions in a request: structural questions about a molecule and property look-ups (pure).

A structural question (atoms of an element, rings, the bond path between two atoms, an atom mapping) is
answered exactly by the chemistry lab; a property question (molecular weight, logP, formula, SMILES, a
Lipinski verdict) by the property calculation or the compound record. Each one found becomes a plan step
and an `AnswerSpec`, so that the report carries the value in its short `answer` field as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

QuestionKind = Literal[
    "count_element", "heavy_atoms", "rings", "aromatic_rings", "shortest_path", "atom_mapping",
    "property", "formula", "smiles", "lipinski",
]  # fmt: skip
STRUCTURAL_KINDS = {"count_element", "heavy_atoms", "rings", "aromatic_rings", "shortest_path", "atom_mapping"}

_ELEMENT_WORDS = (
    r"hydrogen|carbon|nitrogen|oxygen|fluorine|phosphorus|sulfur|sulphur|chlorine|bromine|iodine|boron|silicon|"
    r"selenium|sodium|potassium|lithium|magnesium|calcium|iron|zinc|copper|platinum|arsenic"
)
_SYMBOL = r"(?:Cl|Br|Si|Se|Na|Li|Mg|Ca|Fe|Zn|Cu|Pt|As|[CHNOFPSIBK])"
_ELEMENT_COUNT = [
    re.compile(rf"\b(?P<el>{_ELEMENT_WORDS})(?:\s+atoms?|s)?\s+(?:atom\s+)?count\b", re.I),
    re.compile(
        rf"\b(?:how many|number of|count(?: the)?|total)\s+(?P<el>{_ELEMENT_WORDS})(?![- ]?bond)(?:\s+atoms?|s)?\b",
        re.I,
    ),
    re.compile(rf"\b(?i:how many|number of|count(?: the)?)\s+(?P<el>{_SYMBOL})\s+(?i:atoms?)\b"),
    re.compile(rf"\b(?:how many|number of)\s+atoms\s+of\s+(?P<el>{_ELEMENT_WORDS}|{_SYMBOL})\b", re.I),
]
_HEAVY = re.compile(
    r"\b(?:how many|number of|count(?: the)?)\s+(?:heavy|non-hydrogen|non-h)\s+atoms?\b|\bheavy[- ]atom count\b"
    r"|\batoms?\b\W{0,3}(?:not counting|excluding|without|ignoring|other than)\s+(?:the\s+)?hydrogens?",
    re.I,
)
_AROMATIC_RINGS = re.compile(r"\b(?:how many|number of|count(?: the)?)\s+aromatic\s+rings?\b", re.I)
_RINGS = re.compile(r"\b(?:how many|number of|count(?: the)?)\s+(?:\w+\s+)?rings?\b|\bring count\b", re.I)
_SHORTEST = re.compile(
    r"\bshortest (?:bond )?path\b|\bbonds?\b.{0,60}\bbetween\b.{0,40}(?:dummy|\*|asterisk|atoms?\s+\d)"
    r"|\bdistance\b.{0,40}\bbetween\b.{0,40}(?:dummy|\*|asterisk)|\bbonds? separat",
    re.I | re.S,
)
_ONE_BASED = re.compile(
    r"\b(?:1|one)[- ]based\b"
    r"|\b(?:counting|numbered|numbering|indexed|starting)\b[^.?!]{0,20}\b(?:from|at)\s+(?:1|one)\b",
    re.I,
)
_ATOM_PAIR = re.compile(r"\batoms?\s+(?:index\s+)?(\d+)\s+(?:and|to)\s+(?:atom\s+)?(?:index\s+)?(\d+)\b", re.I)
_MAPPING = re.compile(
    r"\batom[- ]?mapping\b|\bmap(?:ping)?\s+(?:of\s+)?(?:the\s+|each\s+|every\s+)?atoms?\b|\bmap\b.{0,40}\bto\b"
    r"|\bcorrespond(?:ing|ence)?\b.{0,30}\batoms?\b|\batoms?[- ](?:to[- ]atom\s+)?correspondences?\b",
    re.I | re.S,
)
_FORMULA = re.compile(r"\b(?:(?:molecular|chemical|empirical|hill|sum)\s+)?formula\b(?!\s+(?:of|for)\s+success)", re.I)
_SMILES_ASK = re.compile(
    r"\b(?:what is|what's|give|write|provide|which|show|get)\b.{0,30}\bsmiles\b|\bsmiles\s+(?:string\s+)?(?:of|for)\b"
    r"|\bsmiles\s*\?|^\s*smiles\b",
    re.I,
)
_LIPINSKI = re.compile(
    r"\b(?:obey|obeys|pass|passes|satisf(?:y|ies)|compl(?:y|ies)|meet|meets|follow|follows|violate|violates|"
    r"break|breaks|within|under|fit|fits)\b.{0,40}\b(?:lipinski|rule of (?:five|5)|ro5)\b"
    r"|\b(?:lipinski|ro5|rule[- ]of[- ](?:five|5))[- ]?(?:complian\w*|check|pass\w*|ok|friendly)\b"
    r"|\bcomplian\w*\b.{0,30}\b(?:lipinski|rule of (?:five|5)|ro5)\b",
    re.I | re.S,
)
# Ways chemists name each property (a misspelt word is corrected before these are read).
_PROPERTY_WORDS: dict[str, str] = {
    r"molecular weight|molar mass|molecular mass|\bmol\.? ?(?:wt|weight)\b|\bmw\b|how heavy|\bformula weight"
    r"|(?<!body )\bweight\b(?!\s+(?:loss|gain|management|reduction|bearing))": "molecular_weight",
    r"\blog ?p\b|\bclogp\b|\balogp\b|partition coefficient": "logp",
    r"\btpsa\b|polar surface area|\btopological psa\b|\bpsa\b": "tpsa",
    r"(?:h|hydrogen)[- ]?bond[- ]donors?|\bhbds?\b|\bdonor count\b|\bdonors\b": "hbd",
    r"(?:h|hydrogen)[- ]?bond[- ]acceptors?|\bhbas?\b|\bacceptor count\b|\bacceptors\b": "hba",
    r"rotatable bonds?|rotatable[- ]bond count|\bnrotb\b|\brotors\b": "rotatable_bonds",
    r"\bqed\b|drug-?likeness score|quantitative estimate of drug-?likeness": "qed",
    r"(?:lipinski|ro5|rule[- ]of[- ](?:five|5))\s+violations?|violations of (?:lipinski|the rule of (?:five|5)|ro5)"
    r"|\bviolations?\b.{0,25}\b(?:lipinski|ro5|rule of (?:five|5))": "lipinski_violations",
    r"synthetic(?:al)? accessibility|\bsa[ _]?score\b|\bsascore\b": "sa_score",
}
# A property named in a question about a topic ("what is known about the logP of …") is not a value asked.
_ABOUT_TOPIC = re.compile(
    r"\b(?:known|literature|stud(?:y|ies)|evidence|papers?|effects?|impacts?|affects?|influences?|role|"
    r"improv\w*|increas\w*|reduc\w*|optimi[sz]\w*)\b",
    re.I,
)
_VALUE_ASK = re.compile(r"\b(?:what is|what's|what are|how many|how much|give|report|calculate|compute)\b", re.I)


@dataclass
class Question:
    kind: QuestionKind
    subject: str  # a SMILES or a compound name
    element: str | None = None
    atoms: tuple[int, int] | None = None
    other: str | None = None  # the second SMILES of an atom mapping
    prop: str | None = None
    notes: list[str] = field(default_factory=list)


def _element(clause: str) -> str | None:
    for pattern in _ELEMENT_COUNT:
        match = pattern.search(clause)
        if match:
            return match.group("el")
    return None


def _property(clause: str) -> str | None:
    named = properties_named(clause)
    return named[0] if named else None


def properties_named(clause: str) -> list[str]:
    """Every property a clause names, in order of appearance ("MW and logP of …" → both)."""
    found: dict[str, int] = {}
    for pattern, name in _PROPERTY_WORDS.items():
        match = re.search(pattern, clause, re.I)
        if match:
            found.setdefault(name, match.start())
    return sorted(found, key=found.get)


_ELEMENT_MENTION = re.compile(
    rf"\b(?:(?:how many|number of|count(?: the)?)\s+(?:{_ELEMENT_WORDS})s?\b|(?:{_ELEMENT_WORDS})\s+atoms?\b)", re.I
)


def mask_element_words(text: str) -> str:
    """Text without element mentions such as "nitrogen atoms", which are not compounds ("nitrogen" the drug)."""
    return _ELEMENT_MENTION.sub(" ", text)


def asks_single_value(clause: str) -> bool:
    """Whether a clause asks a single-value question, whatever its subject."""
    return find_question(clause, ["?"], []) is not None


def asks_mapping(clause: str) -> bool:
    """Whether a clause asks for an atom mapping ("Map the atoms from SMILES 1 to SMILES 2")."""
    return bool(_MAPPING.search(clause))


def find_mapping(text: str, smiles: list[str]) -> Question | None:
    """An atom-mapping question anywhere in the request: its first two structures are the two writings."""
    if len(smiles) >= 2 and _MAPPING.search(text):
        return Question("atom_mapping", smiles[0], other=smiles[1])
    return None


def find_question(clause: str, smiles: list[str], names: list[str]) -> Question | None:
    """The single-value question a clause asks, if any, about the clause's first SMILES or compound name.

    `smiles` and `names` are the structures and known names in the clause (or, for a clause that says
    "the molecule" or "it", the request's only one).
    """
    if _MAPPING.search(clause) and len(smiles) >= 2:
        return Question("atom_mapping", smiles[0], other=smiles[1])
    subject = smiles[0] if smiles else (names[0] if names else None)
    if subject is None:
        return None
    if _SHORTEST.search(clause):
        pair = _ATOM_PAIR.search(clause)
        base = 1 if _ONE_BASED.search(clause) else 0  # "counting atoms from 1": the tools number from 0
        atoms = (int(pair.group(1)) - base, int(pair.group(2)) - base) if pair else None
        return Question("shortest_path", subject, atoms=atoms)
    if _HEAVY.search(clause):
        return Question("heavy_atoms", subject)
    element = _element(clause)
    if element:
        return Question("count_element", subject, element=element)
    if _AROMATIC_RINGS.search(clause):
        return Question("aromatic_rings", subject)
    if _RINGS.search(clause):
        return Question("rings", subject)
    if _LIPINSKI.search(clause):
        return Question("lipinski", subject, prop="lipinski_violations")
    if _FORMULA.search(clause):
        return Question("formula", subject)
    if _SMILES_ASK.search(clause) and not smiles:
        return Question("smiles", subject)
    prop = _property(clause)
    if prop and (_VALUE_ASK.search(clause) or not _ABOUT_TOPIC.search(clause)):
        return Question("property", subject, prop=prop)
    return None


def more_questions(clause: str, first: Question) -> list[Question]:
    """The other single values a clause asks of the same subject: "the formula and the number of aromatic rings
    of naproxen", "MW and logP for aspirin", "how many chlorines and how many nitrogens …"."""
    if first.kind == "count_element":
        named = [m.group(1) for m in re.finditer(rf"\b({_ELEMENT_WORDS})(?:s|\s+atoms?)?\b", clause, re.I)]
        others = [e for e in dict.fromkeys(n.lower() for n in named) if e != (first.element or "").lower()]
        return [Question("count_element", first.subject, element=e) for e in others]
    if first.kind == "atom_mapping":
        return []
    subject = first.subject
    more: list[Question] = []
    for kind, pattern in (("heavy_atoms", _HEAVY), ("aromatic_rings", _AROMATIC_RINGS), ("formula", _FORMULA),
                          ("lipinski", _LIPINSKI)):  # fmt: skip
        if kind != first.kind and pattern.search(clause):
            more.append(Question(kind, subject, prop="lipinski_violations" if kind == "lipinski" else None))
    plain_rings = re.search(r"(?<!aromatic )(?<!aromatic-)\brings?\b|\bring count\b", clause, re.I)
    if first.kind != "rings" and plain_rings and (_RINGS.search(clause) or first.kind == "aromatic_rings"):
        more.append(Question("rings", subject))
    if first.kind != "smiles" and _SMILES_ASK.search(clause):
        more.append(Question("smiles", subject))
    if not _ABOUT_TOPIC.search(clause) or _VALUE_ASK.search(clause):
        more += [Question("property", subject, prop=p) for p in properties_named(clause)
                 if p != first.prop and not (first.kind == "lipinski" and p == "lipinski_violations")]  # fmt: skip
    return more
