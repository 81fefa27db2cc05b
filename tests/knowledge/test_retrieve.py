"""Retrieval over the mini index: relevant passages pass the threshold, off-topic questions find nothing."""

import pytest

from knowledge.corpus import corpus_lookup
from knowledge.errors import Ech0Error
from tests.conftest import MINI_CORPUS


def test_metformin_question_finds_metformin_abstracts(runtime):
    result = runtime.retriever.search("metformin and cancer risk", k=5)
    assert len(result.passages) >= 3
    corpus = corpus_lookup(MINI_CORPUS)
    for passage in result.passages:
        assert passage.score >= result.threshold
        doc = corpus[passage.doc_key]
        assert doc.text[passage.start : passage.end] == passage.text
        assert "metformin" in (doc.title + doc.text).lower()
    assert len({p.doc_key for p in result.passages}) == len(result.passages)  # one passage per document


def test_evidence_sentences_are_exact_spans_of_the_document(runtime):
    result = runtime.retriever.search("metformin and cancer risk", k=2)
    corpus = corpus_lookup(MINI_CORPUS)
    for passage in result.passages:
        evidence = runtime.retriever.evidence_sentences("metformin and cancer risk", passage)
        assert 1 <= len(evidence) <= 2
        for e in evidence:
            s, t = e.span
            assert corpus[passage.doc_key].text[s:t] == e.text


def test_off_topic_question_returns_no_evidence(runtime):
    result = runtime.retriever.search("orbital mechanics of geostationary communication satellites")
    assert result.passages == []
    assert result.best_score is not None and result.best_score < result.threshold


def test_empty_query_is_rejected(runtime):
    with pytest.raises(Ech0Error, match="empty"):
        runtime.retriever.search("   ")
