"""arXiv through its API (an Atom feed from export.arxiv.org/api/query), parsed with feedparser.

The `arxiv` package (4.x) parses feeds only in a private module and drops malformed entries silently, so
this module uses feedparser directly and reports such entries. Requests go through `knowledge.http.HttpClient`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.corpus import Document
from knowledge.http import HttpClient
from knowledge.resilience import HttpFetchError, SourcePolicy
from knowledge.sources import FetchFailure, FetchResult

SOURCE = "arxiv"
API_URL = "https://export.arxiv.org/api/query"
_ABS_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?P<version>v\d+)?$")
_BIOMEDICINE = ("q-bio", "physics.bio-ph")
_ML = ("cs.LG", "stat.ML", "cs.AI")
_CHEMISTRY = ("physics.chem-ph", "cond-mat")


class ArxivConfig(BaseModel):
    base_url: str = API_URL
    page_size: int = Field(100, ge=1, le=2000, description="entries per request (the API allows up to 2000)")


class ArxivPage(BaseModel):
    """One parsed feed page: its documents and per-entry failures, and what the feed says about paging."""

    result: FetchResult
    total: int | None = None
    entries: int = Field(0, description="entries on the page, malformed ones included")
    error: str | None = Field(None, description="why the page as a whole is unusable (API error, not a feed)")
    malformed: str | None = Field(None, description="why the feed is broken although some entries were read")


def arxiv_source_policy(failure_threshold: int = 5, cooldown_s: float = 60.0) -> SourcePolicy:
    """arXiv's API terms: no more than one request every three seconds."""
    return SourcePolicy(
        name=SOURCE, max_requests=1, period_s=3.0, failure_threshold=failure_threshold, cooldown_s=cooldown_s
    )


def arxiv_domain(category: str | None) -> str | None:
    """Broad field of a primary category: biomedicine, ml, chemistry, else its archive ('math', 'hep-th')."""
    if not category:
        return None
    if category.startswith(_BIOMEDICINE):
        return "biomedicine"
    if category in _ML:
        return "ml"
    if category.startswith(_CHEMISTRY):
        return "chemistry"
    return category.split(".", 1)[0]


def search_arxiv(
    http: HttpClient,
    query: str,
    config: ArxivConfig | None = None,
    *,
    start: int = 0,
    max_results: int = 100,
    sort_by: str | None = None,
    sort_order: str | None = None,
) -> FetchResult:
    """Documents for an arXiv `search_query` (e.g. 'cat:q-bio.BM AND abs:docking'), paged by `config.page_size`.

    A failure of the first page raises `Ech0Error` (nothing was fetched); a later page's failure is reported as
    a `FetchFailure` named 'start=N' and keeps the pages before it.
    """
    config = config or ArxivConfig()
    params: dict[str, str] = {"search_query": query}
    if sort_by:
        params["sortBy"] = sort_by
    if sort_order:
        params["sortOrder"] = sort_order
    result = FetchResult(source=SOURCE)
    offset, end = start, start + max_results
    while offset < end:
        where = f"start={offset}"
        try:
            response = http.get(
                SOURCE, config.base_url, {**params, "start": offset, "max_results": min(config.page_size, end - offset)}
            )
            page = parse_arxiv_feed(response.content)
            if page.error:
                raise Ech0Error(f"arXiv query {query!r} at {where}: {page.error}")
        except Ech0Error as exc:
            if offset == start:
                raise
            result.failures.append(FetchFailure(doc_id=where, reason=str(exc)))
            break
        result.extend(page.result)
        result.total_found = page.total
        if page.malformed:
            result.failures.append(FetchFailure(doc_id=where, reason=page.malformed))
        if page.entries == 0:
            if page.total is not None and offset < page.total:
                reason = f"arXiv returned an empty page before its reported total of {page.total}; retry later"
                result.failures.append(FetchFailure(doc_id=where, reason=reason))
            break
        offset += page.entries
        if page.total is not None and offset >= page.total:
            break
    return result


def fetch_arxiv(http: HttpClient, ids: Iterable[str], config: ArxivConfig | None = None) -> FetchResult:
    """Documents for arXiv ids ('2101.00001', '2101.00001v2', 'hep-th/9901001'), `config.page_size` per request.

    A failed request or a missing entry becomes one `FetchFailure` per id; the other documents are kept.
    """
    config = config or ArxivConfig()
    result = FetchResult(source=SOURCE)
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    for first in range(0, len(wanted), config.page_size):
        batch = wanted[first : first + config.page_size]
        params = {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}
        try:
            page = parse_arxiv_feed(http.get(SOURCE, config.base_url, params).content)
        except HttpFetchError as exc:
            result.failures.extend(FetchFailure(doc_id=i, reason=str(exc)) for i in batch)
            continue
        if page.error:
            result.failures.extend(FetchFailure(doc_id=i, reason=page.error) for i in batch)
            continue
        result.extend(page.result)
        seen = {d.doc_id for d in page.result.documents} | {f.doc_id for f in page.result.failures}
        for requested in batch:
            if _strip_version(requested) not in seen:
                result.failures.append(FetchFailure(doc_id=requested, reason="not in the arXiv response"))
    return result


def parse_arxiv_feed(content: bytes) -> ArxivPage:
    """Parse an API response; malformed entries and a truncated feed are reported, never fatal."""
    import feedparser

    feed = feedparser.parse(content)  # bytes are parsed as they are: feedparser fetches only URLs
    result = FetchResult(source=SOURCE)
    benign = isinstance(feed.get("bozo_exception"), feedparser.CharacterEncodingOverride)
    malformed = bool(feed.bozo) and not benign
    if not feed.entries and (malformed or not feed.get("version", "").startswith("atom")):
        reason = feed.get("bozo_exception") or "no Atom feed"
        return ArxivPage(result=result, error=f"the response is not a readable arXiv Atom feed ({reason})")
    problem = f"the feed is malformed or truncated ({feed.bozo_exception})" if malformed else None
    # feedparser's lenient fallback also returns an entry cut off mid-way: only closed entries are trusted.
    complete = content.count(b"</entry>") if malformed else len(feed.entries)
    for position, entry in enumerate(feed.entries):
        entry_id = entry.get("id", "")
        if "/api/errors" in entry_id:  # the API reports a bad query as a single entry titled 'Error'
            return ArxivPage(result=result, error=f"arXiv API error: {_text(entry.get('summary', entry_id))}")
        doc_id = _doc_id(entry_id) if _ABS_ID.search(entry_id) else f"entry #{position + 1}"
        if position >= complete:
            result.failures.append(FetchFailure(doc_id=doc_id, reason=f"entry cut off: {problem}"))
            continue
        try:
            result.documents.append(entry_to_document(entry))
        except (KeyError, ValueError, TypeError) as exc:
            result.failures.append(FetchFailure(doc_id=doc_id, reason=f"malformed arXiv entry: {exc}"))
    total = feed.feed.get("opensearch_totalresults")
    return ArxivPage(result=result, total=int(total) if total else None, entries=len(feed.entries), malformed=problem)


def entry_to_document(entry: Any) -> Document:
    """Map one feedparser entry to a Document; raises KeyError/ValueError when it lacks essentials."""
    entry_id = entry.get("id") or ""
    match = _ABS_ID.search(entry_id)
    if not match:
        raise ValueError(f"id {entry_id!r} is not an arXiv abstract URL")
    title, summary = _text(entry.get("title", "")), _text(entry.get("summary", ""))
    if not title or not summary:
        raise ValueError("no title" if not title else "no summary")
    published = _iso_date(entry.get("published_parsed"))
    if published is None:
        raise ValueError("no published date")
    primary = (entry.get("arxiv_primary_category") or {}).get("term")
    tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
    categories = list(dict.fromkeys([primary, *tags] if primary else tags))
    pdf = next((link.get("href") for link in entry.get("links", []) if link.get("title") == "pdf"), None)
    return Document(
        source=SOURCE,
        doc_id=match.group("id"),
        title=title,
        text=summary,
        year=int(published[:4]),
        authors=[_text(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")],
        doi=entry.get("arxiv_doi") or None,
        categories=categories,
        published=published,
        updated=_iso_date(entry.get("updated_parsed")) or published,
        domain=arxiv_domain(categories[0] if categories else None),
        metadata={
            "version": match.group("version"),
            "abs_url": entry_id,
            "pdf_url": pdf,
            "journal_ref": entry.get("arxiv_journal_ref"),
            "comment": entry.get("arxiv_comment"),
        },
    )


def _text(value: str) -> str:
    return " ".join(str(value).split())


def _iso_date(parsed: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _doc_id(entry_id: str) -> str:
    match = _ABS_ID.search(entry_id)
    return match.group("id") if match else entry_id


def _strip_version(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)
