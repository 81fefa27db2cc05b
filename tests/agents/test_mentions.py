import pytest

from agents.mentions import (
    FuzzyMention,
    _strip_token,
    common_words,
    find_identifiers,
    find_names,
    find_names_fuzzy,
    find_smiles,
)
from knowledge.compounds import SHIPPED_SYNONYMS, CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED


@pytest.fixture(scope="module")
def names():
    return CompoundStore.from_files(DRUGCENTRAL_APPROVED, None, synonyms=SHIPPED_SYNONYMS).names()


@pytest.fixture(scope="module")
def is_name(names):
    return set(names).__contains__


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the logP of naphthalene (c1ccc2ccccc2c1)?", ["c1ccc2ccccc2c1"]),
        ("naphthalene (c1ccc2ccccc2c1).", ["c1ccc2ccccc2c1"]),
        ('aspirin ("CC(=O)Oc1ccccc1C(=O)O")', ["CC(=O)Oc1ccccc1C(=O)O"]),
        ("benzene [c1ccccc1] and toluene {Cc1ccccc1}", ["c1ccccc1", "Cc1ccccc1"]),
        ("ethanol (CCO) and the molecule (C1CCCCC1)", ["C1CCCCC1"]),  # bare CCO needs a cue word, as before
        ("(SMILES CC(C)Cc1ccc(cc1)C(C)C(=O)O)", ["CC(C)Cc1ccc(cc1)C(C)C(=O)O"]),
    ],
)
def test_bracketed_smiles_come_out_bare(text, expected):
    assert find_smiles(text) == expected


@pytest.mark.parametrize(
    ("token", "bare"),
    [
        ("[Na+]", "[Na+]"),
        ("[Na+].[Cl-]", "[Na+].[Cl-]"),
        ("[c1ccccc1]", "c1ccccc1"),
        ("(CCO)", "CCO"),
        ("C(C)(C)", "C(C)(C)"),
        ("(CCO),", "CCO"),
        ('"(CCO)"', "CCO"),
        ("CCO)", "CCO"),
    ],  # fmt: skip
)
def test_strip_token_keeps_bracket_atoms(token, bare):
    assert _strip_token(token) == bare


def test_loose_reading_unwraps_a_bare_parenthesised_smiles():
    assert find_smiles("What is the logP of ethanol (CCO)?", loose=True) == ["CCO"]


def test_identifiers_in_text():
    text = (
        "Compare InChI=1S/C4H11N5/c1-9(2)4(7)8-3(5)6/h1-2H3,(H5,5,6,7,8). with BSYNRYMUTXBXSQ-UHFFFAOYSA-N, "
        "CID 2244, chembl25, DB00945 and CAS 50-78-2 (not 50-78-3, nor the date 2020-10-05)"
    )
    assert find_identifiers(text) == [
        "InChI=1S/C4H11N5/c1-9(2)4(7)8-3(5)6/h1-2H3,(H5,5,6,7,8)",
        "BSYNRYMUTXBXSQ-UHFFFAOYSA-N",
        "CID 2244",
        "CHEMBL25",
        "DB00945",
        "50-78-2",
    ]
    assert find_identifiers("(InChI=1S/CH4/h1H4)") == ["InChI=1S/CH4/h1H4"]
    assert find_identifiers("What does the literature say about p53 and IL-6 in 2020?") == []


def test_fuzzy_finds_the_misspelt_drug_only(names, is_name):
    found = find_names_fuzzy("What are the known targets of atorvastatn and its logP?", names, is_name)
    assert [(m.mention, m.name) for m in found] == [("atorvastatn", "atorvastatin")]
    assert found[0].score >= 0.88 and isinstance(found[0], FuzzyMention)


def test_fuzzy_reads_misspelt_synonyms_and_phrases_and_skips_exact_names(names, is_name):
    found = find_names_fuzzy("Is asprin safer than ibuprofen, or than acetylsalicylic acd and tylenl?", names, is_name)
    assert [(m.mention, m.name) for m in found] == [
        ("asprin", "aspirin"),
        ("acetylsalicylic acd", "acetylsalicylic acid"),
        ("tylenl", "tylenol"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "What does the literature say about protein misfolding in neurons?",
        "Predict the toxicity and solubility of this molecule and find similar natural products.",
        "Which kinase inhibitors are approved for cancer, and what is their mechanism of action?",
        "Summarise the structure-activity relationships of the compound series in this solution.",
        "Cognitive behavioral therapy vs zopiclone for chronic insomnia",  # zopiclone is exact, not eszopiclone
    ],
)
def test_ordinary_sentences_give_no_fuzzy_hits(names, is_name, text):
    assert find_names_fuzzy(text, names, is_name) == []


def test_exact_names_now_include_synonyms_and_chemicals(is_name):
    text = "coupling acetic acid with benzylamine, then compare with aspirin and Lipitor"
    assert find_names(text, is_name) == ["acetic acid", "benzylamine", "aspirin", "lipitor"]


def test_common_words_are_shipped_and_exclude_drug_names():
    words = common_words()
    assert {"protein", "solution", "toxicity", "the"} <= words
    assert not {"aspirin", "metformin", "atorvastatin"} & words
