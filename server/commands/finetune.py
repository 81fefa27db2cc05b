"""`ech0 finetune …`: LoRA/QLoRA fine-tuning, distillation, the CPU demo, export, vLLM serve config, continual.

torch, transformers, peft and trl are imported inside the commands, so `ech0 --help` stays instant.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from server.commands.common import console, print_json

app = typer.Typer(
    help="Fine-tune and distil the student LLM (trl + peft), export it, and write its vLLM serve command.",
    no_args_is_help=True,
)

CONFIG = typer.Option(..., "--config", help="YAML or TOML config (see finetune/configs/)")
AS_JSON = typer.Option(False, "--json", help="print JSON")


def _load(path: Path):
    """The config file over the settings' `finetune` section (ECH0_FINETUNE__…, ech0.toml)."""
    from finetune.training.config import load_config
    from server.settings import current_settings

    return load_config(path, defaults=current_settings().finetune)


def _log(message: str) -> None:
    console(stderr=True).print(message, markup=False, highlight=False)


def _quiet() -> None:
    """Keep library progress bars and advisory warnings off the terminal: the commands report their own progress."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from datasets.utils.logging import disable_progress_bar
    from transformers.utils import logging

    disable_progress_bar()
    logging.set_verbosity_error()
    logging.disable_progress_bar()


def _print_metrics(title: str, metrics: dict, as_json: bool) -> None:
    if as_json:
        print_json(metrics)
        return
    from rich.table import Table

    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value")
    for key, value in metrics.items():
        if not isinstance(value, dict | list):
            table.add_row(key, f"{value:.4g}" if isinstance(value, float) else str(value))
    console().print(table)


@app.command("sft")
def sft(config: Path = CONFIG, as_json: bool = AS_JSON) -> None:
    """Supervised fine-tuning with trl SFTTrainer and a peft LoRA adapter (QLoRA when quantization is 4bit)."""
    from finetune.training.sft import run_sft

    _quiet()
    cfg = _load(config)
    _print_metrics(f"SFT → {cfg.adapter_dir}", run_sft(cfg, log=_log), as_json)


@app.command("distill")
def distill(config: Path = CONFIG, as_json: bool = AS_JSON) -> None:
    """Distil a teacher into the student: 'sequence' (endpoint teacher, verified answers) or 'logit' (GKD)."""
    from knowledge.common.errors import Ech0Error

    _quiet()
    cfg = _load(config)
    if cfg.distill is None:
        raise Ech0Error(f"{config} has no `distill` section: set distill.method and the teacher")
    if cfg.distill.method == "sequence":
        from finetune.training.distill import make_teacher_client, run_sequence_kd

        teacher = cfg.distill.teacher
        api_key = os.environ.get(teacher.api_key_env) if teacher.api_key_env else None
        metrics = run_sequence_kd(cfg, make_teacher_client(teacher, api_key), log=_log)
    else:
        from finetune.training.distill import run_logit_kd

        metrics = run_logit_kd(cfg, log=_log)
    _print_metrics(f"distillation ({cfg.distill.method}) → {cfg.adapter_dir}", metrics, as_json)


@app.command("demo")
def demo(
    out: Path = typer.Option(Path(".ech0/finetune-demo"), "--out", help="working directory of the demo"),
    compounds: int = typer.Option(60, "--compounds", min=4, help="compounds the generated data set covers"),
    steps: int = typer.Option(12, "--steps", min=1, help="optimizer steps of each training run"),
    eval_rows: int = typer.Option(40, "--eval-rows", min=4, help="held-out questions each model answers"),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = AS_JSON,
) -> None:
    """CPU demo: SmolLM2 teacher, a layer-pruned student trained by SFT and by distillation, compared honestly."""
    from finetune.training.demo import DemoSettings, run_demo

    _quiet()
    settings = DemoSettings(out_dir=out, compounds=compounds, steps=steps, eval_rows=eval_rows, seed=seed)
    result = run_demo(settings, log=_log)
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{result['eval_rows']} held-out questions, {result['wall_s']:.0f} s in all")
    for column in ("model", "layers", "trained", "accuracy", "correct", "answer NLL"):
        table.add_column(column)
    for name in ("teacher", "student_init", "student_sft", "student_distilled"):
        row = result[name]
        accuracy = f"{row['accuracy']:.3f}" if "accuracy" in row else "—"
        correct = f"{row['correct']}/{row['n']}" if "correct" in row else "—"
        table.add_row(name, str(row["layers"]), row["trained"], accuracy, correct, f"{row['answer_nll']:.2f}")
    out_console = console()
    out_console.print(table)
    out_console.print(result["conclusion"], markup=False, highlight=False)


@app.command("export")
def export(
    config: Path = CONFIG,
    adapter: Path | None = typer.Option(None, "--adapter", help="adapter directory (default: OUTPUT_DIR/adapter)"),
    quantize: bool = typer.Option(True, "--quantize/--merge-only", help="also run the 4-bit export (llm-compressor)"),
    as_json: bool = AS_JSON,
) -> None:
    """Merge the LoRA adapter into its base and save; then the 4-bit AWQ/GPTQ export for vLLM on GPU hosts."""
    from finetune.serving.export import run_export

    _quiet()
    report = run_export(_load(config), adapter, quantize=quantize)
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        typer.echo(f"{key}: {value}")


@app.command("serve-config")
def serve_config(
    config: Path = CONFIG,
    out: Path | None = typer.Option(None, "--out", help="write an executable launch script here"),
    adapter: Path | None = typer.Option(None, "--adapter", help="adapter directory (default: OUTPUT_DIR/adapter)"),
    as_json: bool = AS_JSON,
) -> None:
    """Write the `vllm serve` command for the student (LoRA adapter or merged export); the API key stays in env."""
    from finetune.serving.serve_config import vllm_command, write_script

    cfg = _load(config)
    if cfg.serve.mode == "lora" and not cfg.serve.base_model and cfg.model.name_or_path == "smollm2":
        from finetune.training.smollm2 import save_smollm2

        save_smollm2(cfg.output_dir.parent / "smollm2-135m-instruct")  # vLLM loads a transformers directory
    command = vllm_command(cfg, adapter)
    if out is not None:
        write_script(command, out)
    if as_json:
        print_json({"argv": command.argv, "command": command.shell(), "client_env": command.client_env, "out": out})
    elif out is None:
        typer.echo(command.script(), nl=False)
    else:
        typer.echo(f"wrote {out}: {command.shell()}")


@app.command("continual")
def continual(config: Path = CONFIG, as_json: bool = AS_JSON) -> None:
    """Retrain the adapter once enough new verified examples or feedback arrived; switch only if it scores better."""
    from finetune.training.continual import run_continual

    _quiet()
    report = run_continual(_load(config), log=_log)
    if as_json:
        print_json(report)
    elif not report["triggered"]:
        typer.echo(f"{report['new_items']} new item(s) of {report['threshold']} needed: nothing to do")
    else:
        verdict = "switched to" if report["switched"] else "kept the current adapter over"
        typer.echo(
            f"retrained on {report['train_rows']} rows: old {report['old_score']:.3f}, new {report['new_score']:.3f}; "
            f"{verdict} {report['version']}"
        )
