"""One iteration of an autonomous discovery loop: fetch new literature, re-ask the standing questions, keep what
is new, run the labs on newly seen compounds, and write a digest (markdown + JSON, optional webhook).

An iteration is idempotent and exclusive: the loop store hands out one iteration number at a time, so an
overlapping trigger does nothing. It runs under a budget of tool calls and wall time and says when it stopped
early. A finding is new when it cites something no earlier iteration cited, or when its claim is far (cosine
distance) from every claim reported before. What an iteration uses from the rest of the house (the index, the
research service, the embedder, the compounds, the labs) arrives as a `LoopServices` bundle.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.loops.digest import digest_markdown
from agents.loops.store import LoopStore
from knowledge.common.errors import Ech0Error
from knowledge.compound_models import CompoundRecord
from knowledge.corpus import Document, load_corpus
from labs.base import ExperimentResult

NOVELTY_DISTANCE = 0.15  # cosine distance above which a claim is a different finding, not a rewording


@dataclass(frozen=True)
class LoopServices:
    """What an iteration calls, built by the composition root from its runtime."""

    fetch_documents: Callable[[str, str, int], list[Document]]  # (pubmed|arxiv, query, max results) → documents
    add_documents: Callable[[list[Document]], object]  # ingest into the literature index the questions search
    ask: Callable[[str], dict[str, Any]]  # a research request → its result (the research service's `ask`)
    embed: Callable[[list[str]], np.ndarray]  # texts → unit vectors, one row each
    compound: Callable[[str], CompoundRecord | None]  # a compound record by its store key
    run_lab: Callable[[str, str, dict[str, Any]], ExperimentResult]  # (lab, operation, params) → recorded result
    count_steps: Callable[[str], int]  # the tool calls a finished run made


@dataclass
class Budget:
    tool_calls: int
    wall_s: float
    started: float = field(default_factory=time.perf_counter)
    used_calls: int = 0

    def spend(self, calls: int) -> None:
        self.used_calls += calls

    @property
    def exhausted(self) -> str | None:
        if self.used_calls >= self.tool_calls:
            return f"tool-call budget of {self.tool_calls} reached"
        if time.perf_counter() - self.started >= self.wall_s:
            return f"wall-time budget of {self.wall_s:.0f} s reached"
        return None


def parse_interval(text: str) -> float:
    """'30s', '15m', '6h', '1d' or plain seconds → seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    try:
        seconds = float(value[:-1]) * units[value[-1]] if value and value[-1] in units else float(value)
    except ValueError:
        raise Ech0Error(f"interval {text!r} is not a duration: use e.g. 30s, 15m, 6h or 1d") from None
    if seconds < 10:
        raise Ech0Error(f"interval {text!r} is shorter than 10 seconds")
    return seconds


def new_claims(claims: list[dict[str, Any]], vectors: np.ndarray, seen: dict[str, list | None]) -> list[int]:
    """Indices of claims that cite something unseen or differ (cosine distance) from every seen claim."""
    seen_citations = {k.removeprefix("cite:") for k in seen if k.startswith("cite:")}
    seen_vectors = np.array([v for k, v in seen.items() if k.startswith("claim:") and v], dtype=np.float32)
    fresh = []
    for i, claim in enumerate(claims):
        if (
            any(c not in seen_citations for c in claim["citations"])
            or not len(seen_vectors)
            or float(np.max(seen_vectors @ vectors[i])) < 1 - NOVELTY_DISTANCE
        ):
            fresh.append(i)
    return fresh


def fetch_literature(services: LoopServices, spec: dict[str, Any]) -> list[Document]:
    """The documents of this iteration's fetch: a live source (pubmed, arxiv), a corpus file, or none."""
    if spec.get("source") == "file":
        return list(load_corpus(Path(spec["path"]), spec.get("name", "loop")))
    if spec.get("source") in ("pubmed", "arxiv"):
        return services.fetch_documents(spec["source"], spec["query"], int(spec.get("max", 50)))
    return []


def _lab_compounds(services: LoopServices, compounds: list[str], budget: Budget) -> list[dict[str, Any]]:
    out = []
    for key in compounds:
        if budget.exhausted:
            break
        record = services.compound(key)
        if record is None:
            continue
        props = services.run_lab("chemistry", "properties", {"smiles": record.smiles})
        alerts = services.run_lab("toxicology", "alerts", {"smiles": record.smiles})
        budget.spend(2)
        p = props.outputs["properties"]
        summary = (f"MW {p['molecular_weight']}, logP {p['logp']}, QED {p['qed']}, "
                   f"{alerts.outputs['n_alerts']} structural alerts")  # fmt: skip
        out.append({"compound": record.label, "key": key, "summary": summary, "experiment_id": props.experiment_id,
                    "alerts_experiment_id": alerts.experiment_id})  # fmt: skip
    return out


def run_iteration(services: LoopServices, store: LoopStore, name: str, out_dir: Path) -> dict[str, Any] | None:
    """One iteration of loop `name`; None when another iteration of it is running."""
    loop = store.get(name)
    budget = Budget(int(loop["budget"].get("tool_calls", 50)), float(loop["budget"].get("wall_s", 600)))
    number = store.begin_iteration(name, stale_after_s=max(budget.wall_s * 2, 60))
    if number is None:
        return None
    try:
        seen_docs = store.seen(name, "document")
        docs = [d for d in fetch_literature(services, loop["literature"]) if d.key not in seen_docs]
        if docs:
            services.add_documents(docs)
        budget.spend(1 if loop["literature"].get("source") else 0)
        seen = {
            **{f"cite:{k}": None for k in store.seen(name, "citation")},
            **{f"claim:{k}": v for k, v in store.seen(name, "claim").items()},
        }
        findings, cited, claim_vectors, new_compound_keys = [], {}, {}, []
        stopped = None
        for question in loop["questions"] or [loop["program"]]:
            if (stopped := budget.exhausted) is not None:
                break
            result = services.ask(question)
            budget.spend(services.count_steps(result["run_id"]) if result["status"] == "done" else 1)
            claims = result["claims"]
            if not claims:
                continue
            vectors = services.embed([c["text"] for c in claims])
            for i in new_claims(claims, vectors, seen):
                findings.append({**claims[i], "run_id": result["run_id"], "question": question})
                claim_vectors[f"claim:{claims[i]['text']}"] = vectors[i].tolist()
                seen[f"claim:{claims[i]['text']}"] = vectors[i].tolist()
            for c in result["citations"]:
                cited[c["id"]] = None
                seen[f"cite:{c['id']}"] = None
                if c["kind"] == "compound":
                    new_compound_keys.append(c["id"])
        seen_compounds = store.seen(name, "compound")
        new_compounds = [k for k in dict.fromkeys(new_compound_keys) if k not in seen_compounds]
        labs = _lab_compounds(services, new_compounds, budget)
        stopped = stopped or budget.exhausted
        digest = {
            "loop": name,
            "iteration": number,
            "new_documents": len(docs),
            "new_findings": findings,
            "new_compounds": [r.label for r in map(services.compound, new_compounds) if r is not None],
            "labs": labs,
            "tool_calls": budget.used_calls,
            "wall_s": round(time.perf_counter() - budget.started, 2),
            "stopped_early": stopped,
        }
        store.mark_seen(name, "document", {d.key: None for d in docs}, number)
        store.mark_seen(name, "citation", cited, number)
        store.mark_seen(name, "claim", {k.removeprefix("claim:"): v for k, v in claim_vectors.items()}, number)
        store.mark_seen(name, "compound", {k: None for k in new_compounds}, number)
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"iteration-{number:04d}.json").write_text(json.dumps(digest, indent=2, default=str))
        (folder / f"iteration-{number:04d}.md").write_text(digest_markdown(loop, digest))
        digest["webhook"] = _notify(loop.get("webhook"), digest)
        store.finish_iteration(name, number, "done", digest)
        return digest
    except Exception as exc:
        store.finish_iteration(name, number, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        raise


def _notify(url: str | None, digest: dict[str, Any]) -> str | None:
    """POST the digest to the loop's webhook; a failure is recorded, never fatal."""
    if not url:
        return None
    import httpx

    try:
        httpx.post(url, json=digest, timeout=10).raise_for_status()
        return "sent"
    except httpx.HTTPError as exc:
        return f"failed: {type(exc).__name__}"
