import numpy as np
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.embeddings import SentenceTransformerEmbedder, resolve_model_path

SENTENCES = [
    "Metformin lowers hepatic glucose production.",
    "Aspirin irreversibly inhibits cyclooxygenase.",
    "Imatinib targets the BCR-ABL tyrosine kinase.",
]


def test_shipped_model_embeds_offline_and_normalised(embedder):
    vectors = embedder.embed_documents(SENTENCES)
    assert vectors.shape == (3, 384) and embedder.dim == 384
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("Which drug inhibits BCR-ABL?")
    assert int(np.argmax(vectors @ query)) == 2
    assert embedder.embed_documents([]).shape == (0, 384)


def test_int8_model_is_a_distinct_but_faithful_model(embedder):
    quantized = SentenceTransformerEmbedder(quantize=True)
    assert quantized.model_id == "all-MiniLM-L6-v2+int8" and embedder.model_id == "all-MiniLM-L6-v2"
    vectors = quantized.embed_documents(SENTENCES)
    cosines = (vectors * embedder.embed_documents(SENTENCES)).sum(axis=1)
    assert cosines.min() > 0.85  # measured: mean 0.93 on SciFact chunks
    assert int(np.argmax(vectors @ quantized.embed_query("Which drug inhibits BCR-ABL?"))) == 2


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(Ech0Error, match="does not exist"):
        _ = SentenceTransformerEmbedder(str(tmp_path / "no-model")).dim
    assert resolve_model_path("some/other-model") == "some/other-model"
