"""The dataset card (README.md, Hugging Face style): tasks, counts, sources, licences and the QA figures."""

from __future__ import annotations

from typing import Any

from finetune.dataset.schema import SPLITS, GenerationReport
from finetune.dataset.sources import SOURCE_INFO
from finetune.tasks.templates import TASKS


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M" if n < 10_000_000 else "n>10M"


def render_card(report: GenerationReport, sources: list[str], qa: dict[str, Any] | None = None) -> str:
    # DrugCentral is CC BY-SA 4.0: a data set derived from it carries the same licence.
    licence = "cc-by-sa-4.0" if "drugcentral" in sources else "mit" if "input" not in sources else "other"
    front = [
        "---",
        f"license: {licence}",
        "language:\n- en",
        "task_categories:\n- text-generation\n- question-answering",
        "tags:\n- chemistry\n- drug-discovery\n- instruction-tuning\n- tool-use\n- rdkit",
        f"size_categories:\n- {_size_category(report.examples)}",
        "configs:\n- config_name: default\n  data_files:",
        *[f"  - split: {s}\n    path: {s}.parquet" for s in SPLITS],
        "---",
    ]
    lines = [
        "# ECH0 verified chemistry instructions",
        "",
        f"{report.examples:,} chat examples made by `ech0 data generate` (seed {report.seed}) from "
        f"{report.compounds:,} compounds and {report.analogues:,} RDKit-made analogues. Every value an answer "
        "states is listed in the example's `facts` and was computed by RDKit or read from the source file; "
        "`ech0 data check` recomputes all of them from scratch.",
        "",
        "## Splits",
        "",
        "Split by Bemis–Murcko scaffold group (acyclic molecules form their own groups), so no scaffold is in "
        "two splits.",
        "",
        "| split | examples |",
        "|---|---:|",
        *[f"| {s} | {report.splits.get(s, 0):,} |" for s in SPLITS],
        "",
        "## Tasks",
        "",
        f"{report.tasks} tasks, {report.templates} distinct templates in use.",
        "",
        "| task | category | examples | templates |",
        "|---|---|---:|---:|",
    ]
    for task, count in sorted(report.per_task.items()):
        spec = TASKS.find(task)
        category = spec.category if spec else "?"
        templates = len(spec.template_ids()) if spec else 0
        lines.append(f"| {task} | {category} | {count:,} | {templates} |")
    lines += ["", "| generator | examples |", "|---|---:|"]
    lines += [f"| {g} | {n:,} |" for g, n in sorted(report.per_generator.items())]
    lines += ["", "## Sources and licences", "", "| source | licence | citation |", "|---|---|---|"]
    for source in sources:
        info = SOURCE_INFO.get(source, {"title": source, "licence": "?", "citation": ""})
        lines.append(f"| {info['title']} | {info['licence']} | {info['citation']} |")
    lines += [
        "",
        "The data set as a whole inherits the most restrictive licence above. RDKit (BSD-3-Clause) computed "
        "every property.",
        "",
        "## Quality",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| input compounds rejected (parse or round-trip) | {report.invalid:,} |",
        f"| analogues rejected (sanitize, round-trip, scaffold) | {report.analogues_rejected:,} |",
        f"| paraphrases dropped by the fact check | {report.llm_rejected:,} |",
        f"| exact duplicates removed | {report.exact_duplicates:,} |",
        f"| near duplicates removed (MinHash, char 5-grams, Jaccard ≥ 0.8) | {report.near_duplicates:,} |",
        f"| near-duplicate rate before removal | {report.near_duplicate_rate:.4%} |",
        f"| examples per hour ({report.workers} workers) | {report.examples_per_hour:,.0f} |",
    ]
    if qa:
        lines += [
            "",
            "### `ech0 data check` (everything recomputed from scratch)",
            "",
            "| figure | value |",
            "|---|---:|",
            *[f"| {k} | {v} |" for k, v in qa.items()],
            "",
            "Plots and the full report: `qa/report.md`, `qa/report.json`.",
        ]
    lines += [
        "",
        "## Fields",
        "",
        "- `messages`: chat turns (`system`, `user`, `assistant`, `tool` with `name` and `tool_call_id`).",
        "- `task`, `category`, `template_id` (question × answer phrasing), `generator` (template, rule, llm, "
        "synthetic).",
        "- `compound` / `partner`: canonical SMILES, name, source ids (`drugcentral`, `npclassifier`, `esol`, "
        "`bbbp` row or id; `analogue_of`, `derived_from` for RDKit-made molecules).",
        "- `inputs`: question inputs needed to recompute the facts; `facts`: every value the answer states, "
        "by name (Parquet stores both as JSON text).",
        "",
    ]
    return "\n".join(front + [""] + lines)
