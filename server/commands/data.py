"""`ech0 data …`: the training-data factory (generate), its quality gates (check) and publishing (push)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from server.commands.common import print_json, progress_bar

app = typer.Typer(help="Generate verified training data, check a data set, push it to the Hub.", no_args_is_help=True)


class _LazyProgress:
    """A progress bar on stderr that appears with the first progress report, so that an input error raised before
    any work starts prints as one line."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.task = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = progress_bar(self.label)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __enter__(self) -> _LazyProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _paraphraser():
    """The OpenAI-compatible paraphraser configured by the LLM settings (base_url, api_key, model)."""
    from finetune.dataset.paraphrase import OpenAIParaphraser
    from server.settings import current_settings

    llm = current_settings().llm
    key = llm.api_key.get_secret_value() if llm.api_key is not None else None
    return OpenAIParaphraser(base_url=llm.base_url, model=llm.model, api_key=key, timeout_s=llm.timeout_s)


@app.command("generate")
def generate(
    out: Path = typer.Option(..., "--out", help="directory for the data set (created; a rerun resumes)"),
    compounds: int | None = typer.Option(None, "--compounds", help="input compounds (default: every shipped one)"),
    seed: int = typer.Option(0, "--seed", help="random seed: the same seed gives the same data set"),
    workers: int | None = typer.Option(None, "--workers", min=1, help="processes (default: the cores)"),
    input_csv: Path | None = typer.Option(None, "--input", help="CSV with a smiles column instead of shipped sets"),
    llm: bool = typer.Option(False, "--llm", help="paraphrase through the OpenAI-compatible endpoint (LLM settings)"),
    executor: str | None = typer.Option(None, "--executor", help="local (process pool) or ray (lab.executor)"),
    push_to_hub: str | None = typer.Option(
        None, "--push-to-hub", help="then upload the data set to this Hub dataset repo (as `ech0 data push`)"
    ),
    private: bool = typer.Option(False, "--private", help="with --push-to-hub: create the repo private"),
    as_json: bool = typer.Option(False, "--json", help="print the generation report as JSON"),
) -> None:
    """Generate verified examples: templates, rule-based reasoning, paraphrases, analogues and tool use."""
    from finetune.dataset.factory import generate_dataset
    from knowledge.common.errors import Ech0Error
    from server.settings import current_settings

    executor = executor or current_settings().lab.executor
    if executor not in ("local", "ray"):
        raise Ech0Error(f"unknown executor {executor!r}: use local or ray")
    if push_to_hub and not os.environ.get("HF_TOKEN"):  # say it before generating, not after
        raise Ech0Error(f"--push-to-hub {push_to_hub}: set HF_TOKEN to a Hugging Face write token")
    with _LazyProgress("generating") as progress:
        report = generate_dataset(
            out,
            compounds,
            seed,
            workers,
            compounds_csv=input_csv,
            paraphraser=_paraphraser() if llm else None,
            executor=executor,
            on_progress=progress.update,
        )
    pushed = _push(out, push_to_hub, private) if push_to_hub else None
    if as_json:
        print_json({**report.model_dump(), "push": pushed.model_dump() if pushed else None})
        return
    if pushed:
        typer.echo(_pushed_line(out, pushed), err=True)
    status = "already complete, nothing redone" if report.complete_before else f"{report.wall_s:.1f} s"
    typer.echo(
        f"{report.examples:,} examples ({report.tasks} tasks, {report.templates} templates) in {out} — {status}\n"
        f"  splits {report.splits}; invalid compounds {report.invalid}; duplicates removed: exact "
        f"{report.exact_duplicates}, near {report.near_duplicates} ({report.near_duplicate_rate:.2%})\n"
        f"  {report.examples_per_hour:,.0f} examples/hour on {report.workers} workers"
    )


@app.command("check")
def check(
    directory: Path = typer.Argument(..., help="a data set directory made by `ech0 data generate`"),
    workers: int | None = typer.Option(None, "--workers", min=1, help="processes (default: the cores)"),
    as_json: bool = typer.Option(False, "--json", help="print the check report as JSON"),
) -> None:
    """Recompute every SMILES and fact, find duplicates and scaffold leaks, measure diversity; exit 1 on failure."""
    from finetune.quality.check import run_check

    with progress_bar("checking") as bar:
        task = bar.add_task("examples", total=None)
        report = run_check(
            directory, workers, on_progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    if as_json:
        print_json(report.model_dump())
    else:
        failed = [gate for gate, ok in report.gates.items() if not ok]
        typer.echo(
            f"{'PASSED' if report.passed else 'FAILED'}: {report.examples:,} examples, {report.facts_checked:,} facts "
            f"recomputed; problems {report.problems}; exact duplicates {report.exact_duplicates}; near-duplicate "
            f"rate {report.near_duplicate_rate:.4%}; scaffold leaks {report.scaffold_leaks}"
            + (f"\n  failed gates: {', '.join(failed)}" if failed else "")
            + f"\n  report: {directory / 'qa' / 'report.md'}"
        )
    if not report.passed:
        raise typer.Exit(code=1)


@app.command("push")
def push(
    directory: Path = typer.Argument(..., help="a data set directory made by `ech0 data generate`"),
    repo: str = typer.Argument(..., help="Hugging Face Hub dataset repo id: NAME or OWNER/NAME (created if absent)"),
    private: bool = typer.Option(False, "--private", help="create the repo private (an existing one keeps its own)"),
    as_json: bool = typer.Option(False, "--json", help="print the push result as JSON"),
) -> None:
    """Upload the data set folder (Parquet, JSONL, card, QA report) to a Hub dataset repo in one commit.

    The token is HF_TOKEN (a write token); HF_ENDPOINT names a Hub other than huggingface.co."""
    result = _push(directory, repo, private)
    if as_json:
        print_json(result.model_dump())
        return
    typer.echo(_pushed_line(directory, result))


def _push(directory: Path, repo: str, private: bool):
    """Upload a data set folder with the token (HF_TOKEN) and Hub (HF_ENDPOINT) of the environment."""
    from finetune.dataset.hub import push_dataset

    token, endpoint = os.environ.get("HF_TOKEN") or None, os.environ.get("HF_ENDPOINT") or None
    return push_dataset(directory, repo, token=token, private=private, endpoint=endpoint)


def _pushed_line(directory: Path, result) -> str:
    return f"pushed {len(result.files)} files of {directory} to {result.url} ({result.commit_url})"
