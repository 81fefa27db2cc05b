"""Batch mode: answer a JSONL file of requests with one runtime, appending one result line per request.

A rerun skips the ids already in the output, so an interrupted batch resumes where it stopped; a request
that fails gets a result line with its error instead of stopping the batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error, IndexMissingError
from knowledge.common.jsonl import jsonl_rows


def read_requests(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise Ech0Error(f"batch file {path} does not exist")
    rows: list[dict[str, str]] = []
    for number, row in jsonl_rows(path):
        if not isinstance(row.get("request"), str) or "id" not in row:
            raise Ech0Error(f'{path}:{number} needs a string "request" and an "id"')
        rows.append({"id": str(row["id"]), "request": row["request"]})
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise Ech0Error(f"{path} repeats ids: each request needs its own id")
    return rows


def _done_ids(out: Path) -> set[str]:
    if not out.exists():
        return set()
    done = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            done.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            continue  # a line cut short by a crash: that request runs again
    return done


def result_row(request_id: str, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": request_id,
        "answer": result.get("answer"),
        "report_markdown": result["report_markdown"],
        "claims": result["claims"],
        "citations": result["citations"],
        "run_id": result["run_id"],
        "notes": result.get("notes", []),
    }


def error_row(request_id: str, error: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "answer": None,
        "report_markdown": f"# ECH0 research report\n\nThe request could not be answered: {error}",
        "claims": [],
        "citations": [],
        "run_id": None,
        "error": error,
    }


def run_batch(batch: Path, out: Path, runtime=None, context=None) -> dict[str, int]:
    """Answer every request of `batch` not yet in `out`; `context` is each run's configuration (RunContext)."""
    from server.commands.common import progress_bar
    from server.commands.common import runtime as make_runtime

    rows = read_requests(batch)
    done = _done_ids(out)
    todo = [r for r in rows if r["id"] not in done]
    out.parent.mkdir(parents=True, exist_ok=True)
    rt = runtime or make_runtime()
    answered = failed = 0
    try:
        with out.open("a", encoding="utf-8") as sink, progress_bar("answering") as bar:
            task = bar.add_task("batch", total=len(todo))
            for row in todo:
                try:
                    line = result_row(row["id"], rt.research.ask(row["request"], context=context))
                    answered += 1
                except IndexMissingError:
                    raise  # a set-up error every request would hit: stop and say how to fix it
                except Ech0Error as exc:
                    line = error_row(row["id"], str(exc))
                    failed += 1
                sink.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
                sink.flush()
                bar.advance(task)
    finally:
        if runtime is None:
            rt.close()
    return {"answered": answered, "failed": failed, "skipped": len(rows) - len(todo)}
