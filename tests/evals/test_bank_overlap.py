"""The paraphrase set measures understanding only while no request of it is an exemplar of the bank, or a near
duplicate of one (both splits; the shipped MiniLM decides what is near)."""

from __future__ import annotations

from agents.understanding.bank import shipped_bank
from evals.understanding import SPLITS, load_cases, overlap


def test_no_request_of_the_set_is_an_exemplar_or_a_near_duplicate(embedder):
    cases = load_cases(SPLITS["dev"]) + load_cases(SPLITS["sealed"])
    found = overlap(cases, [text for _, text in shipped_bank().pairs()], embedder.embed_documents)
    assert found["exact"] == [] and found["near_duplicates"] == [], found
