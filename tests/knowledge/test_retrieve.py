"""Retrieval over the mini index: relevant passages pass the threshold, off-topic questions find nothing."""

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.corpus import corpus_lookup
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


def test_query_limits_and_filter_errors_are_clear(runtime):
    with pytest.raises(Ech0Error, match="too long"):
        runtime.retriever.search("metformin " * 1200)
    with pytest.raises(Ech0Error, match="colour"):
        runtime.retriever.search("metformin", filters={"colour": ["red"]})
    with pytest.raises(Ech0Error, match="mmr"):
        runtime.retriever.search("metformin", mmr=1.5)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "sparse"])
def test_every_mode_finds_metformin_documents(runtime, mode):
    ranked = runtime.retriever.rank("metformin lactic acidosis", k=5, mode=mode)
    assert len(ranked) == 5
    assert all("metformin" in (p.title + p.text).lower() for p, _ in ranked[:3])


def test_filters_restrict_the_results(runtime):
    result = runtime.retriever.search("metformin", k=5, filters={"source": ["pubmed"]})
    assert result.passages == [] and result.best_score is None
    result = runtime.retriever.search("metformin", k=5, filters={"source": ["scifact"]})
    assert result.passages


def test_mmr_keeps_relevant_passages_and_changes_nothing_else(runtime):
    plain = runtime.retriever.search("metformin and cancer risk", k=4)
    diverse = runtime.retriever.search("metformin and cancer risk", k=4, mmr=0.5)
    assert len(diverse.passages) == len(plain.passages)
    assert all(p.score >= diverse.threshold for p in diverse.passages)
    # MMR starts from the candidate most similar to the query.
    candidates = runtime.retriever.search("metformin and cancer risk", k=12).passages
    assert diverse.passages[0].score == max(p.score for p in candidates)


def test_evidence_for_a_claim_cites_sentences(runtime):
    evidence = runtime.retriever.evidence("Metformin use is associated with lactic acidosis", k=2)
    assert evidence
    for item in evidence:
        assert item.passage.score >= runtime.retriever.min_score
        assert item.sentences and all(s.text in item.passage.text for s in item.sentences)
