"""The dataset card (README.md, Hugging Face style): tasks, counts, sources, licences and the QA figures."""

from __future__ import annotations

from typing import Any

import yaml

from finetune.dataset.schema import PARQUET_FEATURES, SPLITS, GenerationReport
from finetune.dataset.sources import SOURCE_INFO
from finetune.tasks.templates import TASKS


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M" if n < 10_000_000 else "n>10M"


def yaml_features(features: dict[str, Any]) -> list[dict[str, Any]]:
    """Features in the dataset card's `dataset_info.features` form (`datasets`' YAML list: name + dtype/list/struct)."""
    return [{"name": name, **_yaml_type(feature)} for name, feature in features.items()]


def _yaml_type(feature: Any) -> dict[str, Any]:
    if isinstance(feature, list):
        item = feature[0]
        return {"list": yaml_features(item) if "_type" not in item else _yaml_type(item)["dtype"]}
    if feature.get("_type") == "Value":
        return {"dtype": feature["dtype"]}
    return {"struct": yaml_features(feature)}


def _licence(sources: list[str]) -> str:
    # DrugCentral is CC BY-SA 4.0: a data set derived from it carries the same licence; a user's CSV has its own.
    return "cc-by-sa-4.0" if "drugcentral" in sources else "mit" if "input" not in sources else "other"


def card_metadata(report: GenerationReport, sources: list[str]) -> dict[str, Any]:
    """The YAML header of the card: Hub metadata, the Parquet files of each split and their declared features."""
    return {
        "pretty_name": "ECH0 verified chemistry instructions",
        "license": _licence(sources),
        "language": ["en"],
        "task_categories": ["text-generation", "question-answering"],
        "tags": ["chemistry", "drug-discovery", "instruction-tuning", "tool-use", "rdkit"],
        "size_categories": [_size_category(report.examples)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"{s}.parquet"} for s in SPLITS],
            }
        ],
        "dataset_info": {
            "config_name": "default",
            "features": yaml_features(PARQUET_FEATURES),
            "splits": [
                {"name": s, "num_bytes": report.split_bytes.get(s, 0), "num_examples": report.splits.get(s, 0)}
                for s in SPLITS
            ],
            "dataset_size": sum(report.split_bytes.get(s, 0) for s in SPLITS),
        },
    }


def render_card(report: GenerationReport, sources: list[str], qa: dict[str, Any] | None = None) -> str:
    header = yaml.safe_dump(card_metadata(report, sources), sort_keys=False, allow_unicode=True, width=1000)
    front = ["---", header.rstrip("\n"), "---"]
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
        "`bbbp`, `input` row or id; `drugbank`, `cas`, `inchikey`; `analogue_of`, `derived_from` for RDKit-made "
        "molecules). In the Parquet files `ids` has one field per namespace, null where unset.",
        "- `inputs`: question inputs needed to recompute the facts; `facts`: every value the answer states, "
        "by name. The JSONL lines hold both as objects; the Parquet files as lists of `{name, value}` with the "
        "value as JSON text, since values mix numbers, strings, booleans and lists.",
        "",
        "## Loading",
        "",
        "```python",
        "import json",
        "from datasets import load_dataset",
        "",
        'ds = load_dataset("path/or/repo")  # the Parquet files, with the features declared above',
        'facts = {f["name"]: json.loads(f["value"]) for f in ds["train"][0]["facts"]}',
        'raw = load_dataset("json", data_files={s: f"{s}.jsonl" for s in ("train", "validation", "test")})',
        "```",
        "",
    ]
    return "\n".join(front + [""] + lines)
