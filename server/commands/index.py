"""`ech0 index …`: build, inspect and search the literature index."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import (
    console,
    load_parts,
    open_runtime,
    print_json,
    progress_bar,
    require_index,
    runtime,
)

app = typer.Typer(help="Build, inspect and search the literature index.", no_args_is_help=True)


@app.command("build")
def build(
    if_absent: bool = typer.Option(False, "--if-absent", help="do nothing when a complete index already exists"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="index only the first N documents"),
    rebuild: bool = typer.Option(False, "--rebuild", help="delete the embedded index first and build it anew"),
    corpus: Path | None = typer.Option(None, "--corpus", help="SciFact or BEIR JSONL corpus (default: settings)"),
    source: str | None = typer.Option(None, "--source", help="source name for the corpus's citations"),
) -> None:
    """Index a corpus (the shipped SciFact abstracts by default); re-runs skip unchanged chunks."""
    import shutil

    rt = runtime()
    settings = rt.settings
    if rebuild and settings.knowledge.index_backend == "edge" and settings.index_path.exists():
        shutil.rmtree(settings.index_path)
    if if_absent and limit is None and rt.index_is_complete(corpus_path=corpus, source=source):
        typer.echo(f"literature index at {settings.index_path} is complete; nothing to do")
        return
    load_parts(rt, "embedder")
    with progress_bar("indexing chunks") as progress:
        task = progress.add_task("index", total=None)
        report = rt.build_index(
            corpus_path=corpus,
            source=source,
            limit=limit,
            on_start=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
        )
    typer.echo(
        f"indexed {report.documents} documents: {report.chunks} chunks, {report.embedded} embedded, "
        f"{report.skipped} unchanged, in {report.seconds:.1f}s → {settings.index_path}"
    )


def _ingest_with_progress(rt, docs, label: str):
    load_parts(rt, "embedder")
    with progress_bar(label) as progress:
        task = progress.add_task("index", total=None)
        return rt.add_documents(
            docs,
            on_start=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
        )


def _report_add(result, report, as_json: bool) -> None:
    data = {
        "source": result.source,
        "found": result.total_found,
        "fetched": len(result.documents),
        "failures": [f.model_dump() for f in result.failures],
        "ingest": report.model_dump(),
    }
    if as_json:
        print_json(data)
        return
    typer.echo(
        f"{result.source}: fetched {data['fetched']} of {data['found']} documents; indexed {report.chunks} chunks "
        f"({report.embedded} embedded, {report.skipped} unchanged)"
    )
    for failure in result.failures:
        typer.echo(f"  not fetched: {failure.doc_id}: {failure.reason}")


@app.command("add")
def add(
    source: str = typer.Argument(..., help="pubmed or arxiv"),
    query: str = typer.Argument(
        ..., help="PubMed query syntax, or an arXiv search_query such as 'cat:q-bio.BM AND abs:docking'"
    ),
    max_results: int = typer.Option(100, "--max", min=1, max=10_000, help="documents to fetch at most"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Fetch abstracts from PubMed or arXiv and add them to the index (ECH0_DATA__MODE: live, replay or offline)."""
    from server.wiring import make_http_client

    rt = runtime()
    with make_http_client(rt.settings) as http:
        result = rt.fetch_documents(source, query, max_results, http)
    report = _ingest_with_progress(rt, result.documents, f"indexing {source} chunks")
    _report_add(result, report, as_json)


@app.command("add-file")
def add_file(
    path: Path = typer.Argument(..., help="JSONL, CSV or TSV file of documents"),
    source: str = typer.Option(..., "--source", help="source name recorded on the documents and their citations"),
    id_field: str = typer.Option("id", "--id-field", help="column holding the document id"),
    title_field: str = typer.Option("title", "--title-field", help="column holding the title"),
    text_field: str = typer.Option("abstract", "--text-field", help="column holding the abstract or text"),
    year_field: str | None = typer.Option(None, "--year-field", help="column holding the year"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Add documents from a file with a field mapping (e.g. a PubMed export) to the index."""
    from knowledge.sources import FetchResult
    from knowledge.sources.files import FieldMapping, load_documents

    mapping = FieldMapping(doc_id=id_field, title=title_field, text=text_field, year=year_field)
    docs = list(load_documents(path, mapping, source=source))
    rt = runtime()
    report = _ingest_with_progress(rt, docs, f"indexing {path.name}")
    _report_add(FetchResult(source=source, documents=docs, failures=[], total_found=len(docs)), report, as_json)


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Documents, chunks and per-source counts, with the embedding model and its dimension."""
    from knowledge.index.base import SearchFilters

    require_index()  # before the runtime and the model load: a missing index is said at once
    with open_runtime() as rt:
        load_parts(rt, "embedder", "index")
        index = rt.retriever.index
        sources = index.facet("source")
        data = {
            "documents": index.count(first_chunks_only=True),
            "chunks": index.count(),
            "sources": {
                name: {"documents": index.count(SearchFilters(source=[name]), first_chunks_only=True), "chunks": n}
                for name, n in sorted(sources.items())
            },
            "embedding_model": index.model,
            "dimension": index.dim,
            "backend": rt.settings.knowledge.index_backend,
            "location": str(rt.settings.index_path)
            if rt.settings.knowledge.index_backend == "edge"
            else rt.settings.knowledge.qdrant_url,
        }
    if as_json:
        print_json(data)
        return
    typer.echo(f"{data['documents']} documents, {data['chunks']} chunks at {data['location']} ({data['backend']})")
    typer.echo(f"embedding model {data['embedding_model']} ({data['dimension']}-d)")
    for name, counts in data["sources"].items():
        typer.echo(f"  {name}: {counts['documents']} documents, {counts['chunks']} chunks")


@app.command("search")
def search(
    query: str = typer.Argument(..., help="question or keywords"),
    k: int = typer.Option(5, "--k", min=1, max=50, help="documents to return"),
    mode: str | None = typer.Option(None, "--mode", help="hybrid, dense or sparse (default: settings)"),
    source: list[str] | None = typer.Option(None, "--source", help="only these sources (repeatable)"),
    journal: list[str] | None = typer.Option(None, "--journal", help="only these journals (repeatable)"),
    category: list[str] | None = typer.Option(None, "--category", help="only these arXiv categories (repeatable)"),
    domain: list[str] | None = typer.Option(None, "--domain", help="only these domains (repeatable)"),
    year_min: int | None = typer.Option(None, "--year-min", help="published in or after this year"),
    year_max: int | None = typer.Option(None, "--year-max", help="published in or before this year"),
    mmr: float | None = typer.Option(None, "--mmr", help="diversify with MMR; relevance weight in (0, 1]"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Search the literature index; only passages above the relevance threshold count as hits."""
    from knowledge.common.errors import Ech0Error

    if mode not in (None, "hybrid", "dense", "sparse"):
        raise Ech0Error(f"unknown search mode {mode!r}: use hybrid, dense or sparse")
    if mmr is not None and not 0 < mmr <= 1:
        raise Ech0Error(f"--mmr {mmr} is out of range: give a relevance weight in (0, 1], e.g. 0.7")
    require_index()
    from knowledge.retrieve import parse_filters, validate_query

    validate_query(query)  # bad input is said before the model loads
    filters = {
        name: value
        for name, value in {
            "source": source,
            "journal": journal,
            "category": category,
            "domain": domain,
            "year_min": year_min,
            "year_max": year_max,
        }.items()
        if value
    }
    parse_filters(filters or None)
    with open_runtime() as rt:
        load_parts(rt, "embedder", "index")
        result = rt.retriever.search(query, k=k, filters=filters or None, mode=mode, mmr=mmr)
    if as_json:
        print_json(result.model_dump())
        return
    if not result.passages:
        best = f" (best score {result.best_score:.2f})" if result.best_score is not None else ""
        typer.echo(f"no passage reached the relevance threshold {result.threshold:.2f}{best}")
    out = console()
    for i, p in enumerate(result.passages, 1):
        year = f" ({p.year})" if p.year else ""
        text = p.text[:240] + ("…" if len(p.text) > 240 else "")
        out.print(f"{i}. [{p.score:.3f}] {p.doc_key} — {p.title}{year}\n   {text}", markup=False)
