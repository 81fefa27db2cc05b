"""The understanding of one request: its clauses, the intent each means, and whether the whole request is
conversation (a greeting, thanks, a question about ECH0, something outside its scope) rather than research."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from agents.understanding.bank import CONVERSATION
from agents.understanding.classifier import IntentClassifier, ranked

# Mean top-3 cosine similarity of the shipped MiniLM at which an intent counts as recognised (knn), or the
# probability (logreg); measured on the paraphrase dev split by `ech0 eval planner`.
CONFIDENT = {"knn": 0.5, "logreg": 0.45}
# The intent each tool serves, for reading a plan back as intents.
TOOL_INTENT = {
    "structure_question": "structure", "compute_properties": "property", "compound_lookup": "compound_record",
    "predict_admet": "admet", "toxicity_alerts": "toxicity", "similarity_search": "similarity",
    "classify_natural_product": "natural_product", "train_admet_model": "train_model",
    "literature_search": "literature", "predict_reaction": "reaction", "sar_predict": "sar",
    "elucidate_structure": "elucidation",
}  # fmt: skip
PartStatus = Literal["planned", "conversation", "instruction", "not_understood", "unresolved", "unsupported"]


class Part(BaseModel):
    """One clause of a request and what became of it; parts that were not planned say what would make them work."""

    text: str
    intent: str | None = Field(None, description="the intent the classifier read in the clause, when confident")
    score: float | None = Field(None, description="the classifier's score for that intent")
    served_as: list[str] = Field(
        default_factory=list, description="the intents the clause was planned as (from its words, data or meaning)"
    )
    status: PartStatus = "planned"
    hint: str | None = Field(None, description="for a part not planned: why, and what would make it work")


_SPLIT = re.compile(
    r"(?<=[?!;])\s+|(?<=\.)\s+(?=[A-Z])|\n\s*\n|\s*\balso\b,?\s*"
    r"|,?\s*\band\s+(?=(?:what|how|which|why|is|are|does|do|did|can|could|will|would|list|give|tell|show|name|"
    r"summari[sz]e|describe|predict|estimate|find|search|compare|check|flag|classify|report|calculate|compute)\b)"
    r"|,\s*(?=(?:then|plus)\b)",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[str]:
    """Sentences, blank-line blocks, "also", and "… and what/how/list/summarize …" joining two questions."""
    return [p.strip(" ,") for p in _SPLIT.split(text) if p and p.strip(" ,")]


def mask(text: str, mentions: Sequence[str], placeholder: str = "X") -> str:
    """The clause with each molecule mention replaced by the bank's placeholder (what exemplars are written with)."""
    for mention in sorted(set(mentions), key=len, reverse=True):
        if mention:
            text = re.sub(re.escape(mention), placeholder, text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class ClauseIntent:
    intent: str | None
    score: float
    runner_up: str | None = None
    top: str | None = None  # the closest intent even below the confidence bar
    classified: bool = True  # False when no classifier read the clause (cue words only)


@dataclass
class Reading:
    """Per clause the intent it means (None without a classifier), and the conversation intent of the whole
    request when it is conversation."""

    clauses: list[str]
    intents: list[ClauseIntent] = field(default_factory=list)
    conversation: str | None = None


def read(text: str, mentions: Sequence[str], classifier: IntentClassifier | None) -> Reading:
    clauses = split_clauses(text)
    if classifier is None:
        return Reading(clauses, [ClauseIntent(None, 0.0, classified=False) for _ in clauses])
    threshold = CONFIDENT[classifier.method]
    masked = [mask(c, mentions, classifier.bank.placeholder) for c in clauses]
    intents = []
    for scores in classifier.scores(masked):
        order = ranked(scores)
        best, score = order[0]
        runner_up = order[1][0] if len(order) > 1 else None
        intents.append(ClauseIntent(best if score >= threshold else None, score, runner_up, top=best))
    return Reading(clauses, intents, _conversation(intents, bool(mentions)))


def _conversation(intents: list[ClauseIntent], has_mentions: bool) -> str | None:
    """The request's conversation intent when every recognised clause is conversation and no molecule is named."""
    if has_mentions:
        return None
    found = [c.intent for c in intents]
    if not found or any(i is None or i not in CONVERSATION for i in found):
        return None
    for intent in ("out_of_scope", "clarify", "capabilities", "greeting", "thanks"):
        if intent in found:
            return intent
    return None
