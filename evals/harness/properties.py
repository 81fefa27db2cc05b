"""The `properties` suite: a measured data set and a target, through ECH0's property models (labs.models).

File: a JSON spec {"csv": "data.csv" (relative to the spec), "target": "column", "smiles_col"?: "smiles",
"task"?: "regression"|"classification", "split"?: "scaffold", "seeds"?: 2}, or the CSV itself with
`--target` (and `--smiles-col`, `--task`). The ensemble and its baseline are trained and scored over the seeds
(labs.models.train); the saved model then predicts the first seed's test fold, which it never saw: each test
molecule is a case, passed when the measured value lies in the predicted interval (regression) or the
predicted class is right (classification).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from evals.harness.base import Case, Outcome, Plot, SuiteContext
from knowledge.common.errors import Ech0Error

TASKS = ("regression", "classification")
LOWER_BETTER = ("rmse", "mae")


def load_spec(path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """The training spec: from a JSON file, or a CSV with the target given as an option."""
    if not path.is_file():
        raise Ech0Error(f"properties file {path} does not exist: give a JSON spec or a CSV with --target")
    if path.suffix.lower() == ".json":
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise Ech0Error(f"{path} is not JSON ({exc.msg})") from None
        if not isinstance(spec, dict) or not isinstance(spec.get("csv"), str) or not spec.get("target"):
            raise Ech0Error(f"{path}: a properties spec names its 'csv' file and its 'target' column")
        spec["csv"] = (path.parent / spec["csv"]).resolve()
    else:
        if not options.get("target"):
            raise Ech0Error("the properties suite on a CSV needs --target COLUMN (the property to learn)")
        spec = {"csv": path.resolve()}
    for key in ("target", "smiles_col", "task", "split", "seeds"):
        if options.get(key) is not None:
            spec[key] = options[key]
    spec.setdefault("smiles_col", "smiles")
    spec.setdefault("task", "regression")
    spec.setdefault("split", "scaffold")
    spec.setdefault("seeds", 2)
    if spec["task"] not in TASKS:
        raise Ech0Error(f"unknown task {spec['task']!r}: use regression or classification")
    if not isinstance(spec["seeds"], int) or not 1 <= spec["seeds"] <= 10:
        raise Ech0Error("seeds must be a whole number from 1 to 10")
    return spec


def _test_cases(spec: dict[str, Any], registry, report) -> list[Case]:
    """The saved model on the first seed's test fold (recomputed: the splits are deterministic)."""
    from labs.models.data import load_dataset
    from labs.models.predict import predict_smiles
    from labs.models.splits import make_split

    ds = load_dataset(spec["csv"], spec["smiles_col"], spec["target"], spec["task"])
    if len(ds) != report.n:  # a featurizer dropped rows: the recomputed folds would not be the trained ones
        return []
    test = make_split(spec["split"], ds.mols, 0).test
    predicted = predict_smiles(registry, report.model, [ds.smiles[i] for i in test])
    cases = []
    for i, row in zip(test, predicted.predictions, strict=True):
        measured = float(ds.y[i])
        if row.error is not None or row.prediction is None:
            cases.append(Case(id=f"line {ds.lines[i]}", passed=False, expected=measured, detail={"why": row.error}))
            continue
        if spec["task"] == "regression":
            inside = row.lower is not None and row.upper is not None and row.lower <= measured <= row.upper
            score = abs(row.prediction - measured)
        else:
            inside = int(row.prediction >= 0.5) == int(measured)
            score = abs(row.prediction - measured)
        detail = {"smiles": row.smiles, "lower": row.lower, "upper": row.upper, "in_domain": row.in_domain}
        cases.append(Case(id=f"line {ds.lines[i]}", passed=bool(inside), score=round(score, 4), expected=measured,
                          got=round(row.prediction, 4), detail=detail))  # fmt: skip
    return cases


def run(path: Path, ctx: SuiteContext) -> Outcome:
    from labs.models.registry import ModelRegistry
    from labs.models.train import train_property_model

    spec = load_spec(path, ctx.options)
    if ctx.out_dir is None:
        raise Ech0Error("the properties suite needs a run folder for its model registry")
    registry = ModelRegistry(ctx.out_dir / "models")
    ctx.progress(0, 2)
    report = train_property_model(
        spec["csv"], spec["smiles_col"], spec["target"], spec["task"], registry,
        split=spec["split"], seeds=spec["seeds"], name="eval", workers=ctx.workers,
    )  # fmt: skip
    ctx.progress(1, 2)
    cases = _test_cases(spec, registry, report)
    ctx.progress(2, 2)
    metrics: dict[str, float | int | None] = {"n": report.n}
    for key, value in report.metrics.items():
        metrics[key] = None if value is None else round(value, 4)
    for key, value in report.baseline.items():
        metrics[f"baseline.{key}"] = None if value is None else round(value, 4)
    coverage = [s.uncertainty.coverage for s in report.per_seed if s.uncertainty.coverage is not None]
    if coverage:
        metrics["interval_coverage"] = round(float(np.mean(coverage)), 4)
    if cases:
        metrics["test_cases_passed"] = round(sum(c.passed for c in cases) / len(cases), 4)
    directions = {k: "info" if k == "n" else "lower" if k.split(".")[-1] in LOWER_BETTER else "higher" for k in metrics}
    plots = []
    if cases and spec["task"] == "regression":
        scored = [c for c in cases if c.got is not None]
        plots.append(Plot(kind="scatter", title=f"{spec['target']}: predicted vs measured (held-out fold)",
                          file="predicted_vs_measured.png", x=[c.expected for c in scored],
                          y=[c.got for c in scored], xlabel="measured", ylabel="predicted"))  # fmt: skip
    names = [k for k in report.metrics if report.metrics[k] is not None and report.baseline.get(k) is not None]
    if names:
        plots.append(Plot(kind="bar", title="Ensemble vs baseline (mean over seeds)", file="ensemble_vs_baseline.png",
                          x=[f"{k}\nensemble" for k in names] + [f"{k}\nbaseline" for k in names],
                          y=[report.metrics[k] for k in names] + [report.baseline[k] for k in names]))  # fmt: skip
    meta = {"spec": {**spec, "csv": str(spec["csv"])}, "model": report.model, "seconds": report.seconds,
            "metrics_std": report.metrics_std, "final_model": report.final_model.model_dump()}  # fmt: skip
    return Outcome(metrics=metrics, directions=directions, cases=cases, plots=plots, meta=meta,
                   extra_files=["models/"])  # fmt: skip
