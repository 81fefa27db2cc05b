"""A run's lineage as an SVG drawn on the server: request → plan steps → what they produced and the report cites
(experiments, compound records, documents). A step is linked to a citation when the step's recorded data
names that citation's id; a citation no step names hangs off the request.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

BOX_W, BOX_H, GAP_Y, COL_X = 230, 34, 12, (10, 300, 590)
WIDTH = COL_X[-1] + BOX_W + 10
COLOURS = {"request": "#3b6ea5", "ok": "#2e7d32", "failed": "#c62828", "pending": "#9e9e9e",
           "compound": "#6a1b9a", "experiment": "#ef6c00", "document": "#00695c"}  # fmt: skip


def step_data(runs, run_id: str) -> dict[str, Any]:
    """step id → the step's recorded data (the run store keeps it; `get_run` leaves it out)."""
    from agents.store import StepRow

    engine = getattr(runs, "engine", None)
    if engine is None:
        return {}
    with Session(engine) as session:
        return {r.step_id: r.data for r in session.scalars(select(StepRow).filter_by(run_id=run_id))}


def graph(run: dict[str, Any], data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Nodes (id, column, label, kind, href) and edges (source, target) of a recorded run."""
    nodes = [{"id": "request", "col": 0, "label": run["request"], "kind": "request", "href": None}]
    edges = []
    for step in run.get("steps") or []:
        sid = f"step:{step['step_id']}"
        kind = "ok" if step["ok"] else "failed"
        nodes.append({"id": sid, "col": 1, "label": f"{step['step_id']} {step['tool']}", "kind": kind, "href": None,
                      "title": step.get("error") or json.dumps(step.get("args"), ensure_ascii=False)})  # fmt: skip
        edges.append(("request", sid))
    for citation in (run.get("report") or {}).get("citations") or []:
        cid = f"cite:{citation['id']}"
        kind = citation.get("kind") if citation.get("kind") in COLOURS else "document"
        href = None
        if kind == "compound":
            href = f"/dashboard/compounds/{quote(citation['id'], safe=':')}"
        elif kind == "experiment":
            href = f"/dashboard/lab#{quote(citation['id'], safe='')}"
        nodes.append({"id": cid, "col": 2, "label": citation.get("title") or citation["id"], "kind": kind,
                      "href": href, "title": citation["id"]})  # fmt: skip
        sources = [f"step:{s}" for s, d in data.items() if d is not None and citation["id"] in json.dumps(d)]
        sources = [s for s in sources if any(n["id"] == s for n in nodes)] or ["request"]
        edges += [(s, cid) for s in sources]
    return {"nodes": nodes, "edges": [{"source": s, "target": t} for s, t in edges]}


def _short(text: str, limit: int = 34) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(run: dict[str, Any], data: dict[str, Any]) -> str:
    """The lineage graph as standalone SVG markup (every label escaped)."""
    g = graph(run, data)
    columns: dict[int, list[dict]] = {0: [], 1: [], 2: []}
    for node in g["nodes"]:
        columns[node["col"]].append(node)
    rows = max(len(c) for c in columns.values()) or 1
    height = rows * (BOX_H + GAP_Y) + GAP_Y + 20
    where = {}
    for col, nodes in columns.items():
        offset = (height - 20 - len(nodes) * (BOX_H + GAP_Y)) / 2
        for i, node in enumerate(nodes):
            where[node["id"]] = (COL_X[col], 20 + offset + i * (BOX_H + GAP_Y))
    label = escape(f"lineage of run {run['run_id']}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" role="img" width="{WIDTH}" '
             f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" aria-label="{label}">',
             '<g font-family="sans-serif" font-size="11">']  # fmt: skip
    for label, x in zip(("request", "steps", "produced / cited"), COL_X, strict=True):
        parts.append(f'<text x="{x}" y="12" fill="#555">{label}</text>')
    for edge in g["edges"]:
        (x1, y1), (x2, y2) = where[edge["source"]], where[edge["target"]]
        x1, y1, y2 = x1 + BOX_W, y1 + BOX_H / 2, y2 + BOX_H / 2
        mid = (x1 + x2) / 2
        parts.append(f'<path d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" '
                     'fill="none" stroke="#999" stroke-width="1.2"/>')  # fmt: skip
    for node in g["nodes"]:
        x, y = where[node["id"]]
        colour = COLOURS.get(node["kind"], "#555")
        box = (f'<g class="node {escape(node["kind"])}" data-id="{escape(node["id"])}">'
               f'<title>{escape(node.get("title") or node["label"])}</title>'
               f'<rect x="{x}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="#fff" stroke="{colour}" '
               f'stroke-width="2"/><text x="{x + 8}" y="{y + 21:.0f}" fill="#222">'
               f'{escape(_short(node["label"]))}</text>'
               "</g>")  # fmt: skip
        if node.get("href"):
            box = f'<a href="{escape(node["href"])}">{box}</a>'
        parts.append(box)
    parts.append("</g></svg>")
    return "".join(parts)
