"""Autonomous discovery loops: each iteration fetches new literature, re-asks the standing questions, keeps
what is new, runs the labs on newly seen compounds, and writes a digest (markdown + JSON, optional webhook).

An iteration is idempotent and exclusive: the loop store hands out one iteration number at a time, so an
overlapping trigger does nothing. It runs under a budget of tool calls and wall time and says when it stopped
early. A finding is new when it cites something no earlier iteration cited, or when its claim is far (cosine
distance) from every claim reported before.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.loop_store import LoopStore
from knowledge.errors import Ech0Error
from server.wiring import Runtime

NOVELTY_DISTANCE = 0.15  # cosine distance above which a claim is a different finding, not a rewording


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


def _fetch_literature(runtime: Runtime, spec: dict[str, Any]) -> list:
    """The documents of this iteration's fetch: a live source through the shared HTTP stack, or a file."""
    from knowledge.corpus import load_corpus

    if spec.get("source") == "file":
        path = Path(spec["path"])
        return list(load_corpus(path, spec.get("name", "loop")))
    if spec.get("source") in ("pubmed", "arxiv"):
        from server.indexing import fetch_documents
        from server.wiring import make_http_client

        with make_http_client(runtime.settings) as http:
            return fetch_documents(runtime, spec["source"], spec["query"], int(spec.get("max", 50)), http).documents
    return []


def digest_markdown(loop: dict[str, Any], digest: dict[str, Any]) -> str:
    lines = [f"# Discovery loop `{loop['name']}` — iteration {digest['iteration']}", "", f"> {loop['program']}", ""]
    lines += [f"New documents ingested: {digest['new_documents']}; newly seen compounds: "
              f"{', '.join(digest['new_compounds']) or 'none'}.", ""]  # fmt: skip
    if digest["new_findings"]:
        lines += ["## New findings", ""]
        for f in digest["new_findings"]:
            lines.append(f"- {f['text']} (sources: {', '.join(f['citations'])}; run `{f['run_id']}`)")
        lines.append("")
    else:
        lines += ["Nothing new since the last iteration.", ""]
    if digest["labs"]:
        lines += ["## Labs on new compounds", ""]
        lines += [f"- {r['compound']}: {r['summary']} (`{r['experiment_id']}`)" for r in digest["labs"]] + [""]
    if digest.get("stopped_early"):
        lines += [f"Stopped early: {digest['stopped_early']}.", ""]
    return "\n".join(lines)


def _lab_compounds(runtime: Runtime, compounds: list[str], budget: Budget) -> list[dict[str, Any]]:
    out = []
    for key in compounds:
        if budget.exhausted:
            break
        record = runtime.compounds.get(key)
        if record is None:
            continue
        props = runtime.labs.run("chemistry", "properties", {"smiles": record.smiles})
        alerts = runtime.labs.run("toxicology", "alerts", {"smiles": record.smiles})
        budget.spend(2)
        p = props.outputs["properties"]
        summary = (f"MW {p['molecular_weight']}, logP {p['logp']}, QED {p['qed']}, "
                   f"{alerts.outputs['n_alerts']} structural alerts")  # fmt: skip
        out.append({"compound": record.label, "key": key, "summary": summary, "experiment_id": props.experiment_id,
                    "alerts_experiment_id": alerts.experiment_id})  # fmt: skip
    return out


def run_iteration(runtime: Runtime, store: LoopStore, name: str, out_dir: Path) -> dict[str, Any] | None:
    """One iteration of loop `name`; None when another iteration of it is running."""
    from server.indexing import add_documents
    from server.research import ask

    loop = store.get(name)
    budget = Budget(int(loop["budget"].get("tool_calls", 50)), float(loop["budget"].get("wall_s", 600)))
    number = store.begin_iteration(name, stale_after_s=max(budget.wall_s * 2, 60))
    if number is None:
        return None
    try:
        seen_docs = store.seen(name, "document")
        docs = [d for d in _fetch_literature(runtime, loop["literature"]) if d.key not in seen_docs]
        if docs:
            runtime.retriever.close()  # the embedded index has one writer: let ingestion open it
            add_documents(runtime, docs)
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
            result = ask(runtime, question)
            budget.spend(len(runtime.runs.get_run(result["run_id"])["steps"]) if result["status"] == "done" else 1)
            claims = result["claims"]
            if not claims:
                continue
            vectors = runtime.embedder.embed_documents([c["text"] for c in claims])
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
        labs = _lab_compounds(runtime, new_compounds, budget)
        stopped = stopped or budget.exhausted
        digest = {
            "loop": name,
            "iteration": number,
            "new_documents": len(docs),
            "new_findings": findings,
            "new_compounds": [r.label for r in map(runtime.compounds.get, new_compounds) if r is not None],
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
