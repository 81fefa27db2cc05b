"""Pure parts of request understanding: clauses, data slots (tables, formulas, NMR shifts), spelling, unknown names."""

from __future__ import annotations

import pytest

from agents.understanding.layer import mask, split_clauses
from agents.understanding.slots import TableError, find_series, find_spectra
from agents.understanding.spelling import correct_words, vocabulary_of
from agents.understanding.unresolved import unknown_drug_names


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "How many rings does caffeine have and what is its TPSA?",
            ["How many rings does caffeine have", "what is its TPSA?"],
        ),
        (
            "Predict the solubility of X and summarize what is known",
            ["Predict the solubility of X", "summarize what is known"],
        ),
        ("Compare metformin and aspirin", ["Compare metformin and aspirin"]),
        ("Hello! Who are you?", ["Hello!", "Who are you?"]),
    ],
)
def test_clauses_split_at_joined_questions_only(text, clauses):
    assert split_clauses(text) == clauses


def test_mentions_are_masked_longest_first():
    assert mask("Is acetylsalicylic acid like salicylic acid?", ["salicylic acid", "acetylsalicylic acid"]) == (
        "Is X like X?"
    )


def test_a_series_with_labels_an_unknown_and_any_separator():
    table = (
        "SMILES\tpIC50\nc1ccccc1C(=O)N\t5.1\nClc1ccccc1C(=O)N\t5.9\nCOc1ccccc1C(=O)N (pIC50 6.2)\nBrc1ccccc1C(=O)N\t?"
    )
    series = find_series(table)
    assert series.rows == [("c1ccccc1C(=O)N", 5.1), ("Clc1ccccc1C(=O)N", 5.9), ("COc1ccccc1C(=O)N", 6.2)]
    assert series.queries == ["Brc1ccccc1C(=O)N"]
    inline = find_series("predict Q for CCCCCO from: CCO, 1.2; CCCO, 1.5; CCCCO, 1.9")
    assert inline.rows[-1] == ("CCCCO", 1.9) and inline.queries == []
    assert find_series("What is the logP of CCO?") is None


def test_a_row_whose_value_is_not_a_number_is_an_error_not_skipped():
    with pytest.raises(TableError, match="CCCO 1.5x"):
        find_series("CCO 1.2\nCCCO 1.5x\nCCCCO 1.9\nCCCCCO 2.2")


def test_spectra_with_multiplicities_integrals_and_an_inchi_beside_them():
    spectra = find_spectra(
        "C4H8O2: 13C NMR 171.0, 60.4, 21.0, 14.2 ppm; 1H NMR δ 4.12 (q, 2H), 2.05 (s, 3H), 1.26 (t, 3H)"
    )
    assert (spectra.formula, spectra.c_shifts, spectra.h_shifts) == (
        "C4H8O2",
        [171.0, 60.4, 21.0, 14.2],
        [4.12, 2.05, 1.26],
    )
    assert find_spectra("Is InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3 drug-like?") is None
    assert find_spectra("What is the molecular weight of C6H12O6?") is None


def test_misspelt_domain_words_are_corrected_but_names_and_common_words_are_not():
    vocabulary = vocabulary_of(["molecular weight of X", "is X Lipinski compliant", "rotatable bonds in X"])
    text, fixes = correct_words(
        "molecualr wieght and rotable bonds; lipinksi for metformin", vocabulary, {"metformin"}.__contains__
    )
    assert text == "molecular weight and rotatable bonds; lipinski for metformin"
    assert ("wieght", "weight") in fixes


def test_drug_shaped_names_nobody_knows_are_found():
    assert unknown_drug_names("targets of sotorasib and metformin vs adagrasib", {"metformin"}.__contains__) == [
        "sotorasib",
        "adagrasib",
    ]
    assert unknown_drug_names("What is the receptor concept of thermostat statistics?", lambda w: False) == []
