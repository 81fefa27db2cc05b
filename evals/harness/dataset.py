"""The `dataset` suite: the quality gates and figures of a training data set (`ech0 data check`).

File: a data set folder made by `ech0 data generate` (its split .jsonl files are copied into the run folder and
checked there, so that the check's qa/ report lands beside this run and the folder itself is left as it is),
or a JSON spec {"generate": {"compounds": N, "seed": S}} that first generates a fresh data set from the
shipped compounds. Each gate is a case; the check's figures are the metrics and its plots come along.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from evals.harness.base import Case, Outcome, Plot, SuiteContext
from knowledge.common.errors import Ech0Error

SPLITS = ("train", "validation", "test")
KEEP = ("dataset_info.json", "README.md")


def _finetune():
    try:
        from finetune.dataset.factory import generate_dataset
        from finetune.quality.check import run_check
    except ImportError as exc:
        raise Ech0Error(f"the dataset suite needs the training-data factory (finetune.quality.check): {exc}") from None
    return run_check, generate_dataset


def _prepare(path: Path, target: Path, ctx: SuiteContext) -> dict[str, Any]:
    """Fill `target` with the data set to check; returns what was done."""
    _, generate_dataset = _finetune()
    if path.is_dir():
        files = [path / f"{s}.jsonl" for s in SPLITS if (path / f"{s}.jsonl").is_file()]
        if not files:
            raise Ech0Error(
                f"{path} has no train/validation/test .jsonl files: give a folder from `ech0 data generate`"
            )
        target.mkdir(parents=True, exist_ok=True)
        for source in files + [path / name for name in KEEP if (path / name).is_file()]:
            shutil.copy2(source, target / source.name)
        return {"source": str(path)}
    if path.is_file() and path.suffix.lower() == ".json":
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise Ech0Error(f"{path} is not JSON ({exc.msg})") from None
        generate = spec.get("generate") if isinstance(spec, dict) else None
        if not isinstance(generate, dict):
            raise Ech0Error(f'{path}: a dataset spec is {{"generate": {{"compounds": N, "seed": S}}}}')
        compounds, seed = generate.get("compounds", 20), generate.get("seed", 0)
        if not isinstance(compounds, int) or not 1 <= compounds <= 100_000 or not isinstance(seed, int):
            raise Ech0Error(f"{path}: generate.compounds (1–100000) and generate.seed must be whole numbers")
        report = generate_dataset(target, compounds, seed, ctx.workers)
        return {"generated": {"compounds": compounds, "seed": seed, "examples": report.examples}}
    raise Ech0Error(f"{path} is neither a data set folder nor a JSON spec")


def run(path: Path, ctx: SuiteContext) -> Outcome:
    run_check, _ = _finetune()
    if ctx.out_dir is None:
        raise Ech0Error("the dataset suite needs a run folder to check the data set in")
    target = ctx.out_dir / "dataset"
    meta = _prepare(path, target, ctx)
    report = run_check(target, ctx.workers, on_progress=ctx.progress)
    cases = [Case(id=gate, passed=ok) for gate, ok in report.gates.items()]
    leaks = sum(report.scaffold_leaks.values())
    metrics: dict[str, float | int | None] = {
        "gates_passed": round(sum(c.passed for c in cases) / len(cases), 4) if cases else 0.0,
        "examples": report.examples,
        "facts_checked": report.facts_checked,
        "exact_duplicates": report.exact_duplicates,
        "near_duplicate_rate": report.near_duplicate_rate,
        "scaffold_leaks": leaks,
        **{f"problems.{kind}": n for kind, n in report.problems.items()},
    }
    for key, value in report.diversity.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            metrics[f"diversity.{key}"] = round(float(value), 4)
    higher = {"gates_passed"}
    info = {"examples", "facts_checked"} | {k for k in metrics if k.startswith("diversity.")}
    directions = {k: "higher" if k in higher else "info" if k in info else "lower" for k in metrics}
    extra = []
    for file in report.files:
        if file.endswith(".png") and (target / file).is_file():
            shutil.copy2(target / file, ctx.out_dir / Path(file).name)
            extra.append(Path(file).name)
    plots = [Plot(kind="bar", title="Examples with problems, by kind", file="problems.png",
                  x=list(report.problems), y=[float(v) for v in report.problems.values()],
                  ylabel="examples")]  # fmt: skip
    meta |= {"passed": report.passed, "splits": report.splits, "samples": report.samples[:20],
             "seconds": report.seconds, "qa_report": "dataset/qa/report.md"}  # fmt: skip
    return Outcome(metrics=metrics, directions=directions, cases=cases, plots=plots, meta=meta,
                   extra_files=extra + ["dataset/"])  # fmt: skip
