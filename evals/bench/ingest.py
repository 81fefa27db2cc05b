"""Ingest throughput, in SciFact abstracts per second: ECH0's `ingest` against a naive baseline.

Ours: `knowledge.ingest.ingest` into an `EdgeIndex` (qdrant-edge) with BM25 sparse vectors, i.e. hybrid
points, embedded in cross-document batches. Baseline: `SentenceTransformer.encode` of each document's chunks
on its own, then one qdrant-client local-mode (`QdrantClient(path=...)`) upsert per document, dense only.
Both use the same model files, the same chunks and the same payloads; model loading is not timed.

The two sides take turns on consecutive slices of whole documents (at most `--batch-size` chunks each, so ours
embeds one full batch per slice, as a single `ingest` call would), alternating which goes first: anything else
running on the machine then slows both sides alike instead of whichever happened to run second.

    python -m evals.bench.ingest [--docs 500|all] [--quantize] [--json]
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import typer

from evals.bench import print_result, script_app
from knowledge.chunking import chunk_document
from knowledge.corpus import Document, load_scifact
from knowledge.data import SCIFACT_CORPUS
from knowledge.embeddings import SHIPPED_MINILM, SentenceTransformerEmbedder, resolve_model_path
from knowledge.index.base import point_id
from knowledge.index.edge import EdgeIndex
from knowledge.ingest import chunk_payload, ingest
from knowledge.sparse import Bm25Encoder


class Side(ABC):
    """One contender: set up untimed, then `step` over slices while the wall and CPU time are summed."""

    def __init__(self) -> None:
        self.seconds = self.cpu_s = 0.0
        self.chunks = 0

    def timed(self, docs: list[Document]) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        self.chunks += self.step(docs)
        self.seconds += time.perf_counter() - started
        self.cpu_s += time.process_time() - cpu

    @abstractmethod
    def step(self, docs: list[Document]) -> int:
        """Ingest `docs`; the chunks stored."""

    @abstractmethod
    def stored(self) -> int:
        """Points in the side's index."""


class Ours(Side):
    def __init__(self, workdir: Path, quantize: bool, batch_size: int) -> None:
        super().__init__()
        self.embedder = SentenceTransformerEmbedder(quantize=True) if quantize else SentenceTransformerEmbedder()
        self.embedder.embed_query("warm-up")  # load the weights and start torch's threads outside the timing
        self.sparse = Bm25Encoder()
        model_id = getattr(self.embedder, "model_id", self.embedder.model_name)
        self.index = EdgeIndex(workdir / "edge", dim=self.embedder.dim, model=model_id, create=True)
        self.batch_size = batch_size

    def step(self, docs: list[Document]) -> int:
        return ingest(docs, self.embedder, self.index, sparse=self.sparse, batch_size=self.batch_size).embedded

    def stored(self) -> int:
        count = self.index.count()
        self.index.close()
        return count


class Baseline(Side):
    def __init__(self, workdir: Path) -> None:
        super().__init__()
        from qdrant_client import QdrantClient, models
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.models = models
        self.model = SentenceTransformer(resolve_model_path(SHIPPED_MINILM), device="cpu")
        self.model.encode(["warm-up"])
        self.client = QdrantClient(path=str(workdir / "local"))
        dim = int(self.model.get_embedding_dimension())
        self.client.create_collection(
            "bench", vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE)
        )
        self.encode_s = self.upsert_s = 0.0

    def step(self, docs: list[Document]) -> int:
        done = 0
        for doc in docs:
            # The naive loop: chunk, embed and upsert one document at a time.
            chunks = chunk_document(doc)
            t0 = time.perf_counter()
            vectors = self.model.encode([c.embedding_text() for c in chunks], normalize_embeddings=True)
            t1 = time.perf_counter()
            points = [
                self.models.PointStruct(id=point_id(c.key), vector=v.tolist(), payload=chunk_payload(c, doc))
                for c, v in zip(chunks, vectors, strict=True)
            ]
            self.client.upsert("bench", points=points, wait=True)
            self.encode_s += t1 - t0
            self.upsert_s += time.perf_counter() - t1
            done += len(chunks)
        return done

    def stored(self) -> int:
        count = self.client.count("bench", exact=True).count
        self.client.close()
        return count


def slices(docs: list[Document], max_chunks: int) -> list[list[Document]]:
    """Consecutive runs of whole documents holding at most `max_chunks` chunks (a longer document stands alone)."""
    out: list[list[Document]] = [[]]
    size = 0
    for doc in docs:
        n = len(chunk_document(doc))
        if out[-1] and size + n > max_chunks:
            out.append([])
            size = 0
        out[-1].append(doc)
        size += n
    return [s for s in out if s]


def _significant(value: float, digits: int = 3) -> float:
    # Rates keep three significant digits, not two decimals: on a slow machine 0.0041 docs/s stays 0.0041 (not
    # 0.0), so each figure is positive and the ratios below, computed from the reported figures, stay defined.
    return float(f"{value:.{digits}g}")


def _rates(side: Side, docs: int, full_docs: int) -> dict[str, float]:
    seconds = max(side.seconds, 1e-9)
    return {
        "seconds": round(seconds, 3),
        # CPU seconds per wall second: torch runs up to one thread per core, so this shows how busy each side
        # kept the machine (small per-document batches keep fewer threads busy).
        "cpu_per_wall": round(side.cpu_s / seconds, 2),
        "docs_per_s": _significant(docs / seconds),
        "chunks_per_s": _significant(side.chunks / seconds),
        # Neither side does per-point work that grows with the index, so the time scales linearly.
        "full_corpus_s": round(full_docs * seconds / docs, 1),
    }


def bench(n_docs: int | None, quantize: bool = False, batch_size: int = 256) -> dict[str, Any]:
    all_docs = list(load_scifact(SCIFACT_CORPUS))
    docs = all_docs if n_docs is None else all_docs[:n_docs]
    parts = slices(docs, batch_size)
    with tempfile.TemporaryDirectory(prefix="ech0-bench-ingest-") as tmp:
        ours, baseline = Ours(Path(tmp), quantize, batch_size), Baseline(Path(tmp))
        for i, part in enumerate(parts):
            for side in (ours, baseline) if i % 2 == 0 else (baseline, ours):
                side.timed(part)
        for name, side in (("ours", ours), ("baseline", baseline)):
            if side.stored() != side.chunks:
                raise RuntimeError(f"{name} stored a different number of points than the {side.chunks} it embedded")
    if ours.chunks != baseline.chunks:
        raise RuntimeError(f"the two sides chunked differently: {ours.chunks} vs {baseline.chunks}")
    import torch

    ours_rates = _rates(ours, len(docs), len(all_docs))
    base_rates = {
        **_rates(baseline, len(docs), len(all_docs)),
        "encode_s": round(baseline.encode_s, 3),
        "upsert_s": round(baseline.upsert_s, 3),
    }
    return {
        "benchmark": "ingest",
        "docs": len(docs),
        "chunks": ours.chunks,
        "full_corpus_docs": len(all_docs),
        "slices": len(parts),
        "quantize": quantize,
        "batch_size": batch_size,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "ours": ours_rates,
        "baseline": base_rates,
        "ratio_docs_per_s": round(ours_rates["docs_per_s"] / base_rates["docs_per_s"], 3),
        "ratio_chunks_per_s": round(ours_rates["chunks_per_s"] / base_rates["chunks_per_s"], 3),
    }


def render(result: dict[str, Any]) -> str:
    head = (
        f"ingest: {result['docs']} SciFact abstracts, {result['chunks']} chunks, in {result['slices']} alternating "
        f"slices; {result['cpu_count']} CPUs, torch threads {result['torch_threads']}"
        f"{'; ours int8-quantized' if result['quantize'] else ''}"
    )
    rows = [f"{'':<48}{'seconds':>9}{'abstracts/s':>13}{'chunks/s':>10}{'full corpus':>13}{'CPU/wall':>10}"]
    labels = {
        "ours": "ours (edge, hybrid, batched)",
        "baseline": "baseline (per-doc encode, local qdrant, dense)",
    }
    for key, label in labels.items():
        r = result[key]
        rows.append(
            f"{label:<48}{r['seconds']:>9.2f}{r['docs_per_s']:>13.1f}{r['chunks_per_s']:>10.1f}"
            f"{r['full_corpus_s']:>12.0f}s{r['cpu_per_wall']:>10.2f}"
        )
    base = result["baseline"]
    tail = [
        f"baseline split: encode {base['encode_s']:.2f}s, local-mode upserts {base['upsert_s']:.2f}s "
        "(qdrant-client commits each point to its sqlite file)",
        f"ours/baseline throughput: {result['ratio_docs_per_s']:.2f}x "
        f"(full corpus = {result['full_corpus_docs']} abstracts, extrapolated linearly; model loading not timed)",
    ]
    return "\n".join([head, *rows, *tail])


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    docs: str = typer.Option("500", "--docs", help="number of abstracts from the start of SciFact, or 'all'"),
    batch_size: int = typer.Option(256, "--batch-size", min=1, help="chunks per ingest batch (ours)"),
    quantize: bool = typer.Option(False, "--quantize", help="load our embedder with int8 dynamic quantization"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object instead of the table"),
) -> None:
    if docs != "all" and not (docs.isdigit() and int(docs) > 0):
        raise typer.BadParameter(f"must be a positive integer or 'all', not {docs!r}", param_hint="--docs")
    # Known advisories, not results: torch's quantized-tensor deprecation, qdrant-client's local-mode notes.
    warnings.filterwarnings("ignore", message="(torch.quantize_per_tensor|Local mode is not recommended)")
    result = bench(None if docs == "all" else int(docs), quantize, batch_size)
    print_result(result, as_json, render)


if __name__ == "__main__":
    app()
