"""The training-data factory: compounds → chunks over a process pool (or Ray) → part files → deduplicated, split
HF-style data set with a card. Deterministic for a seed; resumable; nothing looks complete until it is.

Layout of `out_dir`: `{train,validation,test}.{jsonl,parquet}`, `README.md` (card), `dataset_info.json` (the
GenerationReport plus the run's fingerprint, written last: its presence means complete). While a run is under
way, finished chunks live in `.parts/`; a rerun with the same fingerprint reuses them.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Literal

from finetune.dataset.atomic import atomic_write_text, ensure_writable_dir
from finetune.dataset.card import render_card
from finetune.dataset.paraphrase import Paraphraser, RuleParaphraser
from finetune.dataset.schema import SPLITS, GenerationReport
from finetune.dataset.sources import SourceCompound, load_csv, select_compounds
from finetune.dataset.worker import ChunkJob, ChunkOutput, Recipe, read_part, run_chunk, write_part
from finetune.dataset.writer import DatasetWriter
from finetune.quality.dedup import NearDuplicateFilter
from finetune.tasks.templates import list_tasks
from knowledge.common.errors import Ech0Error

FACTORY_VERSION = "2"  # 2: typed Parquet layout with HF features; a folder written by 1 is regenerated
CHUNK_SIZE = 16  # compounds per task: fixed (never derived from the worker count) so output is the same for any pool
INFO_FILE = "dataset_info.json"
Executor = Literal["local", "ray"]


def default_workers() -> int:
    from labs.featurize import default_workers as cores

    return cores()


def _fingerprint(compounds: list[SourceCompound], seed: int, recipe: Recipe, paraphraser: Paraphraser) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([FACTORY_VERSION, seed, recipe.key(), paraphraser.name, CHUNK_SIZE]).encode())
    for c in compounds:
        h.update(f"{c.key}\t{c.smiles}\n".encode())
    return h.hexdigest()[:24]


def _load_info(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _run_local(jobs: list[ChunkJob], workers: int) -> Iterator[ChunkOutput]:
    if workers == 1 or len(jobs) <= 1:
        yield from map(run_chunk, jobs)
        return
    # fork starts workers in milliseconds with RDKit already imported; spawn would re-import it in each.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = [pool.submit(run_chunk, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def _run_ray(jobs: list[ChunkJob]) -> Iterator[ChunkOutput]:
    try:
        import ray
    except ImportError as exc:
        raise Ech0Error("--executor ray needs Ray, which is not installed: pip install ech0[scale]") from exc
    if not ray.is_initialized():
        ray.init()  # joins the cluster named by RAY_ADDRESS, or starts a local one
    task = ray.remote(run_chunk)
    pending = [task.remote(job) for job in jobs]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])


def _compounds(n_compounds: int | None, seed: int, compounds_csv: Path | None) -> tuple[list[SourceCompound], str]:
    if n_compounds is not None and n_compounds < 1:
        raise Ech0Error(f"--compounds {n_compounds}: the compound set is empty; ask for at least one compound")
    if compounds_csv is not None:
        rows = load_csv(compounds_csv)[:n_compounds] if n_compounds else load_csv(compounds_csv)
        if not rows:
            raise Ech0Error(f"{compounds_csv} holds no compounds: the compound set is empty (add rows with SMILES)")
        return rows, str(compounds_csv)
    return select_compounds(n_compounds, seed), "the shipped compound sets"


def generate_dataset(
    out_dir: Path,
    n_compounds: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    *,
    compounds_csv: Path | None = None,
    recipe: Recipe | None = None,
    paraphraser: Paraphraser | None = None,
    executor: Executor = "local",
    on_progress: Callable[[int, int], None] | None = None,
) -> GenerationReport:
    """Generate, verify, deduplicate, split and write the data set; returns what was made.

    `n_compounds` counts input compounds (all shipped ones when None); analogues come on top. `on_progress(done,
    total)` reports compounds finished. Raises Ech0Error for an empty or all-invalid compound set and for an
    output directory that cannot be written.
    """
    start = time.perf_counter()
    out_dir = ensure_writable_dir(Path(out_dir))
    recipe = recipe or Recipe()
    paraphraser = paraphraser or RuleParaphraser()
    n_workers = max(1, workers or default_workers())
    compounds, origin = _compounds(n_compounds, seed, compounds_csv)
    fingerprint = _fingerprint(compounds, seed, recipe, paraphraser)

    info = _load_info(out_dir)
    if (
        info
        and info.get("fingerprint") == fingerprint
        and all((out_dir / f).is_file() for f in info["report"]["files"])
    ):
        report = GenerationReport(**info["report"])
        return report.model_copy(update={"complete_before": True, "wall_s": round(time.perf_counter() - start, 3)})
    (out_dir / INFO_FILE).unlink(missing_ok=True)  # from here on the directory no longer claims to be complete

    parts_dir = out_dir / ".parts"
    parts_dir.mkdir(exist_ok=True)
    stamp = parts_dir / "fingerprint"
    if not stamp.is_file() or stamp.read_text().strip() != fingerprint:
        shutil.rmtree(parts_dir)
        parts_dir.mkdir()
        atomic_write_text(stamp, fingerprint)

    list_tasks()  # import the task modules before the pool forks, so that workers share them
    chunks = [compounds[i : i + CHUNK_SIZE] for i in range(0, len(compounds), CHUNK_SIZE)]
    done = {i for i in range(len(chunks)) if read_part(parts_dir, i) is not None}
    jobs = [ChunkJob(i, chunk, seed, recipe, paraphraser) for i, chunk in enumerate(chunks) if i not in done]
    finished = sum(len(chunks[i]) for i in done)
    if on_progress:
        on_progress(finished, len(compounds))
    runs = _run_ray(jobs) if executor == "ray" else _run_local(jobs, n_workers)
    for output in runs:
        write_part(parts_dir, output)
        finished += len(chunks[output.stats.index])
        if on_progress:
            on_progress(finished, len(compounds))

    report = _assemble(out_dir, parts_dir, len(chunks), origin)
    wall = time.perf_counter() - start
    report = report.model_copy(
        update={
            "wall_s": round(wall, 3),
            "examples_per_hour": round(report.examples / wall * 3600, 1) if wall > 0 else 0.0,
            "seed": seed,
            "workers": n_workers,
            "executor": executor,
            "reused_chunks": len(done),
        }
    )
    sources = sorted({c.source for c in compounds})
    atomic_write_text(out_dir / "README.md", render_card(report, sources))
    report.files.append("README.md")
    info = {"fingerprint": fingerprint, "sources": sources, "report": report.model_dump()}
    atomic_write_text(out_dir / INFO_FILE, json.dumps(info, indent=2))  # last: marks the data set complete
    shutil.rmtree(parts_dir, ignore_errors=True)
    return report


def _assemble(out_dir: Path, parts_dir: Path, n_chunks: int, origin: str) -> GenerationReport:
    """Deduplicate the parts in chunk order (exact digests, then MinHash LSH) and write the split files."""
    seen: set[bytes] = set()
    near = NearDuplicateFilter()
    totals: Counter[str] = Counter()
    per_task: Counter[str] = Counter()
    per_category: Counter[str] = Counter()
    per_generator: Counter[str] = Counter()
    templates: set[str] = set()
    writer = DatasetWriter(out_dir)
    try:
        for index in range(n_chunks):
            part = read_part(parts_dir, index)
            if part is None:
                raise Ech0Error(f"chunk {index} of the run in {out_dir} is missing or damaged: rerun to regenerate it")
            lines, signatures, digests, _, meta = part
            for key in ("invalid", "compounds", "analogues", "analogues_rejected", "llm_rejected"):
                totals[key] += meta[key]
            for line, signature, raw in zip(lines, signatures, digests, strict=True):
                key = raw.tobytes()
                if key in seen:
                    totals["exact_duplicates"] += 1
                    continue
                seen.add(key)
                if not near.add(signature):
                    totals["near_duplicates"] += 1
                    continue
                example = json.loads(line)
                writer.add(line, example)
                per_task[example["task"]] += 1
                per_category[example["category"]] += 1
                per_generator[example["generator"]] += 1
                templates.add(example["template_id"])
        if totals["compounds"] == 0:
            raise Ech0Error(
                f"all {totals['invalid']} compounds from {origin} are invalid: none of their SMILES parses and "
                "round-trips in RDKit (check the smiles column)"
            )
        files = writer.commit()
    except BaseException:
        writer.abort()
        raise
    examples = sum(writer.counts.values())
    candidates = examples + totals["near_duplicates"]
    return GenerationReport(
        out_dir=str(out_dir),
        examples=examples,
        tasks=len(per_task),
        templates=len(templates),
        invalid=totals["invalid"],
        exact_duplicates=totals["exact_duplicates"],
        near_duplicates=totals["near_duplicates"],
        near_duplicate_rate=round(totals["near_duplicates"] / candidates, 6) if candidates else 0.0,
        examples_per_hour=0.0,
        wall_s=0.0,
        compounds=totals["compounds"],
        analogues=totals["analogues"],
        analogues_rejected=totals["analogues_rejected"],
        llm_rejected=totals["llm_rejected"],
        splits={s: writer.counts[s] for s in SPLITS},
        split_bytes={s: writer.nbytes[s] for s in SPLITS},
        per_task=dict(sorted(per_task.items())),
        per_category=dict(sorted(per_category.items())),
        per_generator=dict(sorted(per_generator.items())),
        seed=0,
        workers=1,
        executor="local",
        files=files,
    )
