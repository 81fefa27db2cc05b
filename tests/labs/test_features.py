import numpy as np
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import to_mol
from labs.chemistry.features import descriptor_names, featurize, get_featurizer, list_featurizers, np_likeness

ASPIRIN = to_mol("CC(=O)Oc1ccccc1C(=O)O")


@pytest.mark.parametrize("name", list_featurizers())
def test_every_featurizer_returns_its_declared_width(name):
    featurizer = get_featurizer(name)
    vector = featurize(ASPIRIN, name)
    assert vector.shape == (featurizer.width,) and vector.dtype == np.float32
    assert np.isfinite(vector).all() and vector.any()


def test_fingerprints_are_bits_and_distinguish_molecules():
    caffeine = to_mol("Cn1cnc2c1c(=O)n(C)c(=O)n2C")
    for name in ("morgan", "featmorgan", "maccs", "rdkit", "atompair"):
        a, b = featurize(ASPIRIN, name), featurize(caffeine, name)
        assert set(np.unique(a)) <= {0.0, 1.0} and not np.array_equal(a, b)


def test_descriptors_match_their_names_and_rdkit():
    from rdkit.Chem import Descriptors

    names = descriptor_names()
    vector = featurize(ASPIRIN, "descriptors2d")
    assert len(names) == len(vector)
    assert vector[names.index("MolWt")] == pytest.approx(Descriptors.MolWt(ASPIRIN), rel=1e-5)


def test_np_likeness_ranks_a_natural_product_above_a_synthetic_drug():
    quercetin = to_mol("O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12")
    assert np_likeness(quercetin) > np_likeness(ASPIRIN) - 0.5
    assert -5 <= np_likeness(ASPIRIN) <= 5


def test_unknown_featurizer_is_a_clear_error():
    with pytest.raises(Ech0Error, match="unknown featurizer 'ecfp99'"):
        featurize(ASPIRIN, "ecfp99")
