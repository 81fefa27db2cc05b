"""Filtered hybrid search latency (p50/p95 ms) and peak memory: EdgeIndex against qdrant-client local mode.

Both backends hold the same points and answer the same hybrid (dense + BM25, RRF-fused) query under the same
payload filter, through ECH0's adapters: `EdgeIndex` (qdrant-edge, in-process Rust engine) and
`QdrantServerIndex` over `QdrantClient(path=...)` (qdrant-client's pure-Python local mode).

SciFact has ~10k chunks, so larger sizes are synthesized: the first `--seed-chunks` real chunks are embedded
once (MiniLM dense + BM25 sparse); point i reuses real chunk i % seed, and every point past the seed gets
Gaussian noise (`--noise` per dimension) added to that chunk's dense vector, renormalised, and the BM25 vector
of another real chunk with its weights jittered by +-10%. Payloads are the real chunk's, with `source` cycling
over scifact / pubmed / arxiv and `year` over 1990-2024, so the filter keeps about 2/3 x 15/35 of the points.
Queries are the titles of the first `--queries` SciFact abstracts, embedded before any timing; only the
`index.search` call is timed, the two backends taking turns query by query.

Peak RSS of one process would mix both backends, so the memory figures come from a fresh subprocess per backend
and size (`--only ours|baseline`), which loads the prepared vectors, builds that index and runs the queries.

    python -m evals.bench.search [--sizes 10000,100000] [--baseline-queries 50] [--no-memory] [--json]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import typer

from evals.bench import print_result, script_app
from knowledge.index.base import IndexPoint, SearchFilters, SparseVector, VectorIndex, point_id

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("scifact", "pubmed", "arxiv")
FIRST_YEAR, N_YEARS = 1990, 35
FILTER = SearchFilters(source=["scifact", "pubmed"], year_min=2010)
BACKENDS = ("ours", "baseline")
LABELS = {"ours": "ours (EdgeIndex)", "baseline": "baseline (qdrant-client local)"}


@dataclass(frozen=True)
class SearchConfig:
    """One run's settings, as the command line gives them (a memory subprocess gets the same ones)."""

    sizes: tuple[int, ...]
    queries: int = 200
    baseline_queries: int = 50
    seed_chunks: int = 2000
    noise: float = 0.05
    k: int = 10
    batch: int = 1000
    warmup: int = 5
    workdir: str | None = None
    memory: bool = True


def prepare(out: Path, seed_chunks: int, n_queries: int) -> None:
    """Embed the seed chunks and the queries once; children read them back instead of loading the model."""
    from knowledge.chunking import chunk_document
    from knowledge.corpus import load_scifact
    from knowledge.data import SCIFACT_CORPUS
    from knowledge.embeddings import SentenceTransformerEmbedder
    from knowledge.ingest import chunk_payload
    from knowledge.sparse import Bm25Encoder

    texts: list[str] = []
    titles: list[str] = []
    payloads: list[dict[str, Any]] = []
    for doc in load_scifact(SCIFACT_CORPUS):
        if len(titles) < n_queries and doc.title:
            titles.append(doc.title)
        for chunk in chunk_document(doc):
            if len(texts) < seed_chunks:
                texts.append(chunk.embedding_text())
                payloads.append(chunk_payload(chunk, doc))
        if len(texts) >= seed_chunks and len(titles) >= n_queries:
            break
    embedder, bm25 = SentenceTransformerEmbedder(), Bm25Encoder()
    np.savez(out / "vectors.npz", seed=embedder.embed_documents(texts), queries=embedder.embed_documents(titles))
    meta = {
        "payloads": payloads,
        "seed_sparse": [s.model_dump() for s in bm25.embed_documents(texts)],
        "query_sparse": [bm25.embed_query(t).model_dump() for t in titles],
    }
    (out / "meta.json").write_text(json.dumps(meta))


class Data:
    """The prepared vectors, and the deterministic synthesis of point i from them."""

    def __init__(self, folder: Path, noise: float) -> None:
        arrays = np.load(folder / "vectors.npz")
        self.seed, self.queries = arrays["seed"], arrays["queries"]
        meta = json.loads((folder / "meta.json").read_text())
        self.payloads, self.noise = meta["payloads"], noise
        self.seed_sparse = [SparseVector(**s) for s in meta["seed_sparse"]]
        self.query_sparse = [SparseVector(**s) for s in meta["query_sparse"]]

    def dense(self, start: int, stop: int) -> np.ndarray:
        n_seed = len(self.seed)
        idx = np.arange(start, stop)
        vectors = self.seed[idx % n_seed].astype(np.float64)
        synthetic = idx >= n_seed
        # Seeded by the batch start, so both backends (and every subprocess) get bit-identical points.
        rng = np.random.default_rng(start)
        vectors[synthetic] += rng.normal(0.0, self.noise, size=(int(synthetic.sum()), vectors.shape[1]))
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

    def points(self, start: int, stop: int) -> list[IndexPoint]:
        n_seed = len(self.seed)
        jitter = np.random.default_rng((start, 1))  # seeded like dense(), for the same reason
        out = []
        for i, vector in zip(range(start, stop), self.dense(start, stop), strict=True):
            base, lap = i % n_seed, i // n_seed
            payload = dict(self.payloads[base], source=SOURCES[i % 3], year=FIRST_YEAR + i % N_YEARS)
            sparse = self.seed_sparse[(base + lap) % n_seed]
            if lap:
                payload.update(chunk_key=f"synthetic:{i}", doc_key=f"synthetic:{i}")
                # The BM25 vector of another real chunk (so the two vectors disagree), its weights jittered:
                # exact copies would tie in the sparse ranking, and the engines break ties differently.
                weights = np.asarray(sparse.values) * jitter.uniform(0.9, 1.1, len(sparse.values))
                sparse = SparseVector(indices=sparse.indices, values=weights.tolist())
            out.append(
                IndexPoint(id=point_id(payload["chunk_key"]), vector=vector.tolist(), sparse=sparse, payload=payload)
            )
        return out

    def mean_cos_to_seed(self, size: int) -> float | None:
        """How far the noise moves a synthetic vector from the real one it derives from (None: no synthetics)."""
        n_seed = len(self.seed)
        if size <= n_seed:
            return None
        vectors = self.dense(n_seed, min(size, n_seed + 1000))
        seeds = self.seed[np.arange(n_seed, n_seed + len(vectors)) % n_seed]
        return float(np.mean(np.sum(vectors * seeds, axis=1)))


def open_index(backend: str, folder: Path, dim: int) -> VectorIndex:
    if backend == "ours":
        from knowledge.index.edge import EdgeIndex

        return EdgeIndex(folder / "edge", dim=dim, model="bench", create=True)
    from qdrant_client import QdrantClient

    from knowledge.index.remote import QdrantServerIndex

    return QdrantServerIndex(QdrantClient(path=str(folder / "local")), "bench", dim=dim, model="bench", create=True)


class Contender:
    """One backend's index at one size: built and warmed up on creation, then timed one query at a time."""

    def __init__(self, backend: str, data: Data, size: int, config: SearchConfig, folder: Path) -> None:
        self.backend, self.k = backend, config.k
        self.index = open_index(backend, folder, data.seed.shape[1])
        started = time.perf_counter()
        for start in range(0, size, config.batch):
            self.index.upsert(data.points(start, min(size, start + config.batch)))
        self.index.optimize()  # as an index build does: qdrant-edge builds its search structures only on request
        self.build_s = time.perf_counter() - started
        if self.index.count() != size:
            raise RuntimeError(f"{backend} holds {self.index.count()} points, expected {size}")
        for dense, sparse in zip(data.queries[: config.warmup], data.query_sparse, strict=False):
            self.index.search(dense.tolist(), sparse, self.k, FILTER)
        self.latencies: list[float] = []
        self.ranked: list[list[str]] = []
        self.result: dict[str, Any] = {}  # filled by close()

    def search(self, dense: list[float], sparse: SparseVector) -> None:
        started = time.perf_counter()
        hits = self.index.search(dense, sparse, self.k, FILTER, mode="hybrid")
        self.latencies.append((time.perf_counter() - started) * 1000)
        if any(h.payload["source"] not in FILTER.source or h.payload["year"] < FILTER.year_min for h in hits):
            raise RuntimeError(f"{self.backend} returned a hit outside the filter")
        self.ranked.append([h.id for h in hits])

    def close(self) -> None:
        self.index.close()
        p50, p95 = np.percentile(self.latencies, [50, 95])
        self.result = {
            "build_s": round(self.build_s, 2),
            "queries": len(self.latencies),
            "p50_ms": round(float(p50), 3),
            "p95_ms": round(float(p95), 3),
            "mean_ms": round(statistics.fmean(self.latencies), 3),
        }


def measure(backends: tuple[str, ...], data: Data, size: int, config: SearchConfig) -> dict[str, Contender]:
    """Build each backend's index, then time the queries on them in turn."""
    limits = {"ours": config.queries, "baseline": min(config.queries, config.baseline_queries)}
    with tempfile.TemporaryDirectory(prefix="ech0-bench-search-", dir=config.workdir) as tmp:
        sides = {b: Contender(b, data, size, config, Path(tmp) / b) for b in backends}
        for i, (dense, sparse) in enumerate(zip(data.queries, data.query_sparse, strict=True)):
            # Alternate which backend goes first, so load from other processes falls on both alike.
            for b in backends if i % 2 == 0 else backends[::-1]:
                if i < limits[b]:
                    sides[b].search(dense.tolist(), sparse)
        for side in sides.values():
            side.close()
    return sides


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM where there is one, as on Linux a child's ru_maxrss starts at its parent's."""
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    kib = next((int(line.split()[1]) for line in lines if line.startswith("VmHWM:")), None)
    return round((kib or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1)  # ru_maxrss: KiB on Linux


def child(config: SearchConfig, folder: Path, backend: str) -> dict[str, Any]:
    """One backend at the one size, in this fresh process: its figures and peak RSS."""
    data = Data(folder, config.noise)
    loaded = peak_rss_mb()
    size = config.sizes[0]
    result = measure((backend,), data, size, config)[backend].result
    return {"backend": backend, "size": size, "data_rss_mb": loaded, "peak_rss_mb": peak_rss_mb(), **result}


def memory_run(config: SearchConfig, folder: Path, backend: str, size: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "evals.bench.search", "--only", backend, "--data", str(folder), "--sizes", str(size)]
    for name in ("queries", "baseline_queries", "k", "batch", "warmup", "noise", "workdir"):
        if getattr(config, name) is not None:
            cmd += [f"--{name.replace('_', '-')}", str(getattr(config, name))]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"memory run {backend} at {size} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def overlap(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean share of the baseline's top-k that ours also returns: both must be answering the same query."""
    shares = [len(set(x) & set(y)) / len(y) for x, y in zip(a, b, strict=False) if y]
    return round(statistics.fmean(shares), 3) if shares else 0.0


def bench(config: SearchConfig, folder: Path) -> dict[str, Any]:
    data = Data(folder, config.noise)
    results, memory = [], []
    for size in config.sizes:
        sides = measure(BACKENDS, data, size, config)
        ours, base = sides["ours"].result, sides["baseline"].result
        cos = data.mean_cos_to_seed(size)
        row = {
            "size": size,
            "top_k_overlap": overlap(sides["ours"].ranked, sides["baseline"].ranked),
            "synthetic": max(size - len(data.seed), 0),
            "mean_cos_to_seed": None if cos is None else round(cos, 3),
            "ours": ours,
            "baseline": base,
            "ratio_p50": round(base["p50_ms"] / ours["p50_ms"], 3),
            "ratio_p95": round(base["p95_ms"] / ours["p95_ms"], 3),
        }
        results.append(row)
        if config.memory:
            memory.append({"size": size, **{b: memory_run(config, folder, b, size) for b in BACKENDS}})
    return {
        "benchmark": "search",
        "cpu_count": os.cpu_count(),
        "seed_chunks": len(data.seed),
        "noise_sigma": config.noise,
        "k": config.k,
        "workdir": config.workdir or tempfile.gettempdir(),
        "filter": FILTER.model_dump(exclude_none=True),
        "queries": config.queries,
        "baseline_queries": min(config.queries, config.baseline_queries),
        "results": results,
        "memory": memory,
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        f"filtered hybrid search, k={result['k']}, filter {result['filter']}; {result['cpu_count']} CPUs; "
        f"indexes under {result['workdir']}",
        f"points: {result['seed_chunks']} real SciFact chunks; the rest synthesized from them (dense + N(0, "
        f"{result['noise_sigma']}) per dim, renormalised; BM25 of another chunk, jittered; source/year cycled)",
        f"queries: SciFact titles, {result['queries']} for ours, the first {result['baseline_queries']} for the "
        "baseline (--baseline-queries); only index.search is timed",
        f"{'size':>8}  {'backend':<32}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}{'peak RSS MB':>13}",
    ]
    rss = {m["size"]: m for m in result["memory"]}
    for row in result["results"]:
        for backend in BACKENDS:
            r, mem = row[backend], rss.get(row["size"], {}).get(backend)
            peak = f"{mem['peak_rss_mb']:>13.0f}" if mem else f"{'-':>13}"
            figures = f"{r['build_s']:>9.1f}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{peak}"
            lines.append(f"{row['size']:>8}  {LABELS[backend]:<32}{figures}")
        lines.append(
            f"{'':>8}  baseline/ours: p50 {row['ratio_p50']:.1f}x, p95 {row['ratio_p95']:.1f}x; "
            f"top-{result['k']} overlap {row['top_k_overlap']:.2f}; {row['synthetic']} synthetic points"
            + (f", mean cos to their seed {row['mean_cos_to_seed']:.2f}" if row["synthetic"] else "")
        )
    if result["memory"]:
        lines.append("peak RSS: one fresh process per backend and size (prepared vectors + build + queries)")
    return "\n".join(lines)


def parse_sizes(value: str) -> tuple[int, ...]:
    sizes = [s.strip() for s in value.split(",") if s.strip()]
    if not sizes or not all(s.isdigit() and int(s) > 0 for s in sizes):
        raise typer.BadParameter(f"must be comma-separated positive integers, not {value!r}", param_hint="--sizes")
    return tuple(int(s) for s in sizes)


def default_workdir() -> str | None:
    # tmpfs by default: local mode commits each point to sqlite, and the setup should not be an fsync benchmark.
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    sizes: str = typer.Option("10000,100000", "--sizes", help="comma-separated index sizes, in chunks"),
    queries: int = typer.Option(200, "--queries", min=1, help="queries timed on ours (SciFact titles)"),
    baseline_queries: int = typer.Option(50, "--baseline-queries", min=1, help="cap for the slower baseline"),
    seed_chunks: int = typer.Option(2000, "--seed-chunks", min=1, help="real chunks embedded to seed the synthesis"),
    noise: float = typer.Option(0.05, "--noise", help="per-dimension sigma of the synthetic noise"),
    k: int = typer.Option(10, "--k", min=1, help="hits per query"),
    batch: int = typer.Option(1000, "--batch", min=1, help="points per upsert"),
    warmup: int = typer.Option(5, "--warmup", min=0, help="untimed queries run first on each index"),
    workdir: str | None = typer.Option(None, "--workdir", help="where the indexes go (default /dev/shm, if writable)"),
    no_memory: bool = typer.Option(False, "--no-memory", help="skip the per-backend RSS runs"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object instead of the table"),
    only: str | None = typer.Option(None, "--only", hidden=True),  # one backend, in the memory subprocess
    data: Path | None = typer.Option(None, "--data", hidden=True),  # prepared vectors, for --only
) -> None:
    config = SearchConfig(
        sizes=parse_sizes(sizes),
        queries=queries,
        baseline_queries=baseline_queries,
        seed_chunks=seed_chunks,
        noise=noise,
        k=k,
        batch=batch,
        warmup=warmup,
        workdir=workdir or default_workdir(),
        memory=not no_memory,
    )
    if only is not None and (only not in BACKENDS or data is None or len(config.sizes) != 1):
        raise typer.BadParameter("must be ours or baseline, with --data and exactly one size", param_hint="--only")
    # qdrant-client's local-mode advisories (payload indexes ignored, >20k points) are known, not results.
    warnings.filterwarnings("ignore", message="(Payload indexes have no effect|Local mode is not recommended)")
    if only:
        typer.echo(json.dumps(child(config, data, only)))
        return
    with tempfile.TemporaryDirectory(prefix="ech0-bench-search-") as tmp:
        prepare(Path(tmp), config.seed_chunks, config.queries)
        result = bench(config, Path(tmp))
    print_result(result, as_json, render)


if __name__ == "__main__":
    app()
