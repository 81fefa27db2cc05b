"""PubMed through E-utilities over httpx.MockTransport: field mapping, batching, failures, modes, secrets."""

from __future__ import annotations

import re

import httpx
import pytest
from pydantic import SecretStr

from knowledge.common.errors import Ech0Error
from knowledge.http import CacheMissError
from knowledge.sources.pubmed import (
    PubMedConfig,
    fetch_pubmed,
    parse_pubmed_xml,
    pubmed_source_policy,
    search_pubmed,
)

from .conftest import Recorder, fixture_bytes

EFETCH = fixture_bytes("efetch_pubmed.xml")
EFETCH_MISSING_TITLE = fixture_bytes("efetch_missing_title.xml")
API_KEY = "ncbi-secret-key-9f8e7d6c5b4a"
CONFIG = PubMedConfig(email="dev@example.org", api_key=SecretStr(API_KEY))


def articles_by_pmid() -> dict[str, bytes]:
    found = {}
    for body in (EFETCH, EFETCH_MISSING_TITLE):
        for chunk in re.findall(rb"<PubmedArticle>.*?</PubmedArticle>", body, re.S):
            found[re.search(rb"<PMID[^>]*>(\d+)</PMID>", chunk).group(1).decode()] = chunk
    return found


def efetch_body(pmids: list[str]) -> bytes:
    """An efetch response, with NCBI's prolog and DOCTYPE, holding the fixture articles asked for."""
    prolog = EFETCH[: EFETCH.index(b"<PubmedArticleSet>")]
    known = articles_by_pmid()
    return prolog + b"<PubmedArticleSet>\n" + b"".join(known[p] for p in pmids if p in known) + b"\n</PubmedArticleSet>"


def eutils(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/esearch.fcgi"):
        return httpx.Response(200, content=fixture_bytes("esearch_pubmed.json"))
    ids = request.url.params["id"].split(",")
    return httpx.Response(200, content=efetch_body(ids), headers={"content-type": "text/xml"})


@pytest.fixture
def pubmed_client(make_client):
    def make(handler, **kwargs):
        return make_client(handler, sources=[pubmed_source_policy(CONFIG)], **kwargs)

    return make


def test_every_field_is_mapped():
    result = parse_pubmed_xml(EFETCH, requested=["31000001", "31000002"])
    assert result.failures == []
    first, second = result.documents
    assert first.key == "pubmed:31000001"
    assert first.title == "Metformin inhibits hepatic gluconeogenesis through AMPK-dependent regulation."
    assert first.text == (
        "BACKGROUND: Metformin is the first-line therapy for type 2 diabetes. Its mechanism remains debated. "
        "METHODS: We treated primary hepatocytes with metformin. RESULTS: Glucose output fell by 40%."
    )
    assert first.authors == ["Smith JA", "Nguyen V", "Metformin Study Group"]
    assert first.journal == "Cell metabolism"
    assert first.year == 2019
    assert first.published == "2019-03-28"  # the electronic ArticleDate precedes the May 2019 issue
    assert first.mesh_terms == ["Metformin", "Gluconeogenesis", "Diabetes Mellitus, Type 2"]
    assert first.doi == "10.1016/j.cmet.2019.03.001"
    assert first.domain == "biomedicine"
    assert first.metadata["journal_abbrev"] == "Cell Metab"
    # unlabelled abstract, a MedlineDate, no DOI, no MeSH
    assert second.text == "Renal clearance of metformin declines with age. Dose adjustment is advised."
    assert (second.year, second.published, second.doi, second.mesh_terms) == (1998, "1998", None, [])
    assert second.authors == ["Okafor C"]


def test_doi_from_article_ids_and_full_pub_date():
    result = parse_pubmed_xml(EFETCH_MISSING_TITLE, requested=["31000003"])
    doc = result.documents[0]
    assert (doc.doi, doc.published, doc.year) == ("10.1038/s41598-021-00003-3", "2021-11-05", 2021)


def test_search_sends_ncbi_parameters_and_reports_missing_pmids(pubmed_client):
    handler = Recorder(eutils)
    result = search_pubmed(pubmed_client(handler), "metformin", CONFIG, max_results=3)
    assert result.total_found == 57
    assert [d.doc_id for d in result.documents] == ["31000001", "31000002", "31000003"]
    esearch, efetch = handler.requests
    assert esearch.url.params["retmode"] == "json" and esearch.url.params["term"] == "metformin"
    assert efetch.url.params["retmode"] == "xml" and efetch.url.params["db"] == "pubmed"
    assert efetch.url.params["id"] == "31000001,31000002,31000003"
    for request in handler.requests:
        assert request.url.params["tool"] == "ech0"
        assert request.url.params["email"] == "dev@example.org"
        assert request.url.params["api_key"] == API_KEY


def test_pmids_are_fetched_in_batches_and_kept_in_request_order(pubmed_client):
    handler = Recorder(eutils)
    config = CONFIG.model_copy(update={"batch_size": 2})
    result = fetch_pubmed(pubmed_client(handler), ["31000003", "31000001", "31000002", "31000001"], config)
    assert [r.url.params["id"] for r in handler.requests] == ["31000003,31000001", "31000002"]
    assert [d.doc_id for d in result.documents] == ["31000003", "31000001", "31000002"]
    assert result.failures == []


def test_a_batch_that_times_out_fails_per_pmid_and_other_batches_survive(pubmed_client):
    def flaky(request: httpx.Request) -> httpx.Response:
        if "31000002" in request.url.params["id"]:
            raise httpx.ReadTimeout("timed out", request=request)
        return eutils(request)

    config = CONFIG.model_copy(update={"batch_size": 1})
    result = fetch_pubmed(pubmed_client(Recorder(flaky), attempts=2), ["31000001", "31000002", "31000003"], config)
    assert [d.doc_id for d in result.documents] == ["31000001", "31000003"]
    [failure] = result.failures
    assert failure.doc_id == "31000002" and "failed after 2 attempt" in failure.reason
    assert API_KEY not in failure.reason


def test_server_errors_then_success_are_transparent(pubmed_client, clock):
    answers = [httpx.Response(502), httpx.Response(429, headers={"Retry-After": "2"})]
    handler = Recorder(lambda r: answers.pop(0) if answers else eutils(r))
    result = fetch_pubmed(pubmed_client(handler), ["31000001"], CONFIG)
    assert [d.doc_id for d in result.documents] == ["31000001"]
    assert clock.sleeps[-1] == 2.0


def test_a_malformed_article_is_reported_and_its_neighbour_kept(pubmed_client):
    handler = Recorder(lambda r: httpx.Response(200, content=EFETCH_MISSING_TITLE))
    result = fetch_pubmed(pubmed_client(handler), ["31000003", "31000004"], CONFIG)
    assert [d.doc_id for d in result.documents] == ["31000003"]
    [failure] = result.failures
    assert failure.doc_id == "31000004" and "ArticleTitle" in failure.reason


def test_a_truncated_body_keeps_the_complete_articles():
    cut = EFETCH.index(b"</PubmedArticle>") + len(b"</PubmedArticle>") + 150
    result = parse_pubmed_xml(EFETCH[:cut], requested=["31000001", "31000002"])
    assert [d.doc_id for d in result.documents] == ["31000001"]
    [failure] = result.failures
    assert failure.doc_id == "31000002" and "malformed or truncated" in failure.reason


def test_broken_xml_inside_one_article_costs_only_that_article():
    broken = EFETCH.replace(b"<Initials>C</Initials>", b"<Initials>C</Initals>")
    result = parse_pubmed_xml(broken, requested=["31000001", "31000002"])
    assert [d.doc_id for d in result.documents] == ["31000001"]
    assert [f.doc_id for f in result.failures] == ["31000002"]


def test_garbage_body_fails_every_pmid_of_the_batch():
    result = parse_pubmed_xml(b"<html>Service Unavailable</html>", requested=["1", "2"])
    assert result.documents == [] and [f.doc_id for f in result.failures] == ["1", "2"]


def test_parsing_works_offline_when_ncbi_names_a_dtd_biopython_lacks(monkeypatch):
    import Bio.Entrez.Parser

    def no_download(url, *args, **kwargs):
        raise AssertionError(f"Biopython tried to download {url}")

    monkeypatch.setattr(Bio.Entrez.Parser, "urlopen", no_download)
    newer = EFETCH.replace(b"pubmed_250101.dtd", b"pubmed_990101.dtd")
    assert [d.doc_id for d in parse_pubmed_xml(newer).documents] == ["31000001", "31000002"]
    no_doctype = re.sub(rb"<!DOCTYPE[^>]*>", b"", EFETCH)
    assert len(parse_pubmed_xml(no_doctype).documents) == 2


def test_esearch_error_is_a_clear_error(pubmed_client):
    handler = Recorder(lambda r: httpx.Response(200, content=fixture_bytes("esearch_error.json")))
    with pytest.raises(Ech0Error, match="rejected the query 'metformin\\[zz\\]': Invalid query"):
        search_pubmed(pubmed_client(handler), "metformin[zz]", CONFIG)


def test_invalid_pmids_are_reported_without_a_request(pubmed_client):
    handler = Recorder(eutils)
    result = fetch_pubmed(pubmed_client(handler), ["PMC123", "31000001"], CONFIG)
    assert [f.doc_id for f in result.failures] == ["PMC123"]
    assert handler.requests[0].url.params["id"] == "31000001"


def test_offline_search_with_an_empty_cache_is_a_clear_error(pubmed_client):
    with pytest.raises(CacheMissError, match="esearch.fcgi.*replay or live mode") as err:
        search_pubmed(pubmed_client(None, mode="offline"), "metformin", CONFIG)
    assert API_KEY not in str(err.value)


def test_replay_then_offline_answers_from_the_cache(pubmed_client, tmp_path):
    live = Recorder(eutils)
    search_pubmed(pubmed_client(live, mode="live"), "metformin", CONFIG, max_results=3)
    other_key = CONFIG.model_copy(update={"api_key": SecretStr("another-key")})
    offline = search_pubmed(pubmed_client(None, mode="offline"), "metformin", other_key, max_results=3)
    assert [d.doc_id for d in offline.documents] == ["31000001", "31000002", "31000003"]


def test_rate_limit_follows_ncbi_terms():
    assert pubmed_source_policy(PubMedConfig()).max_requests == 3
    assert pubmed_source_policy(CONFIG).max_requests == 10
    assert pubmed_source_policy(CONFIG).period_s == 1.0


def test_esearch_beyond_ten_thousand_is_refused_with_advice(pubmed_client):
    with pytest.raises(Ech0Error, match="narrow the query"):
        search_pubmed(pubmed_client(None), "cancer", CONFIG, max_results=20_000)
