"""Conversation and scope: greetings, "what can you do", thanks, requests outside drug research, and requests
too vague to act on get a reply instead of a research run (pure text)."""

from __future__ import annotations

CAPABILITIES = (
    ("literature", "answer from the biomedical literature with cited passages",
     "What is known about metformin and cancer?"),
    ("compound records", "look up approved drugs: targets, indications, approvals, identifiers",
     "What are the targets of imatinib?"),
    ("properties", "compute molecular weight, logP, TPSA, H-bond donors/acceptors, QED, SA score, Lipinski",
     "Is aspirin Lipinski compliant?"),
    ("exact structure answers", "count atoms and rings, bonds on the shortest path, atom mappings",
     "How many bonds separate the two * atoms in *CCOc1ccccc1*?"),
    ("ADMET predictions", "predict solubility, lipophilicity, blood–brain barrier penetration, clinical toxicity",
     "Predict the solubility of osimertinib"),
    ("structural alerts", "flag PAINS, Brenk and reactive groups", "Does CC(=O)Cl have structural alerts?"),
    ("similar compounds", "find the closest approved drugs or natural products",
     "Which approved drugs resemble sildenafil?"),
    ("natural products", "classify a natural product's pathway, superclass and class", "What class is resveratrol?"),
    ("reactions", "predict the product of common medicinal-chemistry reactions", "Couple acetic acid with benzylamine"),
    ("SAR series", "predict an analogue's activity from a table of analogues (Free–Wilson)",
     "Given these pIC50 values … predict the fourth"),
    ("structure from spectra", "rank candidate structures for a formula and NMR shifts",
     "C4H8O2, 13C: 171, 60, 21, 14 — which structure?"),
    ("property models", "train a property model on a data set (with your approval)", "Train a solubility model"),
)  # fmt: skip


def capability_lines() -> list[str]:
    return [f"- **{name}**: {what} — e.g. “{example}”" for name, what, example in CAPABILITIES]


def _menu() -> str:
    return "\n".join(capability_lines())


def reply(intent: str, request: str) -> str:
    """The answer to a conversational request (`intent` one of the bank's conversation intents)."""
    if intent == "greeting":
        return (
            "Hello — I am ECH0, a research assistant for drug discovery. I plan tool calls, run them, and answer "
            "with a report in which every claim cites its source. I can:\n\n" + _menu()
        )
    if intent == "capabilities":
        return "Here is what I can do; ask in your own words:\n\n" + _menu()
    if intent == "thanks":
        return "You're welcome. Ask me another question whenever you like — a molecule, a target, a paper topic."
    if intent == "out_of_scope":
        return (
            "That is outside what ECH0 does: I answer drug-discovery and chemistry research questions. "
            "I can:\n\n" + _menu()
        )
    snippet = request.strip()[:80]
    return (
        f"I could not tell what to do with “{snippet}”. Which molecule is it about (a name or a SMILES), and what do "
        "you want to know? For example:\n\n" + _menu()
    )
