"""`ech0 data check DIR`: the quality gates, recomputed from the data set files alone.

Gates: every row matches the schema; every SMILES parses and round-trips; every fact equals its recomputation
(RDKit or the source file) within its rounding; every answer states exactly its facts; no exact duplicates; a
MinHash near-duplicate rate under 1 %; no scaffold group in two splits. Diversity figures and plots come with
the report (`qa/report.json`, `qa/report.md`, `qa/*.png`).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from finetune.dataset.schema import SPLITS
from finetune.dataset.sources import LOADERS, SourceIndex
from finetune.quality import dedup
from finetune.quality.verify import MolCache, verify
from knowledge.common.errors import Ech0Error

NEAR_DUPLICATE_GATE = 0.01
_GROUP_ROWS = 2000  # examples per verification job (whole compounds stay in one job, for the molecule cache)
KINDS = ("schema", "smiles", "fact", "source", "answer")


class CheckReport(BaseModel):
    directory: str
    passed: bool
    gates: dict[str, bool]
    examples: int
    splits: dict[str, int]
    problems: dict[str, int] = Field(description="examples with at least one problem of each kind")
    facts_checked: int
    exact_duplicates: int
    near_duplicates: int = Field(description="examples with an earlier near duplicate (Jaccard ≥ 0.8)")
    near_duplicate_rate: float
    scaffold_leaks: dict[str, int]
    diversity: dict[str, Any]
    samples: list[str] = Field(description="the first problems found, with file and line")
    seconds: float
    files: list[str] = Field(default_factory=list)


_sources: SourceIndex | None = None
_cache: MolCache | None = None


def _init() -> None:
    global _sources, _cache
    _sources = _sources or SourceIndex()
    _cache = MolCache()


def _verify_rows(rows: list[tuple[str, int, str]]) -> dict[str, Any]:
    """Verify a job of (file, line number, JSON text) rows; per row: problems, groups, text, digest."""
    if _cache is None:
        _init()
    out = []
    for where, line_no, text in rows:
        try:
            example = json.loads(text)
        except json.JSONDecodeError as exc:
            out.append((where, line_no, {"schema": [f"not JSON: {exc.msg}"]}, [], "", b"", 0, {}))
            continue
        problems = verify(example, _cache, _sources)
        groups = []
        for key in ("compound", "partner"):
            ref = example.get(key) if isinstance(example, dict) else None
            group = (
                _cache.group(ref["smiles"]) if isinstance(ref, dict) and isinstance(ref.get("smiles"), str) else None
            )
            if group is not None:
                groups.append(group)
        messages = example.get("messages") if isinstance(example, dict) else None
        valid = isinstance(messages, list) and messages and all(isinstance(m, dict) for m in messages)
        text_for_dedup = dedup.example_text(messages) if valid else text
        digest = dedup.digest(messages) if valid else text.encode()[:16]
        n_facts = len(example.get("facts") or {}) if isinstance(example, dict) else 0
        info = _info(example, messages) if valid else {}
        out.append((where, line_no, problems, groups, text_for_dedup, digest, n_facts, info))
    signatures = dedup.signatures([row[4] for row in out]) if out else None
    return {"rows": out, "signatures": signatures}


def _info(example: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """What the diversity figures need from a row (so the main process never parses the rows again)."""
    compound = example.get("compound") if isinstance(example.get("compound"), dict) else {}
    return {
        "task": example.get("task"),
        "category": example.get("category"),
        "template_id": example.get("template_id"),
        "smiles": compound.get("smiles"),
        "chars": sum(len(m.get("content") or "") for m in messages),
        "words": sum(len((m.get("content") or "").split()) for m in messages),
        "answer": messages[-1].get("content") or "",
    }


def _jobs(lines: list[tuple[str, int, str, str]]) -> list[list[tuple[str, int, str]]]:
    """Rows grouped by compound SMILES (so a molecule is computed once per job), cut into jobs."""
    by_compound: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for where, line_no, text, smiles in lines:
        by_compound[smiles].append((where, line_no, text))
    jobs, current = [], []
    for rows in by_compound.values():
        current.extend(rows)
        if len(current) >= _GROUP_ROWS:
            jobs.append(current)
            current = []
    if current:
        jobs.append(current)
    return jobs


def _read(directory: Path) -> list[tuple[str, int, str, str]]:
    files = [directory / f"{s}.jsonl" for s in SPLITS if (directory / f"{s}.jsonl").is_file()]
    if not files:
        raise Ech0Error(
            f"no train/validation/test .jsonl files in {directory}: give a directory made by `ech0 data generate`"
        )
    lines = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for i, text in enumerate(handle, 1):
                if text.strip():
                    # The compound SMILES only groups rows into jobs; a row that is not JSON is caught in the job.
                    start = text.find('"compound": {"smiles": "')
                    smiles = text[start + 24 : text.find('"', start + 24)] if start >= 0 else ""
                    lines.append((path.stem, i, text, smiles))
    return lines


def run_check(
    directory: Path, workers: int | None = None, on_progress: Callable[[int, int], None] | None = None
) -> CheckReport:
    """Check a data set directory; writes `qa/` there and returns the report (passed or not)."""
    from finetune.dataset.factory import default_workers
    from finetune.quality.report import diversity, write_report

    start = time.perf_counter()
    directory = Path(directory)
    if not directory.is_dir():
        raise Ech0Error(f"no data set directory at {directory}: give the --out directory of `ech0 data generate`")
    lines = _read(directory)
    jobs = _jobs(lines)
    n_workers = max(1, workers or default_workers())
    global _sources
    _sources = SourceIndex()
    for source in LOADERS:  # load the source files once, before the pool forks
        _sources.get(f"{source}:0")
    results = []
    if n_workers == 1 or len(jobs) <= 1:
        _init()
        iterator = map(_verify_rows, jobs)
    else:
        context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
        pool = ProcessPoolExecutor(max_workers=min(n_workers, len(jobs)), mp_context=context, initializer=_init)
        iterator = pool.map(_verify_rows, jobs)
    done = 0
    try:
        for result in iterator:
            results.append(result)
            done += len(result["rows"])
            if on_progress:
                on_progress(done, len(lines))
    finally:
        if n_workers > 1 and len(jobs) > 1:
            pool.shutdown()
    return _report(directory, results, lines, start, diversity, write_report)


def _report(directory, results, lines, start, diversity, write_report) -> CheckReport:
    rows = [row for result in results for row in result["rows"]]
    signatures = np.concatenate([r["signatures"] for r in results if r["signatures"] is not None])
    # Order rows as in the files, so that near duplicates count the later copy (as the generator drops it).
    order = sorted(range(len(rows)), key=lambda i: (SPLITS.index(rows[i][0]), rows[i][1]))
    rows = [rows[i] for i in order]
    signatures = signatures[order]
    problems = Counter()
    samples: list[str] = []
    groups: dict[str, set[str]] = {s: set() for s in SPLITS}
    for where, line_no, found, example_groups, *_ in rows:
        for kind in KINDS:
            if found.get(kind):
                problems[kind] += 1
                if len(samples) < 20:
                    samples.append(f"{where}.jsonl:{line_no}: {kind}: {found[kind][0]}")
        groups[where].update(example_groups)
    exact = dedup.exact_duplicates(row[5] for row in rows)
    later = {j for _, j, _ in dedup.near_duplicate_pairs(signatures)}
    rate = len(later) / len(rows) if rows else 0.0
    leaks = {
        "train_test": len(groups["train"] & groups["test"]),
        "train_validation": len(groups["train"] & groups["validation"]),
        "validation_test": len(groups["validation"] & groups["test"]),
    }
    gates = {
        "schema": problems["schema"] == 0,
        "smiles": problems["smiles"] == 0,
        "facts": problems["fact"] == 0 and problems["source"] == 0,
        "answers_state_facts": problems["answer"] == 0,
        "no_exact_duplicates": exact == 0,
        "near_duplicates_under_1pct": rate < NEAR_DUPLICATE_GATE,
        "no_scaffold_leaks": not any(leaks.values()),
        "not_empty": len(rows) > 0,
    }
    report = CheckReport(
        directory=str(directory),
        passed=all(gates.values()),
        gates=gates,
        examples=len(rows),
        splits={s: sum(1 for r in rows if r[0] == s) for s in SPLITS},
        problems={k: problems[k] for k in KINDS},
        facts_checked=sum(r[6] for r in rows),
        exact_duplicates=exact,
        near_duplicates=len(later),
        near_duplicate_rate=round(rate, 6),
        scaffold_leaks=leaks,
        diversity={},
        samples=samples,
        seconds=0.0,
    )
    div, plots = diversity([row[7] for row in rows if row[7]], directory / "qa")
    files = [f"qa/{p.name}" for p in plots] + ["qa/report.json", "qa/report.md"]
    report = report.model_copy(
        update={"diversity": div, "seconds": round(time.perf_counter() - start, 3), "files": files}
    )
    write_report(report, directory / "qa")
    _update_card(directory, report)
    return report


def _update_card(directory: Path, report: CheckReport) -> None:
    """Put the check's figures into the dataset card of a data set made by the factory."""
    from finetune.dataset.atomic import atomic_write_text
    from finetune.dataset.card import render_card
    from finetune.dataset.factory import INFO_FILE
    from finetune.dataset.schema import GenerationReport

    try:
        info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
        generation = GenerationReport(**info["report"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # not a factory directory (or an incomplete one): the qa/ report stands alone
    d = report.diversity
    qa = {
        "result": "passed" if report.passed else "FAILED",
        "examples checked": f"{report.examples:,}",
        "facts recomputed": f"{report.facts_checked:,}",
        **{f"examples with {k} problems": n for k, n in report.problems.items()},
        "exact duplicates": report.exact_duplicates,
        "near-duplicate rate": f"{report.near_duplicate_rate:.4%}",
        "scaffold groups shared between splits": sum(report.scaffold_leaks.values()),
        "internal Tanimoto diversity": d.get("internal_diversity"),
        "Bemis–Murcko scaffolds": d.get("scaffolds"),
        "template balance (entropy ratio)": d.get("template_balance"),
        "distinct-2 of answers": d.get("distinct_2"),
    }
    atomic_write_text(directory / "README.md", render_card(generation, info.get("sources", []), qa))
