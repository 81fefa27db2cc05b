"""arXiv API over httpx.MockTransport: entry mapping, domains, paging, malformed entries and feeds, rate limit."""

from __future__ import annotations

import httpx
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.sources.arxiv import (
    ArxivConfig,
    arxiv_domain,
    arxiv_source_policy,
    fetch_arxiv,
    parse_arxiv_feed,
    search_arxiv,
)

from .conftest import Recorder, fixture_bytes

PAGE1 = fixture_bytes("arxiv_page1.xml")
PAGE2 = fixture_bytes("arxiv_page2.xml")
PAGES = {"0": PAGE1, "2": PAGE2}
SMALL_PAGES = ArxivConfig(page_size=2)


def by_start(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, content=PAGES[request.url.params["start"]], headers={"content-type": "application/atom+xml"}
    )


@pytest.fixture
def arxiv_client(make_client):
    def make(handler, **kwargs):
        return make_client(handler, sources=[arxiv_source_policy()], **kwargs)

    return make


def test_every_field_is_mapped():
    page = parse_arxiv_feed(PAGE1)
    assert (page.total, page.entries, page.error, page.malformed) == (4, 2, None, None)
    first, second = page.result.documents
    assert first.key == "arxiv:2401.01234"
    assert first.title == "Graph neural networks predict metformin response from gene expression"
    assert first.text == (
        "We train a graph neural network on transcriptomes of patients treated with metformin. "
        "It predicts glycaemic response with an AUC of 0.81."
    )
    assert first.authors == ["Ada Lovelace", "Alan Turing"]
    assert first.categories == ["q-bio.QM", "cs.LG"]
    assert (first.published, first.updated, first.year) == ("2024-01-05", "2024-03-02", 2024)
    assert first.doi == "10.1093/bioinformatics/btae101"
    assert first.domain == "biomedicine"
    assert first.metadata["version"] == "v2"
    assert first.metadata["journal_ref"] == "Bioinformatics 40 (2024) btae101"
    assert first.metadata["pdf_url"] == "https://arxiv.org/pdf/2401.01234v2"
    # primary category first even when listed second among the <category> elements
    assert second.categories == ["cs.LG", "physics.chem-ph"] and second.domain == "ml"
    assert second.doi is None and second.updated == "2024-02-09"


@pytest.mark.parametrize(
    ("category", "domain"),
    [
        ("q-bio.BM", "biomedicine"),
        ("physics.bio-ph", "biomedicine"),
        ("cs.LG", "ml"),
        ("stat.ML", "ml"),
        ("cs.AI", "ml"),
        ("physics.chem-ph", "chemistry"),
        ("cond-mat.soft", "chemistry"),
        ("cs.CL", "cs"),
        ("hep-th", "hep-th"),
        ("math.OC", "math"),
        (None, None),
    ],
)
def test_domain_from_primary_category(category, domain):
    assert arxiv_domain(category) == domain


def test_search_pages_until_the_reported_total(arxiv_client):
    handler = Recorder(by_start)
    result = search_arxiv(arxiv_client(handler), "all:metformin", SMALL_PAGES, max_results=10, sort_by="relevance")
    assert [(r.url.params["start"], r.url.params["max_results"]) for r in handler.requests] == [("0", "2"), ("2", "2")]
    assert handler.requests[0].url.params["search_query"] == "all:metformin"
    assert handler.requests[0].url.params["sortBy"] == "relevance"
    assert [d.doc_id for d in result.documents] == ["2401.01234", "2402.05678", "cond-mat/0102536"]
    assert result.total_found == 4
    [failure] = result.failures  # the entry without summary or dates
    assert failure.doc_id == "2403.09999" and "malformed arXiv entry" in failure.reason


def test_search_stops_at_max_results(arxiv_client):
    handler = Recorder(by_start)
    result = search_arxiv(arxiv_client(handler), "all:metformin", SMALL_PAGES, max_results=2)
    assert len(handler.requests) == 1 and len(result.documents) == 2


def test_requests_are_spaced_by_arxiv_terms(arxiv_client, clock):
    handler = Recorder(by_start, clock=clock)
    search_arxiv(arxiv_client(handler, mode="live"), "all:metformin", SMALL_PAGES, max_results=4)
    assert handler.times[0] == 0.0 and handler.times[1] >= 3.0


def test_a_later_page_failure_is_reported_and_earlier_pages_kept(arxiv_client):
    def second_page_down(request: httpx.Request) -> httpx.Response:
        return by_start(request) if request.url.params["start"] == "0" else httpx.Response(503)

    result = search_arxiv(arxiv_client(Recorder(second_page_down), attempts=2), "all:metformin", SMALL_PAGES)
    assert [d.doc_id for d in result.documents] == ["2401.01234", "2402.05678"]
    [failure] = result.failures
    assert failure.doc_id == "start=2" and "HTTP 503" in failure.reason


def test_an_api_error_on_the_first_page_is_a_clear_error(arxiv_client):
    handler = Recorder(lambda r: httpx.Response(200, content=fixture_bytes("arxiv_error.xml")))
    with pytest.raises(Ech0Error, match="incorrect id format for 1234.12345"):
        search_arxiv(arxiv_client(handler), "id:1234.12345")


def test_a_truncated_feed_keeps_complete_entries_and_reports_the_cut_one(arxiv_client):
    cut = PAGE1[: PAGE1.index(b"contrastively")]
    handler = Recorder(lambda r: httpx.Response(200, content=cut))
    result = search_arxiv(arxiv_client(handler), "all:metformin", SMALL_PAGES, max_results=2)
    assert [d.doc_id for d in result.documents] == ["2401.01234"]
    reasons = {f.doc_id: f.reason for f in result.failures}
    assert "entry cut off" in reasons["2402.05678"]
    assert "malformed or truncated" in reasons["start=0"]


def test_a_body_that_is_not_a_feed_is_reported():
    page = parse_arxiv_feed(b"<html><body>Rate exceeded.</body></html>")
    assert page.result.documents == [] and "not a readable arXiv Atom feed" in page.error


def test_fetch_by_ids_strips_versions_and_reports_missing_ids(arxiv_client):
    handler = Recorder(lambda r: httpx.Response(200, content=PAGE1))
    result = fetch_arxiv(arxiv_client(handler), ["2401.01234v2", "2402.05678", "2499.99999"])
    assert handler.requests[0].url.params["id_list"] == "2401.01234v2,2402.05678,2499.99999"
    assert [d.doc_id for d in result.documents] == ["2401.01234", "2402.05678"]
    assert [(f.doc_id, f.reason) for f in result.failures] == [("2499.99999", "not in the arXiv response")]


def test_fetch_by_ids_reports_a_failed_request_per_id(arxiv_client):
    handler = Recorder(lambda r: httpx.Response(500))
    result = fetch_arxiv(arxiv_client(handler, attempts=1), ["2401.01234", "hep-th/9901001"])
    assert [f.doc_id for f in result.failures] == ["2401.01234", "hep-th/9901001"]
    assert result.documents == []


def test_offline_replays_a_recorded_search(arxiv_client):
    search_arxiv(arxiv_client(Recorder(by_start), mode="live"), "all:metformin", SMALL_PAGES, max_results=4)
    replayed = search_arxiv(arxiv_client(None, mode="offline"), "all:metformin", SMALL_PAGES, max_results=4)
    assert [d.doc_id for d in replayed.documents] == ["2401.01234", "2402.05678", "cond-mat/0102536"]
