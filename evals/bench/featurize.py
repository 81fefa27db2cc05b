"""Batch featurization throughput, in molecules per second: `labs.featurize.featurize_batch` against a plain loop.

Molecules: the first N of the shipped natural products (NPClassifier 5k) followed by the approved drugs
(DrugCentral), column `smiles`. In one process, on the same molecules, in this order:

- baseline: a single-process loop of `Chem.MolFromSmiles` and, for descriptors2d, RDKit's
  `Descriptors.CalcMolDescriptors` (the full 2D descriptor set); for another featurizer, its own function;
- ours (cold): `featurize_batch` over the process pool, with an empty FeatureCache in a temporary directory
  (so ours also pays for the InChIKeys and the cache writes);
- ours (warm): the same call again, answered from the cache.

`ratio` = ours / baseline throughput, `cached_ratio` = warm / baseline; `agreement` is the fraction of matrix
values equal to the baseline's (float32, NaN = NaN). Anything else running on the machine slows every side.

    python -m evals.bench.featurize [--n 2000] [--featurizer descriptors2d] [--workers W] [--json]
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import typer

from evals.bench import print_result, script_app
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K


def load_smiles(n: int | None = None, paths: tuple[Path, ...] = (NPCLASSIFIER_5K, DRUGCENTRAL_APPROVED)) -> list[str]:
    """The first n SMILES (all when n is None) of the `smiles` columns of these CSV files, in file order."""
    out: list[str] = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if n is not None and len(out) >= n:
                    return out
                if row.get("smiles"):
                    out.append(row["smiles"])
    return out


def baseline(smiles: list[str], featurizer: str) -> tuple[float, np.ndarray]:
    """Seconds for the plain loop, and its matrix (float32, inf → NaN, unparsable SMILES skipped)."""
    from rdkit import Chem
    from rdkit.Chem import Descriptors

    from labs.chemistry.features import get_featurizer

    fn = get_featurizer(featurizer).fn
    rows: list[Any] = []
    start = time.perf_counter()
    for text in smiles:
        mol = Chem.MolFromSmiles(text)  # plain RDKit on purpose: the baseline measures independently of ECH0's parser
        if mol is None:
            continue
        rows.append(list(Descriptors.CalcMolDescriptors(mol).values()) if featurizer == "descriptors2d" else fn(mol))
    seconds = time.perf_counter() - start
    with np.errstate(all="ignore"):
        matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float32)
    matrix[~np.isfinite(matrix)] = np.nan
    return seconds, matrix


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers, once it has shut down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return 0.0
    return float(np.isclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True).mean()) if a.size else 1.0


def run(n: int, featurizer: str = "descriptors2d", workers: int | None = None) -> dict[str, Any]:
    """Baseline, ours cold and ours warm on the first n molecules; the figures as one dict."""
    from labs.feature_cache import FeatureCache
    from labs.featurize import default_workers, featurize_batch

    smiles = load_smiles(n)
    n_workers = workers or default_workers()
    cpu = cpu_seconds()
    base_s, base_matrix = baseline(smiles, featurizer)
    base_cpu = cpu_seconds() - cpu
    with tempfile.TemporaryDirectory(prefix="ech0-featbench-") as folder:
        cache = FeatureCache(Path(folder) / "features.db")
        cpu, start = cpu_seconds(), time.perf_counter()
        cold = featurize_batch(smiles, featurizer, workers=n_workers, cache=cache)
        ours_s = time.perf_counter() - start
        ours_cpu = cpu_seconds() - cpu
        start = time.perf_counter()
        warm = featurize_batch(smiles, featurizer, workers=n_workers, cache=cache)
        warm_s = time.perf_counter() - start
        cache.close()
    m = len(smiles)
    return {
        "benchmark": "featurize",
        "featurizer": featurizer,
        "n": m,
        "workers": n_workers,
        "valid": cold.n_valid,
        "baseline_s": round(base_s, 4),
        "ours_s": round(ours_s, 4),
        "cached_s": round(warm_s, 4),
        "baseline_mol_per_s": round(m / base_s, 1),
        "ours_mol_per_s": round(m / ours_s, 1),
        "cached_mol_per_s": round(m / warm_s, 1),
        "ratio": round(base_s / ours_s, 3),
        "cached_ratio": round(base_s / warm_s, 1),
        # cores kept busy: about `workers` on an idle machine; near 1 means other processes took the rest
        "baseline_cpu_per_wall": round(base_cpu / base_s, 2),
        "ours_cpu_per_wall": round(ours_cpu / ours_s, 2),
        "cold_computed": cold.computed,
        "warm_cached": warm.cached,
        "agreement": round(agreement(cold.matrix, base_matrix), 6),
        "warm_identical": bool(np.array_equal(cold.matrix, warm.matrix, equal_nan=True)),
    }


def render(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"featurize {result['featurizer']}: {result['n']} molecules ({result['valid']} valid), "
            f"{result['workers']} workers",
            f"  baseline (plain loop)   {result['baseline_mol_per_s']:>10.1f} mol/s  ({result['baseline_s']:.2f} s)",
            f"  ours (pool, cold cache) {result['ours_mol_per_s']:>10.1f} mol/s  ({result['ours_s']:.2f} s)"
            f"  ratio {result['ratio']:.2f}",
            f"  ours (warm cache)       {result['cached_mol_per_s']:>10.1f} mol/s  ({result['cached_s']:.3f} s)"
            f"  cached_ratio {result['cached_ratio']:.1f}",
            f"  cores busy: baseline {result['baseline_cpu_per_wall']:.2f}, ours {result['ours_cpu_per_wall']:.2f}",
            f"  agreement with baseline {result['agreement']:.4%}; warm identical to cold: {result['warm_identical']}",
        ]
    )


app = script_app()


@app.command(help=__doc__.splitlines()[0])
def main(
    n: int = typer.Option(2000, "--n", help="molecules (natural products first, then drugs)"),
    featurizer: str = typer.Option("descriptors2d", "--featurizer", help="a registered featurizer"),
    workers: int | None = typer.Option(None, "--workers", help="processes for ours (default: the cores)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    result = run(n, featurizer, workers)
    print_result(result, as_json, render)


if __name__ == "__main__":
    app()
