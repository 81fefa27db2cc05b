"""Training-data factory throughput, in examples per hour: `generate_dataset` against a plain loop.

In one process, on the same compounds (the first N of the shipped sets, interleaved as the factory selects them):

- ours: `generate_dataset` into a temporary directory (process pool; profiles computed once per compound,
  batch MinHash, LSH dedup, JSONL + Parquet + card written), then `run_check` on the result, which recomputes
  every SMILES and fact from scratch. `examples_per_hour` counts generation; `verified_examples_per_hour`
  counts generation plus the full check.
- baseline: the plain way to make the same examples, one at a time in one process: for each example ours made
  (up to `--baseline-examples`), parse its compound SMILES with RDKit, compute the lab's properties, write the JSON
  line, and MinHash it with datasketch's defaults (SHA-1 per character 5-gram) into a MinHashLSH.

`ratio` = ours / baseline (wall-clock examples per hour, ours on `workers` processes, the baseline on one).
Anything else running on the machine slows every side.

    python -m evals.bench.datagen [--compounds 1000] [--workers W] [--no-check] [--json]
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import typer

from evals.bench import print_result, script_app

BASELINE_EXAMPLES = 3000


def baseline(lines: list[str]) -> float:
    """Seconds the plain per-example loop takes over these JSON lines."""
    from datasketch import MinHash, MinHashLSH
    from rdkit import Chem

    from labs.chemistry.properties import compute_properties

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    start = time.perf_counter()
    for i, line in enumerate(lines):
        example = json.loads(line)
        mol = Chem.MolFromSmiles(example["compound"]["smiles"])  # plain RDKit on purpose: an independent baseline
        if mol is not None:
            example["computed"] = compute_properties(mol)
        json.dumps(example, ensure_ascii=False)
        text = "\n".join([*(m["content"] for m in example["messages"] if m["role"] == "user"),
                          example["messages"][-1]["content"]])  # fmt: skip
        m = MinHash(num_perm=128)
        m.update_batch([text[j : j + 5].encode() for j in range(max(1, len(text) - 4))])
        if not lsh.query(m):
            lsh.insert(i, m)
    return time.perf_counter() - start


def run(
    compounds: int = 1000,
    workers: int | None = None,
    check: bool = True,
    baseline_examples: int = BASELINE_EXAMPLES,
    seed: int = 0,
) -> dict[str, Any]:
    from finetune.dataset.factory import default_workers, generate_dataset
    from finetune.quality.check import run_check

    n_workers = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="ech0-datagen-") as folder:
        out = Path(folder) / "ds"
        start = time.perf_counter()
        report = generate_dataset(out, compounds, seed=seed, workers=n_workers)
        gen_s = time.perf_counter() - start
        check_s, passed, check_report = 0.0, None, None
        if check:
            start = time.perf_counter()
            check_report = run_check(out, n_workers)
            check_s = time.perf_counter() - start
            passed = check_report.passed
        lines: list[str] = []
        for split in ("train", "validation", "test"):
            with open(out / f"{split}.jsonl", encoding="utf-8") as handle:
                for line in handle:
                    lines.append(line)
                    if len(lines) >= baseline_examples:
                        break
            if len(lines) >= baseline_examples:
                break
    base_s = baseline(lines)
    ours_per_hour = report.examples / gen_s * 3600
    base_per_hour = len(lines) / base_s * 3600 if base_s > 0 else 0.0
    result: dict[str, Any] = {
        "benchmark": "datagen",
        "compounds": report.compounds,
        "analogues": report.analogues,
        "examples": report.examples,
        "tasks": report.tasks,
        "templates": report.templates,
        "workers": n_workers,
        "generate_s": round(gen_s, 3),
        "examples_per_hour": round(ours_per_hour),
        "baseline_examples": len(lines),
        "baseline_s": round(base_s, 3),
        "baseline_examples_per_hour": round(base_per_hour),
        "ratio": round(ours_per_hour / base_per_hour, 2) if base_per_hour else None,
        "near_duplicate_rate_generated": report.near_duplicate_rate,
        "invalid": report.invalid,
    }
    if check_report is not None:
        result |= {
            "check_s": round(check_s, 3),
            "check_passed": passed,
            "verified_examples_per_hour": round(report.examples / (gen_s + check_s) * 3600),
            "facts_checked": check_report.facts_checked,
            "check_near_duplicate_rate": check_report.near_duplicate_rate,
            "check_problems": check_report.problems,
        }
    return result


def render(result: dict[str, Any]) -> str:
    lines = [
        f"datagen: {result['compounds']} compounds + {result['analogues']} analogues → {result['examples']:,} examples "
        f"({result['tasks']} tasks, {result['templates']} templates), {result['workers']} workers",
        f"  ours      {result['examples_per_hour']:>14,} examples/hour  ({result['generate_s']:.1f} s)",
        f"  baseline  {result['baseline_examples_per_hour']:>14,} examples/hour  ({result['baseline_examples']} "
        f"examples in {result['baseline_s']:.1f} s)  ratio {result['ratio']}",
    ]
    if "check_s" in result:
        lines.append(
            f"  with the full check ({result['check_s']:.1f} s, passed: {result['check_passed']}): "
            f"{result['verified_examples_per_hour']:,} verified examples/hour"
        )
    return "\n".join(lines)


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    compounds: int = typer.Option(1000, "--compounds", help="input compounds (shipped sets, interleaved)"),
    workers: int | None = typer.Option(None, "--workers", help="processes for ours (default: the cores)"),
    no_check: bool = typer.Option(False, "--no-check", help="skip the full check of the generated set"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    result = run(compounds, workers, not no_check)
    print_result(result, as_json, render)


if __name__ == "__main__":
    app()
