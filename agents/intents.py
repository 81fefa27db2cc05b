"""Intents beyond properties and literature: ADMET, toxicity, similarity, natural products, model training (pure).

Each intent is found by its cue words anywhere in the request and applies to every compound the request
names or draws ("… and their toxicity" covers all of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_ADMET_ENDPOINTS: dict[str, str] = {
    r"\bsolub\w*|\blog ?s\b|\besol\b|\bdelaney\b": "solubility",
    r"\bbbbp?\b|blood[- ]brain|\bcns\b|brain penetra\w*": "bbb",
    r"lipophilicity|\blog ?d\b|\blipo\b": "lipophilicity",
    r"clinical[- ](?:trial )?toxicity|\bclintox\b|toxicity[- ]in[- ](?:clinical[- ])?trials|trial toxicity": "clintox",
}
_ADMET_ALL = re.compile(r"\badmet\b|\bpharmacokinetic\w*|\babsorption\b|\bdistribution\b", re.I)
_PREDICT = re.compile(r"\bpredict\w*|\bestimat\w*|\bwill it\b|\bdoes it\b|\bcan it\b|\bhow (?:soluble|well)\b", re.I)
_ASKS_LITERATURE = re.compile(
    r"\b(?:known|literature|stud(?:y|ies)|papers?|evidence|reported|research|publications?|trials?)\b", re.I
)
_TOX = re.compile(
    r"\btoxic\w*|\btox\b|structural alerts?|\bpains\b|\bbrenk\b|\breactive\b|\bliabilit\w*|\bsafety\b", re.I
)
_SIMILAR = re.compile(
    r"\bsimilar\b|\banalog(?:ue)?s?\b|\bnearest neighbou?rs?\b|\blook-?alikes?\b|\bresembl\w*"
    r"|\b(?:compounds?|molecules?|drugs?|inhibitors?|agents?)\s+like\b|\blooks?\s+like\b",
    re.I,
)
_NATURAL_PRODUCT = re.compile(
    r"natural[- ]products?|\bnp[- ]likeness\b|\bnp\b|\bnpclassifier\b|biosynthetic|\bpathway\b|\bsuperclass\b|"
    r"\bclassify\b|\bterpenoids?\b|\balkaloids?\b|\bpolyketides?\b|\bflavonoids?\b",
    re.I,
)
_TRAIN = re.compile(
    r"\b(?:train|retrain|fit|build)\b.{0,40}\b(?:model|predictor|classifier|regressor|gnn|random forest|network)s?\b"
    r"|\b(?:model|predictor|classifier|regressor)s?\b.{0,60}\b(?:train|retrain|fit)\b"
    r"|\b(?:train|retrain)\s+(?:a\s+|an\s+|my\s+)?(?:solubility|clintox|bbbp?|lipophilicity|esol|delaney|lipo)\b",
    re.I,
)
_LIBRARY = [
    (re.compile(r"natural[- ]products?|\bnps\b", re.I), "natural_products"),
    (re.compile(r"\b(?:approved|marketed)?\s*drugs?\b|\binhibitors?\b", re.I), "approved_drugs"),
]


_CLINTOX_PHRASE = re.compile(
    r"\bclinical[- ](?:trial[- ])?tox(?:icity)?\b|\btoxicity[- ]in[- ](?:clinical[- ])?trials\b|\btrial toxicity\b"
    r"|\bfail(?:ing|s|ure)?\b[^.?!]{0,25}\bclinical trials?\b[^.?!]{0,20}\btoxicity\b",
    re.I,
)


def normalize_endpoints(text: str) -> str:
    """Wordings of the clinical-trial toxicity endpoint as one word ("ClinTox"), so that "trial" is not read as a
    literature cue nor "toxicity" as a request for structural alerts."""
    return _CLINTOX_PHRASE.sub("ClinTox", text)


@dataclass
class IntentSteps:
    """Tool calls (tool, args) per compound, and request-level calls that need no compound."""

    per_compound: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    standalone: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.per_compound or self.standalone)


def library_of(text: str) -> str:
    """The compound library a similarity request names: approved drugs, natural products, or all."""
    return next((lib for pattern, lib in _LIBRARY if pattern.search(text)), "all")


def admet_endpoints(text: str) -> list[str]:
    if _ADMET_ALL.search(text):
        return ["solubility", "lipophilicity", "bbb", "clintox"]
    return [name for pattern, name in _ADMET_ENDPOINTS.items() if re.search(pattern, text, re.I)]


def find_intents(text: str, has_compounds: bool) -> IntentSteps:
    """The intent tool calls of a request (its SMILES already masked out).

    ADMET words in a literature question ("what is known about the pharmacokinetics of …") ask the
    literature, not a model: there a prediction needs an explicit cue ("predict", "estimate").
    """
    steps = IntentSteps()
    text = normalize_endpoints(text)
    endpoints = admet_endpoints(text) if _PREDICT.search(text) or not _ASKS_LITERATURE.search(text) else []
    if _TRAIN.search(text) and not (has_compounds and endpoints and _PREDICT.search(text)):
        # (a request to train and predict is one predict_admet call: it trains what is missing, with approval)
        for name in endpoints or ["solubility"]:
            steps.standalone.append(("train_admet_model", {"endpoint": name}))
        endpoints = []
    if not has_compounds:
        return steps
    if endpoints:
        steps.per_compound.append(("predict_admet", {"endpoints": endpoints}))
    if _TOX.search(text):
        steps.per_compound.append(("toxicity_alerts", {}))
        if "clintox" not in endpoints and re.search(r"\bpredict\w*\b.{0,30}\btoxicity\b", text, re.I):
            steps.per_compound.append(("predict_admet", {"endpoints": ["clintox"]}))
    if _SIMILAR.search(text):
        steps.per_compound.append(("similarity_search", {"library": library_of(text)}))
    # "natural products like X" names a similarity library, not a classification
    np_text = re.sub(r"natural[- ]products?", " ", text, flags=re.I) if _SIMILAR.search(text) else text
    if _NATURAL_PRODUCT.search(np_text):
        steps.per_compound.append(("classify_natural_product", {}))
    return steps


_QUESTION = re.compile(r"\?|^\s*(?:what|which|how|is|are|does|do|will|can|has|have|find|list|give)\b", re.I)


def intent_answer(text: str, tool: str, args: dict[str, Any]) -> tuple[str, str] | None:
    """(field, form) of the single value a question asks of one intent step, e.g. an NP pathway or a BBB class."""
    if not _QUESTION.search(text):
        return None
    if tool == "classify_natural_product":
        for pattern, level in ((r"\bsuperclass\b", "superclass"), (r"\bpathway\b|biosynthe", "pathway"),
                               (r"\bclass\b", "class")):  # fmt: skip
            if re.search(pattern, text, re.I):
                return f"classes.{level}.value", "value"
        return ("np_likeness", "value") if re.search(r"np[- ]likeness", text, re.I) else None
    if tool == "predict_admet" and len(args.get("endpoints", [])) == 1:
        from labs.pharmacology.endpoints import ENDPOINTS

        if ENDPOINTS[args["endpoints"][0]].task == "classification":
            return "predictions.0.class", "yes_if_positive"
        return "predictions.0.prediction", "value"
    if tool == "toxicity_alerts":
        if re.search(r"\bhow many\b", text, re.I):
            return "outputs.n_alerts", "value"
        return "outputs.n_alerts", "yes_if_positive"
    if tool == "similarity_search":
        return "hits.*.label", "value"
    return None
