"""The intent exemplar bank is well-formed data: every intent covered, no duplicates, provenance, placeholder only X."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

BANK = Path(__file__).resolve().parents[2] / "agents" / "understanding" / "data" / "intent_bank.yaml"

MINIMUMS = {
    "literature": 60,
    "compound_record": 30,
    "property": 60,
    "structure": 60,
    "admet": 40,
    "toxicity": 30,
    "similarity": 40,
    "natural_product": 25,
    "train_model": 20,
    "sar": 30,
    "reaction": 40,
    "elucidation": 15,
    "greeting": 20,
    "capabilities": 20,
    "thanks": 15,
    "out_of_scope": 40,
    "clarify": 15,
}
MAX_CHARS = 200
# Single capital letters that may stand alone (not units or prefixes such as mol/L, R-group): the placeholder, the
# pronoun, and one-letter element symbols.
ALLOWED_LETTERS = set("XICHNOFPSBK")
# Other placeholder styles that must not appear: {drug}, <mol>, X1/X2, Y/Z-style stand-ins, lowercase x.
FORBIDDEN_PLACEHOLDERS = [
    re.compile(r"\{[^}]*\}"),
    re.compile(r"<[^<>]*>"),
    re.compile(r"\bX\d+\b|\bX_\w+"),
    re.compile(r"\b(?:DRUG|MOL|MOLECULE|SMILES\d|COMPOUND|NAME)\b"),
    re.compile(r"(?<![\w.])x(?![\w.])"),
]
# Leaks of real molecules: written SMILES and a few common drug names.
SMILES_LEAK = re.compile(r"\b[cn]1[cn]|C\(=O\)|\bCC\(|\bc1ccccc1\b")
DRUG_NAMES = ("aspirin", "metformin", "ibuprofen", "paracetamol", "acetaminophen", "imatinib", "caffeine",
              "atorvastatin", "warfarin", "sildenafil", "penicillin", "morphine", "sarin", "ricin")  # fmt: skip


def _bank() -> dict:
    return yaml.safe_load(BANK.read_text(encoding="utf-8"))


def _exemplars() -> list[tuple[str, dict]]:
    return [(name, ex) for name, spec in _bank()["intents"].items() for ex in spec["exemplars"]]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip(" .?!")


def test_header() -> None:
    bank = _bank()
    assert bank["version"] == 1
    assert bank["placeholder"] == "X"


@pytest.mark.parametrize("intent", sorted(MINIMUMS))
def test_intent_present_with_minimum_exemplars(intent: str) -> None:
    spec = _bank()["intents"].get(intent)
    assert spec is not None, f"intent {intent!r} is missing"
    assert spec["description"].strip(), f"intent {intent!r} has no description"
    assert len(spec["exemplars"]) >= MINIMUMS[intent], f"{intent}: {len(spec['exemplars'])} < {MINIMUMS[intent]}"


def test_no_unknown_intents() -> None:
    assert set(_bank()["intents"]) == set(MINIMUMS)


def test_no_duplicate_texts_within_or_across_intents() -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for intent, ex in _exemplars():
        key = _norm(ex["text"])
        if key in seen:
            duplicates.append(f"{ex['text']!r} in {intent} and {seen[key]}")
        seen[key] = intent
    assert not duplicates, duplicates


def test_every_exemplar_has_text_and_source() -> None:
    bad = [
        (i, ex)
        for i, ex in _exemplars()
        if not str(ex.get("text", "")).strip() or not str(ex.get("source", "")).strip()
    ]
    assert not bad, bad


def test_exemplars_are_short() -> None:
    long = [ex["text"] for _, ex in _exemplars() if len(ex["text"]) > MAX_CHARS]
    assert not long, long


def test_placeholder_is_only_x() -> None:
    bad = []
    for intent, ex in _exemplars():
        text = ex["text"]
        letters = set(re.findall(r"(?<![\w'/-])([A-Z])(?![\w'/-])", text)) - ALLOWED_LETTERS
        if letters or any(p.search(text) for p in FORBIDDEN_PLACEHOLDERS):
            bad.append((intent, text))
    assert not bad, bad


def test_no_real_molecules_leak_into_exemplars() -> None:
    bad = [
        (intent, ex["text"])
        for intent, ex in _exemplars()
        if SMILES_LEAK.search(ex["text"]) or any(name in ex["text"].lower() for name in DRUG_NAMES)
    ]
    assert not bad, bad


def test_molecule_intents_mention_the_placeholder_often() -> None:
    """Most per-molecule exemplars name their subject as X, as masked requests will."""
    per_molecule = ("property", "structure", "admet", "toxicity", "similarity", "natural_product", "compound_record")
    bank = _bank()["intents"]
    for intent in per_molecule:
        texts = [ex["text"] for ex in bank[intent]["exemplars"]]
        with_x = sum(bool(re.search(r"\bX\b", t)) for t in texts)
        assert with_x / len(texts) >= 0.9, f"{intent}: only {with_x}/{len(texts)} exemplars use X"
