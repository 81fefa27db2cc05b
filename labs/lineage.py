"""Lineage in the results database: workflow runs, their nodes, and where each experiment's inputs came from.

The experiments table already holds each experiment's inputs (params) and outputs. Three tables add the rest:

- `lab_workflow_runs`: one row per workflow run (spec, inputs, status, outputs);
- `lab_run_nodes`: each node of a run, with its experiment id, whether it came from the cache, and its typed
  failure or skip reason;
- `lab_lineage`: one edge per referenced value: (experiment, parameter) ← (a workflow input, or an upstream
  experiment and the output path it was read from), within a run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Engine, Float, Integer, String, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables
from knowledge.common.errors import Ech0Error
from labs.jobs import utc


class WorkflowRunRow(Base):
    __tablename__ = "lab_workflow_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(128), index=True)
    spec_hash: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict] = mapped_column(JSON)
    inputs: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    outputs: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RunNodeRow(Base):
    __tablename__ = "lab_run_nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    node: Mapped[str] = mapped_column(String(64))
    lab: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    experiment_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    failure: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)


class LineageEdgeRow(Base):
    __tablename__ = "lab_lineage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    experiment_id: Mapped[str] = mapped_column(String(40), index=True)
    param: Mapped[str] = mapped_column(String(128))
    source_kind: Mapped[str] = mapped_column(String(16))  # "input" or "experiment"
    source: Mapped[str] = mapped_column(String(256), index=True)  # input name or upstream experiment id
    source_node: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_path: Mapped[str] = mapped_column(String(256))


def _columns(row: Any) -> dict[str, Any]:
    data = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    return {k: utc(v) if isinstance(v, datetime) else v for k, v in data.items()}


class LineageStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine, WorkflowRunRow, RunNodeRow, LineageEdgeRow)

    # writing -------------------------------------------------------------------------------------------------
    def start_run(self, run_id: str, workflow: str, spec_hash: str, spec: dict, inputs: dict) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(
                WorkflowRunRow(
                    id=run_id,
                    workflow=workflow,
                    spec_hash=spec_hash,
                    spec=spec,
                    inputs=inputs,
                    status="running",
                    created_at=datetime.now(UTC),
                )
            )

    def record_node(self, run_id: str, node: dict[str, Any], edges: list[dict[str, Any]]) -> None:
        """One node's outcome and the edges into its experiment (none for a failed or skipped node)."""
        with Session(self.engine) as session, session.begin():
            session.add(RunNodeRow(run_id=run_id, **node))
            for edge in edges:
                session.add(LineageEdgeRow(run_id=run_id, experiment_id=node["experiment_id"], **edge))

    def finish_run(self, run_id: str, status: str, outputs: dict[str, Any]) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(WorkflowRunRow)
                .where(WorkflowRunRow.id == run_id)
                .values(status=status, outputs=outputs, finished_at=datetime.now(UTC))
            )

    # reading -------------------------------------------------------------------------------------------------
    def run(self, run_id: str) -> dict[str, Any]:
        with Session(self.engine) as session:
            row = session.get(WorkflowRunRow, run_id)
            if row is None:
                raise Ech0Error(f"no workflow run {run_id!r} in the results store: see `ech0 lab runs`")
            data = _columns(row)
            nodes = session.scalars(select(RunNodeRow).where(RunNodeRow.run_id == run_id).order_by(RunNodeRow.id))
            data["nodes"] = {n.node: _columns(n) for n in nodes}
            edges = session.scalars(select(LineageEdgeRow).where(LineageEdgeRow.run_id == run_id))
            data["edges"] = [_columns(e) for e in edges]
        return data

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            rows = session.scalars(select(WorkflowRunRow).order_by(WorkflowRunRow.created_at.desc()).limit(limit))
            return [{k: v for k, v in _columns(r).items() if k not in ("spec",)} for r in rows]

    def appearances(self, experiment_id: str) -> list[dict[str, Any]]:
        """The workflow runs and nodes an experiment was produced or reused in."""
        with Session(self.engine) as session:
            rows = session.scalars(select(RunNodeRow).where(RunNodeRow.experiment_id == experiment_id))
            return [{"run_id": r.run_id, "node": r.node, "cached": r.cached} for r in rows]

    def edges_of(self, experiment_ids: set[str]) -> list[dict[str, Any]]:
        """Edges into or out of any of these experiments, deduplicated across runs."""
        if not experiment_ids:
            return []
        with Session(self.engine) as session:
            rows = session.scalars(
                select(LineageEdgeRow).where(
                    or_(LineageEdgeRow.experiment_id.in_(experiment_ids), LineageEdgeRow.source.in_(experiment_ids))
                )
            )
            seen, out = set(), []
            for r in rows:
                key = (r.experiment_id, r.param, r.source_kind, r.source, r.source_path)
                if key not in seen:
                    seen.add(key)
                    out.append({k: v for k, v in _columns(r).items() if k not in ("id",)})
            return out

    def closure(self, experiment_id: str) -> tuple[set[str], set[str], list[dict[str, Any]]]:
        """All ancestors and descendants of an experiment (through any run) and the edges between them."""
        ancestors: set[str] = set()
        descendants: set[str] = set()
        edges: dict[tuple, dict[str, Any]] = {}
        for direction, found in (("up", ancestors), ("down", descendants)):
            frontier = {experiment_id}
            while frontier:
                new: set[str] = set()
                for e in self.edges_of(frontier):
                    edges[(e["experiment_id"], e["param"], e["source_kind"], e["source"], e["source_path"])] = e
                    if direction == "up" and e["experiment_id"] in frontier and e["source_kind"] == "experiment":
                        new.add(e["source"])
                    if direction == "down" and e["source"] in frontier:
                        new.add(e["experiment_id"])
                frontier = new - found - {experiment_id}
                found |= frontier
        keep = ancestors | descendants | {experiment_id}
        chosen = [
            e
            for e in edges.values()
            if e["experiment_id"] in keep and (e["source_kind"] == "input" or e["source"] in keep)
        ]
        return ancestors, descendants, chosen


def lineage_graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON graph: experiment and input nodes, edges `source → experiment` labelled with path and parameter."""
    graph_nodes: dict[str, dict[str, Any]] = {n["id"]: {**n, "kind": "experiment"} for n in nodes}
    graph_edges = []
    for e in edges:
        source = e["source"] if e["source_kind"] == "experiment" else f"input:{e['source']}"
        if e["source_kind"] == "input":
            graph_nodes.setdefault(source, {"id": source, "kind": "input", "name": e["source"]})
        graph_edges.append(
            {
                "from": source,
                "to": e["experiment_id"],
                "output": e["source_path"],
                "param": e["param"],
                "run_id": e.get("run_id"),
            }
        )
    return {"nodes": list(graph_nodes.values()), "edges": graph_edges}
