import numpy as np
import pytest
from rdkit import Chem

from labs.chemistry.features import featurize
from labs.models.domain import ApplicabilityDomain
from labs.models.ensemble import EnsembleParams, PropertyEnsemble
from labs.models.features import MolFeatures, Preprocessor, compute_features
from labs.models.kernels import max_similarity, tanimoto
from labs.models.splits import make_split

FAR_AWAY = "F[Si](F)(F)[Si](F)(F)[Si](F)(F)[Si](F)(F)F"  # a perfluorinated oligosilane: nothing like ESOL


@pytest.fixture(scope="module")
def esol_features(esol_dataset):
    feats, index, errors = compute_features(esol_dataset.smiles, workers=2)
    assert index.tolist() == list(range(len(esol_dataset))) and errors == []
    return feats


def test_features_come_from_the_registry_and_reject_bad_smiles(esol_dataset):
    feats, index, errors = compute_features(["CCO", "not a smiles", "c1ccccc1O"], workers=1)
    assert index.tolist() == [0, 2] and [e.row for e in errors] == [1]
    np.testing.assert_array_equal(feats.bits[1], featurize(Chem.MolFromSmiles("c1ccccc1O"), "morgan").astype(bool))
    assert feats.descriptors.shape == (2, featurize(Chem.MolFromSmiles("C"), "descriptors2d").size)


def test_preprocessor_imputes_with_training_medians():
    desc = np.array([[1.0, np.nan], [3.0, 2.0], [5.0, 4.0]], dtype=np.float32)
    train = MolFeatures(desc, np.zeros((3, 8), dtype=bool))
    pre = Preprocessor.fit(train)
    assert pre.medians.tolist() == [3.0, 3.0]
    query = MolFeatures(np.array([[np.nan, np.nan]], dtype=np.float32), np.zeros((1, 8), dtype=bool))
    np.testing.assert_allclose(pre.descriptors(query), pre.descriptors(MolFeatures(np.array([[3.0, 3.0]]), query.bits)))


def test_tanimoto_and_max_similarity():
    a = np.array([[1, 1, 0, 0], [0, 0, 0, 0]], dtype=bool)
    b = np.array([[1, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    np.testing.assert_allclose(tanimoto(a, b), [[0.5, 0.5], [0.0, 0.0]])
    np.testing.assert_allclose(max_similarity(b, b, exclude_self=True), [0.25, 0.25])


def test_domain_flags_a_far_away_molecule(esol_dataset, esol_features):
    domain = ApplicabilityDomain.fit(esol_features.bits)
    assert 0.2 <= domain.threshold <= 0.5
    far, _, _ = compute_features([FAR_AWAY, esol_dataset.smiles[0]])
    sims = domain.similarity(far.bits)
    assert sims[0] < domain.threshold <= sims[1] == pytest.approx(1.0)
    assert domain.in_domain(sims).tolist() == [False, True]


def test_ensemble_predicts_with_intervals_spread_and_domain(esol_dataset, esol_features):
    split = make_split("scaffold", esol_dataset.mols)
    y = esol_dataset.y
    ens = PropertyEnsemble(EnsembleParams(task="regression", n_jobs=1, rf_trees=50)).fit(
        esol_features.take(split.train), y[split.train], esol_features.take(split.valid), y[split.valid]
    )
    assert ens.selection.tuned and ens.calibration is not None and ens.calibration.quantile > 0
    out = ens.predict(esol_features.take(split.test))
    assert out.value.shape == (len(split.test),) and np.all(out.spread >= 0)
    assert np.all(out.lower < out.value) and np.all(out.value < out.upper)
    rmse = float(np.sqrt(np.mean((out.value - y[split.test]) ** 2)))
    assert rmse < float(np.std(y[split.test]))  # better than predicting the mean
    far, _, _ = compute_features([FAR_AWAY])
    far_out = ens.predict(far)
    assert not far_out.in_domain[0]
    # Far from the training set the interval is wider than the median test interval.
    assert far_out.upper[0] - far_out.lower[0] > np.median(out.upper - out.lower)
    refit = ens.refit(
        esol_features.take(np.concatenate([split.train, split.valid])), y[np.r_[split.train, split.valid]]
    )
    assert refit.selection == ens.selection and refit.calibration == ens.calibration
    assert refit.predict(esol_features.take(split.test)).value.shape == (len(split.test),)


def test_classification_ensemble_gives_probabilities():
    rng = np.random.default_rng(0)
    smiles = ["C" * n + "O" for n in range(1, 21)] + ["c1ccccc1" + "C" * n for n in range(1, 21)]
    feats, _, _ = compute_features(smiles)
    y = np.array([0] * 20 + [1] * 20)
    order = rng.permutation(40)
    train, valid = order[:30], order[30:]
    ens = PropertyEnsemble(EnsembleParams(task="classification", n_jobs=1, rf_trees=30)).fit(
        feats.take(train), y[train], feats.take(valid), y[valid]
    )
    out = ens.predict(feats.take(valid))
    assert np.all((out.value >= 0) & (out.value <= 1)) and out.lower is None
    assert np.all((out.value > 0.5) == (y[valid] == 1))
