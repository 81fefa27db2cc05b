"""Diversity figures and the QA report of `ech0 data check`: internal Tanimoto diversity, scaffold count,
template balance, length distribution and distinct-n; PNG plots (matplotlib, Agg) and markdown."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import DataStructs

from finetune.dataset import edits
from finetune.dataset.atomic import atomic_write_text, ensure_writable_dir
from knowledge.common.mol import try_mol

MAX_DIVERSITY_COMPOUNDS = 2000  # pairwise Tanimoto on a seeded sample: 2M pairs in about a second
MAX_SCAFFOLD_COMPOUNDS = 20000
MAX_DISTINCT_ANSWERS = 50000


def _quantiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    arr = np.asarray(values)
    return {
        "mean": round(float(arr.mean()), 1),
        "p50": float(np.percentile(arr, 50)),
        "p90": float(np.percentile(arr, 90)),
        "p99": float(np.percentile(arr, 99)),
        "max": int(arr.max()),
    }


def _entropy_ratio(counts: Counter) -> float:
    """Shannon entropy of the counts over its maximum (1.0: perfectly balanced)."""
    total = sum(counts.values())
    if len(counts) < 2 or total == 0:
        return 1.0
    h = -sum(c / total * math.log(c / total) for c in counts.values() if c)
    return round(h / math.log(len(counts)), 4)


def _distinct_n(answers: list[str], n: int) -> float:
    grams: Counter = Counter()
    total = 0
    for text in answers:
        words = text.lower().split()
        for i in range(len(words) - n + 1):
            grams[tuple(words[i : i + n])] += 1
            total += 1
    return round(len(grams) / total, 4) if total else 0.0


def _compound_figures(smiles: list[str]) -> tuple[dict[str, Any], np.ndarray]:
    rng = random.Random(0)
    mols = [m for m in (try_mol(s) for s in smiles[:MAX_SCAFFOLD_COMPOUNDS]) if m is not None]
    scaffolds = Counter(edits.scaffold_smiles(m) for m in mols)
    acyclic = scaffolds.pop("", 0)
    sample = rng.sample(mols, min(len(mols), MAX_DIVERSITY_COMPOUNDS))
    fps = [edits.fingerprint(m) for m in sample]
    sims: list[float] = []
    for i in range(1, len(fps)):
        sims.extend(DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i]))
    sims_arr = np.asarray(sims)
    return {
        "unique_compounds": len(smiles),
        "internal_diversity": round(float(1 - sims_arr.mean()), 4) if len(sims_arr) else 0.0,
        "diversity_sample": len(sample),
        "scaffolds": len(scaffolds),
        "acyclic_compounds": acyclic,
        "largest_scaffold_share": round(max(scaffolds.values()) / len(mols), 4) if scaffolds else 0.0,
    }, sims_arr


def diversity(infos: list[dict[str, Any]], qa_dir: Path) -> tuple[dict[str, Any], list[Path]]:
    """The diversity figures of the rows' summaries, and the plots written to qa_dir."""
    smiles = sorted({i["smiles"] for i in infos if i.get("smiles") and "*" not in i["smiles"]})
    compounds, sims = _compound_figures(smiles)
    templates = Counter(i["template_id"] for i in infos)
    tasks = Counter(i["task"] for i in infos)
    answers = [i["answer"] for i in infos]
    if len(answers) > MAX_DISTINCT_ANSWERS:
        answers = random.Random(0).sample(answers, MAX_DISTINCT_ANSWERS)
    figures = {
        **compounds,
        "tasks": len(tasks),
        "templates": len(templates),
        "template_balance": _entropy_ratio(templates),
        "task_balance": _entropy_ratio(tasks),
        "examples_per_template": _quantiles(list(templates.values())),
        "length_chars": _quantiles([i["chars"] for i in infos]),
        "length_words": _quantiles([i["words"] for i in infos]),
        "distinct_1": _distinct_n(answers, 1),
        "distinct_2": _distinct_n(answers, 2),
        "distinct_3": _distinct_n(answers, 3),
        "per_category": dict(sorted(Counter(i["category"] for i in infos).items())),
    }
    return figures, _plots(infos, templates, tasks, sims, qa_dir)


def _plots(infos, templates: Counter, tasks: Counter, sims: np.ndarray, qa_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ensure_writable_dir(qa_dir)
    paths = []

    def save(fig, name: str) -> None:
        path = qa_dir / name
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        paths.append(path)

    def nothing(ax, title: str, why: str) -> None:
        """No data: the plot says so in words instead of showing an empty axis."""
        ax.set_axis_off()
        ax.set_title(title)
        ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#555")

    fig, ax = plt.subplots(figsize=(7, 4))
    if infos:
        ax.hist([i["chars"] for i in infos], bins=60, color="#4c72b0")
        ax.set(xlabel="characters per example (all messages)", ylabel="examples", title="Length", yscale="log")
    else:
        nothing(ax, "Length", "no examples")
    save(fig, "lengths.png")

    fig, ax = plt.subplots(figsize=(7, 4))
    counts = sorted(templates.values(), reverse=True)
    if counts:
        # a marker per template while they can be told apart; a line alone hides one or two templates
        ax.plot(range(1, len(counts) + 1), counts, color="#dd8452", marker="o" if len(counts) <= 40 else None)
        ax.set(xlabel="template rank", ylabel="examples", title=f"Template balance ({len(counts)} templates)")
        ax.set_yscale("log")
    else:
        nothing(ax, "Template balance", "no examples")
    save(fig, "templates.png")

    fig, ax = plt.subplots(figsize=(7, max(4, len(tasks) * 0.18)))  # taller with the tasks: every name readable
    names = sorted(tasks, key=tasks.get)
    if names:
        ax.barh(names, [tasks[n] for n in names], color="#55a868")
        ax.set(xlabel="examples", title="Examples per task")
        ax.tick_params(axis="y", labelsize=6)
    else:
        nothing(ax, "Examples per task", "no examples")
    save(fig, "tasks.png")

    fig, ax = plt.subplots(figsize=(7, 4))
    if len(sims):
        ax.hist(sims, bins=50, range=(0, 1), color="#8172b3")
        ax.set(xlabel="pairwise Tanimoto similarity (Morgan r=2)", ylabel="pairs", title="Compound similarity")
    else:
        nothing(ax, "Compound similarity", "fewer than two compounds: no pairs to compare")
    save(fig, "tanimoto.png")
    return paths


def render_markdown(report) -> str:
    d = report.diversity
    lines = [
        f"# Data set check: {'PASSED' if report.passed else 'FAILED'}",
        "",
        f"{report.examples:,} examples in `{report.directory}`, {report.facts_checked:,} facts recomputed "
        f"in {report.seconds:.1f} s.",
        "",
        "| gate | result |",
        "|---|---|",
        *[f"| {gate} | {'pass' if ok else 'FAIL'} |" for gate, ok in report.gates.items()],
        "",
        "| figure | value |",
        "|---|---:|",
        *[f"| examples with {kind} problems | {n:,} |" for kind, n in report.problems.items()],
        f"| exact duplicates | {report.exact_duplicates:,} |",
        f"| near duplicates (MinHash char 5-grams, Jaccard ≥ 0.8) | {report.near_duplicates:,} "
        f"({report.near_duplicate_rate:.4%}) |",
        *[f"| scaffold groups shared {pair.replace('_', '/')} | {n} |" for pair, n in report.scaffold_leaks.items()],
        "",
        "## Diversity",
        "",
        "| figure | value |",
        "|---|---:|",
        *[f"| {k} | {json.dumps(v) if isinstance(v, dict) else v} |" for k, v in d.items()],
        "",
        "![lengths](lengths.png) ![templates](templates.png)",
        "",
        "![tasks](tasks.png) ![tanimoto](tanimoto.png)",
    ]
    if report.samples:
        lines += ["", "## First problems", "", *[f"- {s}" for s in report.samples]]
    return "\n".join(lines) + "\n"


def write_report(report, qa_dir: Path) -> None:
    ensure_writable_dir(qa_dir)
    atomic_write_text(qa_dir / "report.json", report.model_dump_json(indent=2))
    atomic_write_text(qa_dir / "report.md", render_markdown(report))
