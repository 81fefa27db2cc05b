"""The deterministic planner: compound mentions, cue words and the meaning of each clause → tool calls.

Each clause of a request is read three ways, most precise first: an exact single-value question (structure,
property, formula, SMILES, Lipinski), data the clause carries (a reaction's reactants, a table of analogues, NMR
shifts), cue words (literature, ADMET, alerts, similarity, natural products, records), and — with a classifier —
the intent its meaning is closest to in the exemplar bank. A clause none of them serves is named in the plan's
notes as not understood, unresolved or unsupported, with what would make it work: nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Protocol

from agents.clause_cues import (
    asks_literature,
    asks_properties,
    asks_record,
    is_instruction,
    literature_text,
    refers_back,
    route_clause,
)
from agents.intents import find_intents
from agents.mentions import common_words, find_identifiers, find_names, find_names_fuzzy, find_smiles, remove_terms
from agents.plan_builder import Draft, build_plan
from agents.plan_models import Plan
from agents.questions import (
    asks_mapping,
    asks_single_value,
    find_mapping,
    find_question,
    mask_element_words,
    more_questions,
)
from agents.understanding.bank import CONVERSATION, IntentBank, shipped_bank
from agents.understanding.classifier import IntentClassifier
from agents.understanding.conversation import reply
from agents.understanding.layer import ClauseIntent, Part, read
from agents.understanding.slots import find_series, find_spectra
from agents.understanding.spelling import DOMAIN_WORDS, correct_words, vocabulary_of
from agents.understanding.steps import semantic_calls
from agents.understanding.unresolved import unknown_drug_names, unresolved_hint
from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.naming import looks_systematic


class EmptyRequestError(Ech0Error):
    """The request has no text to act on."""


class CompoundNames(Protocol):
    """Known compound names. A matcher that also has `all_names() -> list[str]` gets misspelt names matched."""

    def is_name(self, phrase: str) -> bool: ...


_REACTION_CUE = re.compile(
    r"\b(?:products?|react(?:s|ed|ing)?|reaction of|coupl\w*|condens\w*|deprotect\w*|hydroly[sz]\w*|saponif\w*|"
    r"esterif\w*|amidation|acylat\w*|alkylat\w*|reductive amination|suzuki|buchwald|sonogashira|heck|wittig|"
    r"grignard|diels|click|cuaac|snar|what forms|is formed|treat(?:ed|ing|ment)\b.{0,40}\bwith)\b",
    re.I,
)
_NAMED_REACTION = re.compile(
    r"\b(suzuki(?:[- ]miyaura)?|buchwald(?:[- ]hartwig)?|sonogashira|heck|wittig|grignard|diels[- ]alder|cuaac|"
    r"click|reductive amination|amide coupling|esterification|snar|boc deprotection|ester hydrolysis|"
    r"saponification|sulfonamide formation|urea formation|n-alkylation|alkylation|hydrogenolysis|nitro reduction|"
    r"urea|sulfonamide|triazole|carbamate)\b",
    re.I,
)
# Reagents, catalysts and solvents a chemist names beside the reactants ("with TFA in DCM", "K2CO3, MeCN"):
# conditions, not reactants.
_REAGENTS = frozenset((
    "tfa", "hcl", "k2co3", "cs2co3", "na2co3", "nahco3", "nah", "naoh", "koh", "lioh", "et3n", "tea", "dipea", "diea",
    "dmap", "edc", "edci", "hobt", "hoat", "hatu", "hbtu", "pybop", "dcc", "dic", "t3p", "pd(pph3)4", "pd2(dba)3",
    "pd(dppf)cl2", "pd(oac)2", "xphos", "sphos", "binap", "ruphos", "cui", "cuso4", "sodium ascorbate", "nabh4",
    "nabh3cn", "nabh(oac)3", "lialh4", "dibal", "h2", "pd/c", "tbaf", "dcm", "dichloromethane", "dmf", "dmso", "thf",
    "mecn", "acetonitrile", "dioxane", "water", "etoac", "ethyl acetate", "dme", "nmp", "dce", "chloroform",
    "diethyl ether", "trifluoroacetic acid", "triethylamine", "diisopropylethylamine", "potassium carbonate",
    "cesium carbonate", "sodium hydride", "sodium hydroxide", "lithium hydroxide",
))  # fmt: skip
_ABOUT_HITS = re.compile(r"\b(?:they|them|their|those|these)\b", re.I)
_PRONOUN = re.compile(r"\b(?:its|their)\b", re.I)
TOOL_INTENTS = {"similarity", "toxicity", "admet", "natural_product", "compound_record", "property", "structure",
                "train_model"}  # fmt: skip


def plan_request(request: str, names: CompoundNames, classifier: IntentClassifier | None = None) -> Plan:
    """Plan the tool calls a request needs, or a reply when the request is conversation.

    Raises EmptyRequestError, InvalidSmilesError for a broken structure, and CompoundNotFoundError when nothing
    could be planned because a chemistry question names a compound nobody knows.
    """
    text = request.strip()
    if not text:
        raise EmptyRequestError(
            'empty request: ask a research question, e.g. "What is known about metformin and cancer?"'
        )
    text, read_notes = _spelled_out(text, names, classifier.bank if classifier else shipped_bank())
    smiles = find_smiles(text)
    identifiers = [i for i in find_identifiers(text) if i not in smiles]
    names_found = find_names(mask_element_words(remove_terms(text, smiles + identifiers)), names.is_name)
    # drug-shaped names nobody knows ("sotorasib") are planned as given: the resolver says what it finds (live
    # mode may look them up), and the plan notes them
    unknown = unknown_drug_names(remove_terms(text, smiles + identifiers), names.is_name)
    names_found = _in_order(text, _unlabelled(text, names_found, smiles) + identifiers + unknown)
    names = _AlsoNamed(names, unknown)
    if not smiles and not names_found:  # "… solubility of CCO": a bare structure is the only subject there is
        smiles = find_smiles(text, loose=True)
    reading = read(text, smiles + names_found, classifier)
    # a request that names the literature, or a model to train, is searched or planned whatever its topic
    if reading.conversation and not find_intents(text, False).standalone and not asks_literature(text):
        parts = [Part(text=c, intent=i.intent, score=round(i.score, 3), status="conversation")
                 for c, i in zip(reading.clauses, reading.intents, strict=True)]  # fmt: skip
        return Plan(steps=[], parts=parts, conversation=reading.conversation, reply=reply(reading.conversation, text))

    draft = Draft(names=names_found, smiles=smiles, wants_properties=asks_properties(remove_terms(text, smiles)))
    draft.notes += read_notes
    _read_data(text, draft)
    mapping = find_mapping(remove_terms(text, smiles), smiles)
    vague: list[str] = []  # objects of chemistry questions that name no known compound
    if mapping:
        draft.questions.append(mapping)
    for clause, meaning in zip(reading.clauses, reading.intents, strict=True):
        part = _read_clause(clause, meaning, draft, names, bool(mapping), vague)
        draft.parts.append(part)
    masked_text = remove_terms(text, smiles)
    intent_text = remove_terms(" ".join(p.text for p in draft.parts if p.served_as != ["literature"]), smiles)
    draft.intents = find_intents(intent_text, bool(names_found or smiles))
    if draft.intents and any(p.status == "not_understood" and p.intent is None for p in draft.parts):
        for p in draft.parts:  # a cue word anywhere in the request covers the clause that carries it
            if p.status == "not_understood" and find_intents(p.text, True):
                p.status, p.hint = "planned", None
    draft.notes += [f"Not planned ({p.status.replace('_', ' ')}): “{p.text}” — {p.hint}" for p in draft.parts
                    if p.status in ("not_understood", "unsupported") and p.hint]  # fmt: skip
    draft.notes += [f"Unresolved compound: {unresolved_hint(name)}" for name in unknown + vague]
    plan = build_plan(draft, masked_text)
    if not plan.steps and vague:
        raise CompoundNotFoundError(
            f"unknown compound {vague[0]!r}: it is not in the compound store; give its SMILES or a known drug name"
        )
    if not plan.steps and not smiles and not names_found and classifier is not None:
        # nothing to act on and no molecule named: answer as conversation, asking what is wanted when unclear
        plan.conversation = _closest_conversation(reading)
        plan.reply = reply(plan.conversation, text)
    return plan


class _AlsoNamed:
    """A name matcher that also knows the request's unresolved drug-shaped names, so clauses find them."""

    def __init__(self, names: CompoundNames, extra: list[str]) -> None:
        self.names, self.extra = names, set(extra)

    def is_name(self, phrase: str) -> bool:
        return phrase in self.extra or self.names.is_name(phrase)


def _closest_conversation(reading) -> str:
    """The conversation intent a clause reads closest to, though below the confidence bar; else "clarify"."""
    best = max(reading.intents, key=lambda i: i.score, default=None)
    if best is not None and best.intent in CONVERSATION:
        return best.intent
    return (
        "out_of_scope" if best is not None and best.runner_up == "out_of_scope" and best.intent is None else "clarify"
    )


def _spelled_out(text: str, names: CompoundNames, bank: IntentBank) -> tuple[str, list[str]]:
    """The request with misspelt compound names and domain words put right, and a note for each name."""
    notes = []
    all_names = getattr(names, "all_names", None)
    if all_names is not None:
        found = find_names_fuzzy(mask_element_words(text), all_names(), names.is_name)
        if not found and not find_smiles(text) and not find_names(text, names.is_name):
            # nothing else names a molecule: a looser match ("diazepan") is the likelier reading
            found = find_names_fuzzy(mask_element_words(text), all_names(), names.is_name, min_score=0.8)
        for mention in found:
            text = re.sub(rf"\b{re.escape(mention.mention)}\b", mention.name, text, count=1)
            notes.append(f"Read “{mention.mention}” as {mention.name} (name similarity {mention.score:.2f})")
    stop = common_words()
    # chemical words (bromide, azide, chloro) stand as written: "bromide" is not a misspelt "bromine"
    text, _ = correct_words(text, _domain_words(bank), lambda w: w in stop or looks_systematic(w) or names.is_name(w))
    return text, notes


_VOCABULARIES: dict[str, frozenset[str]] = {}


def _domain_words(bank: IntentBank) -> frozenset[str]:
    key = bank.fingerprint()
    if key not in _VOCABULARIES:
        # words used twice or more: the bank spells some words wrong on purpose, once each
        counts = Counter(w for _, text in bank.pairs() for w in vocabulary_of([text]))
        described = vocabulary_of([spec.description for spec in bank.intents.values()] + [DOMAIN_WORDS])
        _VOCABULARIES[key] = frozenset(w for w, n in counts.items() if n >= 2) | described
    return _VOCABULARIES[key]


def _unlabelled(text: str, names_found: list[str], smiles: list[str]) -> list[str]:
    """Names whose structure follows in brackets ("naphthalene (c1ccc2ccccc2c1)") are labels of that SMILES."""
    kept = []
    for name in names_found:
        after = rf"{re.escape(name)}\s*[(\[]\s*(?:smiles\s*[:=]?\s*)?({'|'.join(map(re.escape, smiles))})\s*[)\]]"
        if not (smiles and re.search(after, text, re.I)):
            kept.append(name)
    return kept


def _read_data(text: str, draft: Draft) -> None:
    """Calls driven by data in the request: a table of analogues with an unknown, a formula with NMR shifts."""
    series = find_series(text)
    if series is not None:
        members = [s for s, _ in series.rows] + series.queries
        draft.not_subjects |= set(members)
        query = series.queries[0] if series.queries else next((s for s in draft.smiles if s not in members), None)
        if query is not None:
            draft.not_subjects.add(query)
            draft.data_calls.append(("sar_predict", {"series": [list(r) for r in series.rows], "query": query}))
    spectra = find_spectra(remove_terms(text, draft.smiles + draft.names))  # an InChI's "/h3H" is no 1H shift
    if spectra is not None:
        args = {"formula": spectra.formula, "h_shifts": spectra.h_shifts, "c_shifts": spectra.c_shifts}
        draft.data_calls.append(("elucidate_structure", args))


def _subjects(clause: str, draft: Draft, clause_smiles: list[str], clause_names: list[str]) -> list[str]:
    """What a clause is about: the molecules it names, else (for "it", "its", "the molecule") the request's."""
    if clause_smiles or clause_names:
        return [c for c in clause_names + clause_smiles if c not in draft.not_subjects]
    everything = draft.subjects()
    return everything if refers_back(clause) and len(everything) == 1 else []


def _in_order(clause: str, mentions: list[str]) -> list[str]:
    lower = clause.lower()
    return sorted(mentions, key=lambda m: lower.find(m.lower()) if m.lower() in lower else len(lower))


def _read_clause(clause, meaning: ClauseIntent, draft: Draft, names, has_mapping: bool, vague: list[str]) -> Part:
    part = Part(text=clause, intent=meaning.intent, score=round(meaning.score, 3) if meaning.intent else None)
    clause_smiles = [s for s in draft.smiles if s in clause]
    masked = remove_terms(clause, clause_smiles)
    if is_instruction(masked) and not clause_smiles and not find_names(masked, names.is_name):
        part.status = "instruction"
        return part
    if has_mapping and (clause_smiles or asks_single_value(masked) or asks_mapping(masked)):
        return part  # the mapping's structures and its instructions
    if draft.data_calls and not clause_smiles and meaning.intent not in TOOL_INTENTS | {"literature"}:
        return part  # the table or the spectra this clause introduces ("Free–Wilson please. Data:")
    # (a name that labels a bracketed SMILES is not a subject of its own: the request's names exclude it)
    clause_names = [n for n in find_names(mask_element_words(masked), names.is_name) if n in draft.names]
    draft.record_asked |= asks_record(masked)
    subjects = _subjects(clause, draft, clause_smiles, clause_names)
    if not clause_smiles and not clause_names and not subjects and asks_single_value(masked):
        loose = find_smiles(masked, loose=True)  # "… atoms in CCCCCC": a bare structure the strict finder skips
        draft.smiles.extend(s for s in loose if s not in draft.smiles)
        everything = draft.subjects()
        # "How many chlorines and how many nitrogens are in clozapine?": the request's one molecule
        subjects = loose or (everything if len(everything) == 1 else [])
    if _is_reaction(clause, meaning) and (reactants := _reactants(clause, clause_names + clause_smiles)):
        named = _NAMED_REACTION.search(clause)
        draft.not_subjects |= set(clause_names + clause_smiles)
        draft.data_calls.append(
            ("predict_reaction", {"reactants": reactants, "reaction": named.group(1) if named else None})
        )
        return part
    question = find_question(
        masked, [s for s in subjects if s in draft.smiles], [s for s in subjects if s in draft.names]
    )
    if question is not None:
        asked = [question, *more_questions(masked, question)]
        others = [s for s in subjects if s != question.subject] if question.kind != "atom_mapping" else []
        draft.questions += asked + [replace(q, subject=s) for s in others for q in asked]
        return part
    route = route_clause(masked, clause_names, bool(draft.names or draft.smiles))
    draft.record_asked |= route.record
    semantic = meaning.intent in TOOL_INTENTS and not (route.topical_literature and route.query)
    # Without a cue word, leftover words make a literature search only when no classifier read the clause
    guessed = route.query and not route.explicit_literature and meaning.classified and meaning.intent != "literature"
    if route.query and not semantic and not guessed:
        draft.literature.append(_with_subject(route.query, subjects, clause))
        if route.topical_literature:
            part.served_as = ["literature"]  # its cue words ("the toxicity of …") are the search's topic
        return part
    named_any = bool(draft.names or draft.smiles)
    if route.chemistry and not semantic and not route.unknown_compound and named_any:
        return part  # cue words: the request-level intents and properties cover it
    per_compound = meaning.intent is None or meaning.intent in TOOL_INTENTS - {"train_model"}
    if route.unknown_compound and not clause_names and not clause_smiles and per_compound:
        vague.append(route.unknown_compound)
        part.status, part.hint = "unresolved", unresolved_hint(route.unknown_compound)
        return part
    if _ABOUT_HITS.search(clause) and not clause_names and not clause_smiles and _asks_neighbours(draft):
        part.served_as = ["similarity"]  # "… list their targets": the neighbours' records carry them
        return part
    if not subjects:  # a clause that names nothing asks about the request's one molecule, if it has one
        everything = draft.subjects()
        subjects = everything if len(everything) == 1 or refers_back(clause) else []
    return _semantic(part, meaning, masked, subjects, draft)


def _semantic(part: Part, meaning: ClauseIntent, masked: str, subjects: list[str], draft: Draft) -> Part:
    intent = meaning.intent
    if intent == "literature":
        draft.literature.append(_with_subject(literature_text(masked), subjects, masked))
        return part
    if intent in ("greeting", "thanks", "capabilities"):
        part.status = "conversation"
        return part
    if intent == "out_of_scope":
        part.status, part.hint = (
            "unsupported",
            "outside drug-discovery research; ask about molecules, targets or papers",
        )
        return part
    if intent in TOOL_INTENTS:
        calls = semantic_calls(intent, masked, subjects)
        if calls.missing is None:
            draft.record_asked |= calls.record_only
            if calls.question is not None:
                draft.questions += [calls.question, *more_questions(masked, calls.question)]
            for tool, args in calls.per_compound:
                draft.semantic.append((tool, args, subjects))
            draft.intents.standalone.extend(calls.standalone)
            return part
        part.status, part.hint = "not_understood", calls.missing
        return part
    part.status = "not_understood"
    part.hint = (
        "rephrase it naming the molecule (a drug name or SMILES) and what you want to know — a property, a structural "
        "count, a prediction, similar compounds, or what the literature says"
    )
    return part


def _asks_neighbours(draft: Draft) -> bool:
    return any(tool == "similarity_search" for tool, _, _ in draft.semantic) or any(
        tool == "similarity_search"
        for tool, _ in find_intents(" ".join(p.text for p in draft.parts), True).per_compound
    )


def _reactants(clause: str, mentions: list[str]) -> list[str]:
    """The clause's molecules in order of mention, without the reagents and solvents named beside them."""
    return [m for m in _in_order(clause, mentions) if m.lower() not in _REAGENTS]


def _is_reaction(clause: str, meaning: ClauseIntent) -> bool:
    if _NAMED_REACTION.search(clause) or meaning.intent == "reaction":
        return True
    if meaning.intent is not None:
        return False
    return bool(_REACTION_CUE.search(clause)) and not re.search(r"\badverse\b|\ballerg\w*", clause, re.I)


def _with_subject(query: str, subjects: list[str], clause: str) -> str:
    """A literature query that says "its"/"their" searches for the compound the pronoun stands for."""
    if subjects and not any(s.lower() in query.lower() for s in subjects) and refers_back(clause):
        bare = _PRONOUN.sub("", query)
        return re.sub(r"\s+", " ", f"{' '.join(subjects)} {bare}").strip()
    return query
