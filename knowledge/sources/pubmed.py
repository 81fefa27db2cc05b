"""PubMed through NCBI E-utilities: esearch (JSON) for PMIDs, then efetch (PubMed XML) in batches.

The XML is parsed with Biopython's `Bio.Entrez.read`, which reads the DTDs it ships instead of downloading them.
Every request goes through `knowledge.http.HttpClient` (cache, modes, rate limit, retries, circuit breaker).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from knowledge.common.errors import Ech0Error
from knowledge.corpus import Document
from knowledge.http import HttpClient
from knowledge.resilience import HttpFetchError, SourcePolicy
from knowledge.sources import FetchFailure, FetchResult

SOURCE = "pubmed"
EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
ESEARCH_MAX = 10_000  # esearch returns at most the first 10,000 PMIDs of a query
MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
# Inline markup PubMed keeps inside titles and abstracts (<i>, <sup>, MathML); Biopython returns it as text.
_INLINE_MARKUP = re.compile(r"</?(?:i|b|u|sup|sub|mml:[\w.-]+)(?:\s[^<>]*)?/?>")
_DOCTYPE = re.compile(rb'<!DOCTYPE\s+PubmedArticleSet\s+PUBLIC\s+"[^"]*"\s+"([^"]+)"\s*>')
_ARTICLE = re.compile(rb"<PubmedArticle\b[^>]*>.*?</PubmedArticle>", re.S)
_PMID = re.compile(rb"<PMID\b[^>]*>\s*(\d+)\s*</PMID>")


class PubMedConfig(BaseModel):
    """What NCBI asks every E-utilities client to send, and how large an efetch batch is."""

    tool: str = Field("ech0", description="registered tool name sent as `tool=`")
    email: str | None = Field(None, description="contact address sent as `email=`, as NCBI asks")
    api_key: SecretStr | None = Field(None, description="NCBI API key: raises the limit from 3 to 10 requests/s")
    batch_size: int = Field(200, ge=1, le=10_000, description="PMIDs per efetch request")
    base_url: str = EUTILS_URL


class SearchPage(BaseModel):
    ids: list[str]
    count: int = Field(description="total PMIDs matching the query, beyond those returned")


def pubmed_source_policy(config: PubMedConfig, failure_threshold: int = 5, cooldown_s: float = 60.0) -> SourcePolicy:
    """NCBI's published limits: 3 requests/s without an API key, 10 with one."""
    rate = 10 if config.api_key is not None else 3
    return SourcePolicy(
        name=SOURCE, max_requests=rate, period_s=1.0, failure_threshold=failure_threshold, cooldown_s=cooldown_s
    )


def _identity(config: PubMedConfig) -> dict[str, str]:
    params = {"tool": config.tool}
    if config.email:
        params["email"] = config.email
    if config.api_key is not None:
        params["api_key"] = config.api_key.get_secret_value()
    return params


def esearch(
    http: HttpClient, query: str, config: PubMedConfig, *, retmax: int = 100, retstart: int = 0, sort: str | None = None
) -> SearchPage:
    """PMIDs matching `query` (PubMed query syntax); raises `Ech0Error` if the search itself fails."""
    if retstart + retmax > ESEARCH_MAX:
        raise Ech0Error(
            f"PubMed esearch returns at most {ESEARCH_MAX} PMIDs per query (asked for {retstart}+{retmax}): "
            "narrow the query, e.g. with a date range"
        )
    params: dict[str, str | int] = {"db": "pubmed", "term": query, "retmode": "json", "retmax": retmax}
    if retstart:
        params["retstart"] = retstart
    if sort:
        params["sort"] = sort
    response = http.get(SOURCE, f"{config.base_url}/esearch.fcgi", {**params, **_identity(config)})
    try:
        result = json.loads(response.content)["esearchresult"]
        if "ERROR" in result:
            raise Ech0Error(f"PubMed esearch rejected the query {query!r}: {result['ERROR']}")
        return SearchPage(ids=[str(i) for i in result.get("idlist", [])], count=int(result.get("count", 0)))
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise Ech0Error(
            f"PubMed esearch for {query!r} returned an unreadable body from {response.url} ({exc}); "
            "retry, or refresh the cache in live mode"
        ) from None


def search_pubmed(
    http: HttpClient, query: str, config: PubMedConfig, *, max_results: int = 100, sort: str | None = None
) -> FetchResult:
    """esearch then efetch: the documents for the first `max_results` PMIDs of `query`."""
    page = esearch(http, query, config, retmax=max_results, sort=sort)
    result = fetch_pubmed(http, page.ids, config)
    result.total_found = page.count
    return result


def fetch_pubmed(http: HttpClient, pmids: Iterable[str | int], config: PubMedConfig) -> FetchResult:
    """Documents for `pmids`, fetched in batches of `config.batch_size`.

    A failed batch (after the client's retries) or an unreadable article becomes one `FetchFailure` per PMID;
    the other batches' and articles' documents are kept. Documents come back in the order asked for.
    """
    result = FetchResult(source=SOURCE)
    wanted: list[str] = []
    for raw in dict.fromkeys(str(p).strip() for p in pmids):
        if raw.isdigit():
            wanted.append(raw)
        else:
            result.failures.append(FetchFailure(doc_id=raw, reason="not a PMID (PMIDs are digits only)"))
    for start in range(0, len(wanted), config.batch_size):
        batch = wanted[start : start + config.batch_size]
        params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml", **_identity(config)}
        try:
            response = http.get(SOURCE, f"{config.base_url}/efetch.fcgi", params)
        except HttpFetchError as exc:
            result.failures.extend(FetchFailure(doc_id=pmid, reason=str(exc)) for pmid in batch)
            continue
        result.extend(parse_pubmed_xml(response.content, requested=batch))
    order = {pmid: i for i, pmid in enumerate(wanted)}
    result.documents.sort(key=lambda d: order.get(d.doc_id, len(order)))
    return result


# --- parsing ---------------------------------------------------------------------------------------------------


def parse_pubmed_xml(content: bytes, requested: Sequence[str] = ()) -> FetchResult:
    """Documents from an efetch PubmedArticleSet body; unreadable articles and missing PMIDs become failures.

    If the body as a whole does not parse (truncated, a broken article), each <PubmedArticle> is parsed on its
    own so that one bad article costs only itself.
    """
    result = FetchResult(source=SOURCE)
    whole_error: str | None = None
    try:
        records = _read(content)
        articles = list(records.get("PubmedArticle", []))
        for book in records.get("PubmedBookArticle", []):
            pmid = str(book.get("BookDocument", {}).get("PMID", "unknown"))
            result.failures.append(FetchFailure(doc_id=pmid, reason="NCBI Bookshelf record: books are not mapped"))
    except Exception as exc:  # Biopython raises expat, validation and RuntimeError types for bad bodies alike
        whole_error = f"{type(exc).__name__}: {exc}"
        articles = []
        for chunk in _ARTICLE.findall(content):
            try:
                articles.extend(_read(_as_article_set(content, chunk)).get("PubmedArticle", []))
            except Exception as chunk_exc:
                pmid = _PMID.search(chunk)
                doc_id = pmid.group(1).decode() if pmid else "unknown"
                result.failures.append(FetchFailure(doc_id=doc_id, reason=f"malformed PubmedArticle XML: {chunk_exc}"))

    for article in articles:
        try:
            result.documents.append(article_to_document(article))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            pmid = _pmid_of(article)
            result.failures.append(FetchFailure(doc_id=pmid, reason=f"article cannot be mapped: missing {exc}"))

    seen = {d.doc_id for d in result.documents} | {f.doc_id for f in result.failures}
    for pmid in requested:
        if pmid not in seen:
            reason = (
                f"efetch response was malformed or truncated and this article could not be read ({whole_error})"
                if whole_error
                else "not in the efetch response (unknown or withdrawn PMID)"
            )
            result.failures.append(FetchFailure(doc_id=pmid, reason=reason))
    return result


def article_to_document(article: dict[str, Any]) -> Document:
    """Map one Biopython-parsed PubmedArticle to a Document; raises KeyError/ValueError when it lacks essentials."""
    citation = article["MedlineCitation"]
    art = citation["Article"]
    pmid = str(citation["PMID"]).strip()
    title = _clean(str(art.get("ArticleTitle") or art.get("VernacularTitle") or ""))
    if not pmid or not title:
        raise ValueError("PMID or ArticleTitle")
    journal = art.get("Journal", {})
    pub_date = journal.get("JournalIssue", {}).get("PubDate", {})
    article_dates = [_iso(d) for d in art.get("ArticleDate", [])]
    # The electronic ArticleDate, when there is one, precedes the print date: it is first publication.
    published = next((d for d in article_dates if d), None) or _iso(pub_date)
    year = _year(pub_date) or (int(published[:4]) if published else None)
    return Document(
        source=SOURCE,
        doc_id=pmid,
        title=title,
        text=_abstract(art.get("Abstract")),
        year=year,
        authors=[a for a in (_author(x) for x in art.get("AuthorList", [])) if a],
        journal=str(journal["Title"]).strip() if journal.get("Title") else None,
        doi=_doi(art, article.get("PubmedData", {})),
        mesh_terms=[str(h["DescriptorName"]) for h in citation.get("MeshHeadingList", [])],
        published=published,
        domain="biomedicine",
        metadata={
            "journal_abbrev": str(journal.get("ISOAbbreviation", "")) or None,
            "publication_types": [str(t) for t in art.get("PublicationTypeList", [])],
        },
    )


def _read(content: bytes) -> Any:
    from Bio import Entrez

    # validate=False: NCBI adds elements with new DTD versions; unknown ones are skipped rather than fatal.
    return Entrez.read(io.BytesIO(_with_local_dtd(content)), validate=False)


def _local_dtds() -> set[str]:
    from Bio.Entrez.Parser import DataHandler

    dirs = [d for d in (DataHandler.global_dtd_dir, DataHandler.local_dtd_dir) if d and os.path.isdir(d)]
    return {name for d in dirs for name in os.listdir(d)}


def _with_local_dtd(content: bytes) -> bytes:
    """Point the DOCTYPE at a DTD Biopython ships when the one named is not on disk.

    Biopython downloads a DTD it lacks with urllib, outside this module's HTTP stack and impossible offline;
    NCBI's PubMed DTDs only add elements between versions, so the newest shipped one reads newer bodies.
    """
    local = _local_dtds()
    newest = max((n for n in local if re.fullmatch(r"pubmed_\d{6}\.dtd", n)), default=None)
    match = _DOCTYPE.search(content, 0, 4096)
    if newest is None:
        return content
    if match is None:
        if b"<PubmedArticleSet" not in content[:4096]:
            return content
        doctype = f'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" "{_dtd_url(newest)}">\n'
        start = content.find(b"<PubmedArticleSet")
        return content[:start] + doctype.encode() + content[start:]
    url = match.group(1).decode()
    if url.rsplit("/", 1)[-1] in local:
        return content
    return content[: match.start(1)] + _dtd_url(newest, url).encode() + content[match.end(1) :]


def _dtd_url(filename: str, like: str = "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd") -> str:
    return f"{like.rsplit('/', 1)[0]}/{filename}"


def _as_article_set(content: bytes, chunk: bytes) -> bytes:
    """One article wrapped in the original prolog (XML declaration and DOCTYPE), to parse it alone."""
    start = content.find(b"<PubmedArticleSet")
    prolog = content[:start] if start >= 0 else b""
    return prolog + b"<PubmedArticleSet>" + chunk + b"</PubmedArticleSet>"


def _pmid_of(article: Any) -> str:
    try:
        return str(article["MedlineCitation"]["PMID"]).strip() or "unknown"
    except (KeyError, TypeError):
        return "unknown"


def _clean(text: str) -> str:
    return " ".join(_INLINE_MARKUP.sub("", text).split())


def _abstract(abstract: Any) -> str:
    if not abstract:
        return ""
    parts = []
    for section in abstract.get("AbstractText", []):
        text = _clean(str(section))
        label = getattr(section, "attributes", {}).get("Label")
        if text:
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def _author(author: Any) -> str | None:
    """'Family Initials' (e.g. 'Smith JA'); a collective name as written."""
    if getattr(author, "attributes", {}).get("ValidYN") == "N":
        return None
    if author.get("CollectiveName"):
        return _clean(str(author["CollectiveName"]))
    family = str(author.get("LastName", "")).strip()
    given = str(author.get("Initials") or author.get("ForeName") or "").strip()
    return f"{family} {given}".strip() or None


def _doi(art: Any, pubmed_data: Any) -> str | None:
    for loc in art.get("ELocationID", []):
        if getattr(loc, "attributes", {}).get("EIdType") == "doi":
            return str(loc).strip()
    for aid in pubmed_data.get("ArticleIdList", []):
        if getattr(aid, "attributes", {}).get("IdType") == "doi":
            return str(aid).strip()
    return None


def _year(date: Any) -> int | None:
    found = re.search(r"\d{4}", str(date.get("Year") or date.get("MedlineDate") or ""))
    return int(found.group()) if found else None


def _iso(date: Any) -> str | None:
    """ISO 8601 date to the precision given ('2019-03-28', '2019-05' or '2019'); None without a year."""
    year = _year(date)
    if year is None:
        return None
    if "Year" not in date:  # a MedlineDate such as '1998 Dec-1999 Jan' has no single month
        return f"{year:04d}"
    month_text = str(date.get("Month", "")).strip().lower()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text[:3])
    if not month:
        return f"{year:04d}"
    day = str(date.get("Day", "")).strip()
    return f"{year:04d}-{month:02d}-{int(day):02d}" if day.isdigit() else f"{year:04d}-{month:02d}"
