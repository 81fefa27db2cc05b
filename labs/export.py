"""Reproducibility bundles: everything needed to re-run a workflow run (or one experiment) and check the result.

`export_bundle(runner, lineage, RUN_ID or EXPERIMENT_ID, DIR)` writes:

- README.md: what ran, how to run it again, how to check it;
- run.json: the run's status, inputs, nodes (experiment ids, cache hits, typed failures, skip reasons), outputs;
- workflow.yaml and inputs.json: the spec and inputs as run (for a workflow run);
- experiments.json: each experiment's lab, operation, lab version, prepared parameters (pinned model versions
  included) and outputs;
- provenance.json: models (version, artifact sha256, training-data hash, seeds, metrics, library versions) and
  shipped data files (sha256) the experiments used, as each lab reports them, plus every seed found;
- environment.json: Python, platform and library versions (rdkit, scikit-learn, numpy, …);
- lineage.json: the graph inputs → experiments → outputs, edges labelled with output path and parameter;
- manifest.json: the sha256 of every other file.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error
from labs.lineage import LineageStore, lineage_graph
from labs.runner import LabRunner

LIBRARIES = ("rdkit", "scikit-learn", "numpy", "scipy", "sqlalchemy", "pydantic", "joblib", "pyyaml")
SEED_KEYS = ("seed", "seeds", "random_state")


def environment() -> dict[str, Any]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        ech0 = metadata.version("ech0")
    except metadata.PackageNotFoundError:
        ech0 = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "ech0": ech0,
        "libraries": versions,
    }


def _experiments(runner: LabRunner, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for experiment_id in ids:
        result = runner.store.get(experiment_id)
        if result is None:
            raise Ech0Error(f"experiment {experiment_id} is referenced but not in the results store")
        out.append({"id": result.experiment_id, **result.model_dump(mode="json", exclude={"experiment_id", "cached"})})
    return out


def _seeds(value: Any, path: str, found: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in SEED_KEYS and isinstance(v, int | list):
                found[f"{path}.{k}"] = v
            else:
                _seeds(v, f"{path}.{k}", found)


def provenance(runner: LabRunner, experiments: list[dict[str, Any]]) -> dict[str, Any]:
    """Models, data files and seeds behind the experiments, as their labs' `provenance` hooks report them."""
    models: dict[str, dict[str, Any]] = {}
    data: dict[str, dict[str, Any]] = {}
    seeds: dict[str, Any] = {}
    for e in experiments:
        _seeds(e["params"], e["id"], seeds)
        hook = getattr(runner.lab(e["lab"]), "provenance", None)
        if not callable(hook):
            continue
        try:
            found = hook(e["operation"], e["params"]) or {}
        except Ech0Error as exc:  # e.g. the model registry moved: say so in the bundle rather than fail
            found = {"error": str(exc)}
            seeds[f"{e['id']}.provenance_error"] = str(exc)
        for m in found.get("models", []):
            models.setdefault(m["ref"], {**m, "used_by": []})["used_by"].append(e["id"])
            if m.get("seeds") is not None:
                seeds[f"model:{m['ref']}.seeds"] = m["seeds"]
        for d in found.get("data", []):
            data.setdefault(d["file"], d)
    return {"models": list(models.values()), "data": list(data.values()), "seeds": seeds}


def _trained(d: dict[str, Any]) -> str:
    if "model" not in d:
        return ""
    same = "is" if d.get("model_trained_on_this_file") else "is not"
    return f" ({d['model']} {same} trained on exactly this file)"


def _readme(title: str, info: dict[str, Any], prov: dict[str, Any], rerun: str) -> str:
    models = (
        "\n".join(
            f"- `{m['ref']}` (artifact sha256 `{m['artifact_sha256'][:16]}…`, trained on data "
            f"`{(m.get('data_hash') or '')[:16]}…`)"
            for m in prov["models"]
        )
        or "- none"
    )
    data = "\n".join(f"- `{d['file']}` sha256 `{d['sha256']}`{_trained(d)}" for d in prov["data"]) or "- none"
    seeds = "\n".join(f"- {where}: {value}" for where, value in prov["seeds"].items()) or "- none"
    return f"""# Reproducibility bundle: {title}

Exported {datetime.now(UTC).isoformat(timespec="seconds")} by ECH0 (`ech0 lab export`).

- status: {info.get("status", "—")}
- experiments: {info["n_experiments"]} (ids are hashes of lab, operation, lab version and prepared parameters)

## Files
- `run.json`: the run: inputs, each node's experiment id, cache hits, typed failures and skip reasons, outputs.
- `experiments.json`: each experiment's lab, operation, lab version, parameters (model versions pinned) and outputs.
- `provenance.json`: models and data files used, with hashes, and every seed.
- `environment.json`: Python and library versions.
- `lineage.json`: inputs → experiments → outputs as a graph.
- `manifest.json`: sha256 of each file here.

## Models
{models}

## Data
{data}

## Seeds
{seeds}

## Run it again
{rerun}

Matching experiment ids mean matching lab versions and parameters; compare `environment.json` and the model
artifact hashes in `provenance.json` with the new machine's (`ech0 models list --json`) before comparing outputs.
"""


def export_bundle(runner: LabRunner, lineage: LineageStore, ref: str, out: Path | str) -> dict[str, Any]:
    """Write the bundle for a workflow run id (run-…) or an experiment id (exp-…); returns a summary."""
    out = Path(out)
    if ref.startswith("exp-"):
        if runner.store.get(ref) is None:
            raise Ech0Error(f"no experiment {ref!r} in the results store: see `ech0 lab runs` or `ech0 lab queue`")
        ancestors, _, edges = lineage.closure(ref)
        ids = sorted(ancestors) + [ref]
        edges = [e for e in edges if e["experiment_id"] in ids]
        run = {"experiment_id": ref, "appearances": lineage.appearances(ref)}
        rerun = (
            "`ech0 lab run {lab}.{operation} --params '{params}'` with the values in experiments.json, ancestors first."
        )
        title, files = ref, {}
    elif ref.startswith("run-"):
        run = lineage.run(ref)
        ids = list(dict.fromkeys(n["experiment_id"] for n in run["nodes"].values() if n["experiment_id"]))
        edges = run.pop("edges")
        import yaml

        files = {
            "workflow.yaml": yaml.safe_dump(run["spec"], sort_keys=False, allow_unicode=True),
            "inputs.json": json.dumps(run["inputs"], indent=2, ensure_ascii=False),
        }
        rerun = '```\nech0 lab workflow run workflow.yaml --inputs "$(cat inputs.json)" --json\n```'
        title = f"workflow {run['workflow']} run {ref}"
    else:
        raise Ech0Error(f"{ref!r} is neither a workflow run id (run-…) nor an experiment id (exp-…)")
    experiments = _experiments(runner, ids)
    prov = provenance(runner, experiments)
    graph = lineage_graph(
        [
            {
                "id": e["id"],
                "lab": e["lab"],
                "operation": e["operation"],
                "version": e["version"],
                "outputs": sorted(e["outputs"]),
            }
            for e in experiments
        ],
        edges,
    )
    info = {"status": run.get("status"), "n_experiments": len(experiments)}
    files |= {
        "run.json": json.dumps(run, indent=2, ensure_ascii=False, default=str),
        "experiments.json": json.dumps(experiments, indent=2, ensure_ascii=False, default=str),
        "provenance.json": json.dumps(prov, indent=2, ensure_ascii=False, default=str),
        "environment.json": json.dumps(environment(), indent=2),
        "lineage.json": json.dumps(graph, indent=2, ensure_ascii=False, default=str),
        "README.md": _readme(title, info, prov, rerun),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    manifest = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in sorted(files.items())}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return {
        "ref": ref,
        "out": str(out),
        "files": sorted([*files, "manifest.json"]),
        **info,
        "models": [m["ref"] for m in prov["models"]],
        "data": [d["file"] for d in prov["data"]],
    }
