"""The human side of a run: its plots (PNG through matplotlib's Agg backend) and a markdown report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.harness.base import REPORT_FILE, EvalRun, Plot

MAX_CASE_ROWS = 200


def draw(plot: Plot, out_dir: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    try:
        if plot.kind == "bar" and not any(plot.y):  # e.g. no problems found: say it, do not draw an empty axis
            ax.set_axis_off()
            ax.text(0.5, 0.5, "none found: every count is 0", ha="center", va="center", transform=ax.transAxes,
                    fontsize=12, color="#555")  # fmt: skip
        elif plot.kind == "bar":
            ax.bar([str(x) for x in plot.x], plot.y, color="#3b6ea5")
            ax.tick_params(axis="x", labelrotation=30 if len(plot.x) > 4 else 0, labelsize=8)
        elif plot.kind == "hist":
            values = [float(v) for v in plot.x if v is not None]
            ax.hist(values, bins=min(20, max(5, len(values) // 2 or 1)), color="#3b6ea5")
        else:
            ax.scatter(plot.x, plot.y, s=14, alpha=0.7, color="#3b6ea5")
            if plot.x:
                low, high = min(plot.x + plot.y), max(plot.x + plot.y)
                ax.plot([low, high], [low, high], color="#999", linewidth=1, linestyle="--")
        ax.set_title(plot.title, fontsize=10)
        ax.set_xlabel(plot.xlabel)
        ax.set_ylabel(plot.ylabel)
        fig.tight_layout()
        path = out_dir / plot.file
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def _cell(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def markdown(run: EvalRun, plots: list[str]) -> str:
    lines = [f"# Eval `{run.suite}` — run `{run.run_id}`", "",
             f"File: `{run.file}` · started {run.started_at} · {run.seconds:.1f} s · "
             f"{run.passed}/{len(run.cases)} cases passed", "",
             "| metric | value | better |", "|---|---|---|"]  # fmt: skip
    for key, value in run.metrics.items():
        lines.append(f"| {key} | {_number(value)} | {run.directions.get(key, 'info')} |")
    lines.append("")
    for name in plots:
        lines += [f"![{name}]({name})", ""]
    if run.cases:
        failed = [c for c in run.cases if not c.passed]
        shown = (failed + [c for c in run.cases if c.passed])[:MAX_CASE_ROWS]
        lines += [f"## Cases ({len(failed)} failed first)", "", "| id | passed | score | expected | got | note |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for c in shown:
            note = c.detail.get("why") or ""
            lines.append(f"| {_cell(c.id, 40)} | {'yes' if c.passed else '**no**'} | {_number(c.score)} | "
                         f"{_cell(c.expected)} | {_cell(c.got)} | {_cell(note)} |")  # fmt: skip
        if len(run.cases) > len(shown):
            lines.append(f"\n… and {len(run.cases) - len(shown)} more in result.json")
        lines.append("")
    return "\n".join(lines)


def write_report(run: EvalRun, plots: list[Plot], out_dir: Path, images: list[str] = ()) -> list[str]:
    """Draw the plots and write report.md showing them and `images` (PNGs the suite wrote); returns the files
    written, relative to `out_dir`."""
    names = [draw(plot, out_dir).name for plot in plots]
    (out_dir / REPORT_FILE).write_text(markdown(run, names + list(images)), encoding="utf-8")
    return [REPORT_FILE, *names]
