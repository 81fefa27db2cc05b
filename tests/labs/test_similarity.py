import pytest
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator

from knowledge.common.mol import InvalidSmilesError, to_mol
from labs.chemistry.similarity import SimilarityIndex

LIBRARY = [
    "CC(=O)Oc1ccccc1C(=O)O",  # aspirin
    "not a smiles",
    "OC(=O)c1ccccc1O",  # salicylic acid
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",  # caffeine
    "Cn1cnc2c1c(=O)[nH]c(=O)n2C",  # theobromine
    "CCO",
    "CC(C)Cc1ccc(C(C)C(=O)O)cc1",  # ibuprofen
]


@pytest.fixture(scope="module")
def index() -> SimilarityIndex:
    return SimilarityIndex(LIBRARY)


def test_invalid_library_rows_are_listed_and_skipped(index):
    assert len(index) == len(LIBRARY) - 1
    assert [(row, smiles) for row, smiles, _ in index.errors] == [(1, "not a smiles")]


def test_a_molecule_finds_itself_first_then_its_neighbours(index):
    hits = index.search("Cn1cnc2c1c(=O)n(C)c(=O)n2C", k=3)
    assert hits[0] == (3, 1.0)
    assert hits[1][0] == 4  # theobromine is caffeine's closest relative here
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and len(hits) == 3


def test_scores_match_rdkit_tanimoto_and_rows_refer_to_the_input(index):
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    query = generator.GetFingerprint(to_mol("OC(=O)c1ccccc1OC(C)=O"))
    hits = index.search("OC(=O)c1ccccc1OC(C)=O", k=100)
    assert len(hits) == len(index) and 1 not in [row for row, _ in hits]
    for row, score in hits:
        expected = DataStructs.TanimotoSimilarity(query, generator.GetFingerprint(to_mol(LIBRARY[row])))
        assert score == pytest.approx(expected)


def test_bad_query_raises_and_k_bounds(index):
    with pytest.raises(InvalidSmilesError):
        index.search("C1CC(=O", k=3)
    assert index.search("CCO", k=0) == []
    assert SimilarityIndex([]).search("CCO") == []
    assert [len(h) for h in index.search_many(["CCO", "c1ccccc1"], k=2)] == [2, 2]
