"""What each dashboard page shows, gathered from the app's stores (pure reads; the routes render them)."""

from __future__ import annotations

import base64
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error

log = logging.getLogger("ech0.dashboard")
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EVAL_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.png$")


def markdown_html(text: str | None) -> str:
    """Markdown → HTML with raw HTML disabled (escaped), so a report cannot inject markup."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text or "")


def runs_page(app_state, limit: int = 50) -> dict[str, Any]:
    """Research jobs (the API's and the dashboard's), and runs recorded elsewhere (CLI, chat, loops)."""
    jobs = app_state.jobs.store.list(limit=limit)
    known = {j["id"] for j in jobs}
    others = [r for r in app_state.profiles.base.runs.list_runs(limit=limit) if r["run_id"] not in known]
    return {"jobs": jobs, "others": others, "models": app_state.profiles.names()}


def run_page(app_state, run_id: str) -> dict[str, Any] | None:
    """A run: its job (when it has one), status, result, and recorded run with its lineage SVG and the
    drug-likeness chart of each compound whose properties it computed."""
    from server.dashboard.lineage import step_data, svg

    runtime = app_state.profiles.base
    job = app_state.jobs.store.get(run_id)
    status = runtime.runs.status(run_id)
    recorded = runtime.runs.get_run(run_id)
    if job is None and status is None and recorded is None:
        return None
    result = (job or {}).get("result") or (
        {"answer": recorded["report"].get("answer"), "report_markdown": recorded["report"].get("report_markdown"),
         "citations": recorded["report"].get("citations") or []} if recorded else None
    )  # fmt: skip
    current = (job or {}).get("status") or (status or {}).get("status") or ("done" if recorded else "unknown")
    data = step_data(runtime.runs, run_id) if recorded else {}
    return {
        "run_id": run_id,
        "request": (job or status or recorded)["request"],
        "status": current,
        "job": job,
        "error": (job or {}).get("error") or ((status or {}).get("detail") or {}).get("error"),
        "result": result,
        "report_html": markdown_html((result or {}).get("report_markdown")),
        "steps": (recorded or {}).get("steps") or [],
        "lineage_svg": svg(recorded, data) if recorded else None,
        "property_charts": property_charts(recorded, data) if recorded else [],
        "live": current in ("queued", "running"),
    }


def property_charts(run: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each compound whose properties a step of `run` computed (its recorded data holds `outputs.properties`),
    once, with its chart against the Lipinski and Veber limits."""
    from server.dashboard import property_chart

    charts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for step in run.get("steps") or []:
        out = data.get(step["step_id"])
        properties = (out.get("outputs") or {}).get("properties") if isinstance(out, dict) else None
        if not step.get("ok") or not isinstance(properties, dict):
            continue
        compound = out.get("compound") or {}
        name = str(compound.get("label") or compound.get("query") or step["step_id"])
        key = compound.get("record_key") or name
        drawn = property_chart.svg(name, properties)
        if drawn is None or key in seen:
            continue
        seen.add(key)
        charts.append({"name": name, "record_key": compound.get("record_key"), "svg": drawn,
                       "experiment_id": out.get("experiment_id"),
                       "violations": property_chart.violations(property_chart.bars(properties))})  # fmt: skip
    return charts


def lab_page(app_state, limit: int = 50) -> dict[str, Any]:
    """The lab's recent experiments, and the research queue (what waits, runs or needs approval)."""
    store = app_state.profiles.base.labs.store
    experiments = [e for e in (store.get(i) for i in store.recent(limit)) if e is not None]
    jobs = app_state.jobs.store.list(limit=500)
    waiting = [j for j in jobs if j["status"] in ("queued", "running", "awaiting_approval")]
    return {"experiments": experiments, "queue": waiting, "counts": dict(Counter(j["status"] for j in jobs)),
            "pending_here": app_state.jobs.pending()}  # fmt: skip


def schedules_page(app_state, next_run) -> dict[str, Any]:
    return {"loops": [{**loop, "next_run": next_run(loop["name"])} for loop in app_state.loops.list()]}


def schedule_page(app_state, name: str, next_run) -> dict[str, Any] | None:
    from agents.loops.digest import digest_markdown

    try:
        loop = app_state.loops.get(name)
    except Ech0Error:
        return None
    recent = app_state.loops.iterations(name, 20)
    for item in recent:
        done = item["status"] == "done" and item["digest"].get("iteration") == item["number"]
        item["html"] = markdown_html(digest_markdown(loop, item["digest"])) if done else ""
    return {"sched": {**loop, "next_run": next_run(name)}, "iterations": recent}


def evals_root(app_state) -> Path:
    return app_state.settings.data_dir / "evals"


def evals_page(app_state) -> dict[str, Any]:
    from evals.harness.base import list_runs

    runs = list_runs(evals_root(app_state))
    headline = {}  # suite → its first metric, plotted over the runs when there are two or more
    for run in reversed(runs):
        numeric = [k for k, v in run["metrics"].items() if isinstance(v, int | float)]
        if numeric:
            headline.setdefault(run["suite"], numeric[0])
    counts = Counter(r["suite"] for r in runs)
    return {"runs": runs, "trends": [(suite, metric) for suite, metric in headline.items() if counts[suite] > 1]}


def trend_png(app_state, suite: str, metric: str) -> bytes | None:
    """A PNG of `metric` over the runs of `suite`, oldest first (matplotlib, Agg); None without data."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evals.harness.base import list_runs

    points = [(r["started_at"][:16], r["metrics"].get(metric)) for r in reversed(list_runs(evals_root(app_state)))
              if r["suite"] == suite and isinstance(r["metrics"].get(metric), int | float)]  # fmt: skip
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.0), dpi=100)
    try:
        ax.plot(range(len(points)), [v for _, v in points], marker="o", color="#3b6ea5")
        ax.set_xticks(range(len(points)), [t for t, _ in points], rotation=30, fontsize=7, ha="right")
        ax.set_title(f"{suite}: {metric} per run", fontsize=10)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def eval_page(app_state, run_id: str) -> dict[str, Any] | None:
    from evals.harness.base import load_run

    if not RUN_ID.match(run_id):
        return None
    folder = evals_root(app_state) / run_id
    try:
        run = load_run(folder)
    except Ech0Error:
        return None
    images = [f for f in run.files if EVAL_FILE.match(f) and (folder / f).is_file()]
    failed = [c for c in run.cases if not c.passed]
    return {"run": run, "images": images, "failed": failed[:100], "n_failed": len(failed)}


def eval_file(app_state, run_id: str, name: str) -> Path | None:
    """A PNG of an eval run, only from inside DATA_DIR/evals/<run id>/."""
    if not RUN_ID.match(run_id) or not EVAL_FILE.match(name):
        return None
    root = evals_root(app_state).resolve()
    path = (root / run_id / name).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def structure_svg(smiles: str) -> str | None:
    """A 2D depiction as a data: URI (an <img>, so the SVG cannot run anything), or None."""
    from rdkit.Chem.Draw import rdMolDraw2D

    from knowledge.common.mol import try_mol

    mol = try_mol(smiles)
    if mol is None:
        return None
    drawer = rdMolDraw2D.MolDraw2DSVG(320, 240)
    drawer.DrawMolecule(mol)
    drawer.FinishDrawing()
    return "data:image/svg+xml;base64," + base64.b64encode(drawer.GetDrawingText().encode()).decode()


def _predictions(runtime, smiles: str) -> list[dict[str, Any]]:
    from labs.models.predict import predict_smiles
    from labs.models.registry import ModelRegistry

    registry = ModelRegistry(runtime.settings.models_dir)
    out = []
    for meta in registry.list():
        try:
            row = predict_smiles(registry, meta["ref"], [smiles]).predictions[0]
        except Ech0Error as exc:
            out.append({"model": meta["ref"], "target": meta.get("target"), "error": str(exc)})
            continue
        out.append({"model": meta["ref"], "target": meta.get("target"), "task": meta.get("task"), **row.model_dump()})
    return out


def compound_page(runtime, query: str) -> dict[str, Any]:
    """A compound's record, structure, computed properties, structural alerts and model predictions.

    Raises CompoundNotFoundError (or InvalidSmilesError) for what does not resolve.
    """
    record = runtime.compounds.get(query) or runtime.compounds.resolve(query)
    props = runtime.labs.run("chemistry", "properties", {"smiles": record.smiles})
    try:
        alerts = runtime.labs.run("toxicology", "alerts", {"smiles": record.smiles})
    except Ech0Error as exc:
        log.info("no alerts for %s: %s", record.key, exc)
        alerts = None
    return {
        "record": record,
        "structure": structure_svg(record.smiles),
        "properties": props.outputs.get("properties", {}),
        "formula": props.outputs.get("formula"),
        "experiment_id": props.experiment_id,
        "alerts": alerts.outputs if alerts else None,
        "alerts_experiment_id": alerts.experiment_id if alerts else None,
        "predictions": _predictions(runtime, record.smiles),
    }
