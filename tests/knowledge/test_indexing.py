"""Index building from plain arguments: the completion marker, its fingerprint, resumable re-runs, live sources."""

import json

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.index.edge import EdgeIndex
from knowledge.indexing import MARKER, IndexRecipe, build_index, corpus_fingerprint, fetch_documents, index_is_complete

DOCS = [
    {"doc_id": 1, "title": "Metformin and cancer", "abstract": ["Metformin lowered cancer incidence in diabetics."]},
    {"doc_id": 2, "title": "Aspirin and adenoma", "abstract": ["Aspirin reduced colorectal adenoma recurrence."]},
    {"doc_id": 3, "title": "Statins and sepsis", "abstract": ["Statin users had lower sepsis mortality."]},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    return path


def test_a_whole_build_leaves_a_marker_a_partial_one_does_not(tmp_path, corpus, embedder):
    recipe = IndexRecipe(embedder.model_id, quantized=False, chunk_max_chars=800)
    index_dir = tmp_path / "index"

    def open_index():
        return EdgeIndex(index_dir, dim=embedder.dim, model=embedder.model_id, create=True)

    partial = build_index(corpus, "mini", open_index, embedder, recipe, marker_dir=index_dir, limit=2)
    assert partial.documents == 2 and not (index_dir / MARKER).exists()
    assert not index_is_complete(index_dir, corpus, "mini", recipe)

    whole = build_index(corpus, "mini", open_index, embedder, recipe, marker_dir=index_dir)
    assert whole.documents == 3 and whole.skipped == partial.chunks  # the first two were already indexed
    assert index_is_complete(index_dir, corpus, "mini", recipe)
    marker = json.loads((index_dir / MARKER).read_text())
    assert marker["fingerprint"] == corpus_fingerprint(corpus, "mini", recipe) and marker["documents"] == 3

    # Another chunk size, source name or corpus content is another index.
    assert not index_is_complete(index_dir, corpus, "mini", IndexRecipe(embedder.model_id, False, 400))
    assert not index_is_complete(index_dir, corpus, "other", recipe)
    corpus.write_text(corpus.read_text() + json.dumps({**DOCS[0], "doc_id": 4}) + "\n")
    assert not index_is_complete(index_dir, corpus, "mini", recipe)


def test_fingerprint_names_every_part_of_the_recipe(corpus):
    fingerprint = corpus_fingerprint(corpus, "scifact", IndexRecipe("all-MiniLM-L6-v2", True, 600))
    assert fingerprint.endswith(":all-MiniLM-L6-v2:int8=True:600:scifact") and len(fingerprint.split(":")[0]) == 16


def test_an_unknown_live_source_is_a_clear_error():
    with pytest.raises(Ech0Error, match="unknown literature source 'crossref'"):
        fetch_documents("crossref", "metformin", 5, http=None, pubmed=None)
