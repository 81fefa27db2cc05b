"""Running research requests through the ECH0 graph: the one entry point the CLI (and later the API) use."""

from __future__ import annotations

import uuid
from typing import Any

from server.wiring import Runtime


def ask(runtime: Runtime, request: str, run_id: str | None = None) -> dict[str, Any]:
    """Answer one request; returns the report's JSON form (run_id, report_markdown, claims, citations, notes)."""
    run_id = run_id or uuid.uuid4().hex[:12]
    state = runtime.graph.invoke(
        {"run_id": run_id, "request": request, "results": []},
        config={"configurable": {"thread_id": run_id}},
    )
    report = state["report"]
    return {
        "run_id": run_id,
        "request": request,
        "answer": report.get("answer"),
        "report_markdown": report["report_markdown"],
        "claims": [{"text": c["text"], "citations": c["citations"], "section": c["section"]} for c in report["claims"]],
        "citations": report["citations"],
        "notes": report["notes"],
    }
