"""`ech0 feedback RUN --rating N [--correction TEXT]`, and `ech0 feedback --export DIR` for the flywheel."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import print_json, runtime


def feedback(
    run_id: str | None = typer.Argument(None, help="the run the feedback is about"),
    rating: int | None = typer.Option(None, "--rating", help="-1 (wrong or unhelpful), 0 (neutral), 1 (good)"),
    correction: str | None = typer.Option(None, "--correction", help="what the answer should have been"),
    export: Path | None = typer.Option(None, "--export", help="write eval cases and training examples to DIR"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Store feedback on a run; with --export, turn all feedback into eval cases and training examples."""
    from knowledge.common.errors import Ech0Error
    from server.feedback_store import FeedbackStore

    rt = runtime()
    store = FeedbackStore(rt.settings.db_url)
    if export is not None:
        from finetune.feedback import export_feedback

        counts = export_feedback(store.list(limit=1_000_000), rt.runs.get_run, export)
        print_json(counts) if as_json else typer.echo(
            f"{counts['eval_cases']} eval cases and {counts['train_examples']} training examples in {export}"
        )
        return
    if run_id is None:
        raise Ech0Error("give the run id: ech0 feedback RUN --rating 1 [--correction TEXT], or --export DIR")
    if rt.runs.get_run(run_id) is None:
        raise Ech0Error(f"no finished run {run_id!r}: list runs with `ech0 runs list`")
    record = store.add(run_id, rating, correction, source="cli")
    print_json(record) if as_json else typer.echo(f"feedback {record['id']} stored for run {run_id}")
