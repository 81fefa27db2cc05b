"""Supervised fine-tuning with trl's SFTTrainer and a peft LoRA adapter (QLoRA when the base is loaded in 4 bits).

Rows are the data factory's JSONL: chat `messages` whose last turn is the assistant's answer, plus `task`, `facts`
and provenance. They become prompt-completion pairs, so the loss covers the answer only.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from finetune.training.config import FinetuneConfig, LoraSettings, ModelConfig, QuantizationSettings, TrainingSettings
from knowledge.common.errors import Ech0Error
from knowledge.common.jsonl import jsonl_rows

Log = Callable[[str], None]


def read_rows(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows of a chat JSONL file; Ech0Error names the file and line of the first malformed row."""
    path = Path(path)
    if not path.is_file():
        raise Ech0Error(f"data file {path} does not exist")
    rows: list[dict[str, Any]] = []
    for number, row in jsonl_rows(path):
        messages = row.get("messages")
        if not isinstance(messages, list) or len(messages) < 2 or messages[-1].get("role") != "assistant":
            raise Ech0Error(f"{path}:{number}: expected `messages` ending with an assistant turn")
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    if not rows:
        raise Ech0Error(f"{path} holds no examples")
    return rows


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write JSONL atomically: a partial file never looks complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def prompt_of(row: dict[str, Any]) -> list[dict[str, str]]:
    return [{"role": m["role"], "content": m["content"]} for m in row["messages"][:-1]]


def answer_of(row: dict[str, Any]) -> str:
    return row["messages"][-1]["content"]


def to_dataset(rows: list[dict[str, Any]]):
    """A `datasets.Dataset` of conversational prompt-completion pairs (loss on the completion only)."""
    from datasets import Dataset

    return Dataset.from_list(
        [{"prompt": prompt_of(r), "completion": [{"role": "assistant", "content": answer_of(r)}]} for r in rows]
    )


def torch_dtype(name: str):
    import torch

    if name == "auto":
        return torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float32
    return getattr(torch, name)


def bnb_config(quant: QuantizationSettings):
    """The bitsandbytes 4-bit (NF4 by default) config of QLoRA."""
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=quant.quant_type,
        bnb_4bit_use_double_quant=quant.double_quant,
        bnb_4bit_compute_dtype=torch_dtype(quant.compute_dtype),
        bnb_4bit_quant_storage=torch_dtype(quant.quant_storage) if quant.quant_storage != "uint8" else "uint8",
    )


def load_model(
    model_cfg: ModelConfig, quant: QuantizationSettings | None = None, work_dir: Path | None = None
) -> tuple[Any, Any]:
    """(model, tokenizer) for a config; 'smollm2' is the shipped GGUF. Ech0Error names a model that cannot load."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from finetune.training.config import check_model_ref
    from finetune.training.smollm2 import MODEL_ALIAS, load_smollm2_uncached, save_smollm2

    name = model_cfg.name_or_path
    check_model_ref(name)
    dtype = torch_dtype(model_cfg.dtype)
    four_bit = quant is not None and quant.mode == "4bit"
    if name == MODEL_ALIAS and not four_bit:
        return load_smollm2_uncached(dtype)
    if name == MODEL_ALIAS:  # bitsandbytes quantizes while loading: give it a plain transformers directory
        name = str(save_smollm2(Path(work_dir or ".ech0/finetune") / "smollm2-135m-instruct"))
    kwargs: dict[str, Any] = {"dtype": dtype, "trust_remote_code": model_cfg.trust_remote_code}
    if model_cfg.attn_implementation:
        kwargs["attn_implementation"] = model_cfg.attn_implementation
    if four_bit:
        kwargs["quantization_config"] = bnb_config(quant)
        if torch.cuda.is_available():
            from accelerate import PartialState

            kwargs["device_map"] = {"": PartialState().local_process_index}
    try:
        tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=model_cfg.trust_remote_code)
        model = AutoModelForCausalLM.from_pretrained(name, **kwargs)
    except OSError as exc:
        raise Ech0Error(f"cannot load model {name!r}: {str(exc).splitlines()[0]}") from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def peft_config(lora: LoraSettings):
    from peft import LoraConfig

    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        layers_to_transform=lora.layers_to_transform,
        bias="none",
        task_type="CAUSAL_LM",
    )


def trainer_args(training: TrainingSettings, out_dir: Path, config_cls=None, **extra):
    """SFTConfig (or a subclass such as GKDConfig) from our training settings; nothing is checkpointed mid-run."""
    import torch
    from trl import SFTConfig

    on_gpu = torch.cuda.is_available()
    bf16 = training.bf16 if training.bf16 is not None else on_gpu and torch.cuda.is_bf16_supported()
    return (config_cls or SFTConfig)(
        output_dir=str(out_dir),
        num_train_epochs=training.epochs,
        max_steps=training.max_steps,
        learning_rate=training.learning_rate,
        per_device_train_batch_size=training.batch_size,
        per_device_eval_batch_size=training.batch_size,
        gradient_accumulation_steps=training.gradient_accumulation_steps,
        max_length=training.max_length,
        seed=training.seed,
        warmup_steps=training.warmup_ratio,
        lr_scheduler_type=training.lr_scheduler,
        weight_decay=training.weight_decay,
        logging_steps=training.logging_steps,
        optim=training.optim,
        activation_checkpointing=training.gradient_checkpointing,  # transformers 5 name of gradient checkpointing
        bf16=bf16,
        use_cpu=not on_gpu,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        **extra,
    )


def fit(trainer, log: Log | None = None):
    """trainer.train() with progress lines through `log` (never on stdout, which `--json` output owns)."""
    from transformers import PrinterCallback, ProgressCallback, TrainerCallback

    class Progress(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if log is not None and logs and "loss" in logs:
                log(f"step {state.global_step}/{state.max_steps}: loss {float(logs['loss']):.4f}")

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(Progress())
    result = trainer.train()
    restore_after_training(trainer.model)
    return result


def sft_args(training: TrainingSettings, out_dir: Path):
    return trainer_args(training, Path(out_dir) / "trainer", completion_only_loss=True)


def _losses(trainer) -> list[float]:
    return [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]


def restore_after_training(model) -> None:
    """Undo what the trainers change on the model object for training.

    trl patches `forward` with a fused LM head (an instance attribute whose closure holds the original bound
    method): left in place, a deep copy would run the *original* model's forward, so the demo's pruned student
    would silently compute with the teacher's layers. Trainer also turns the KV cache off in the config, which
    makes generation recompute the whole sequence at every token.
    """
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    for module in {id(m): m for m in (model, base)}.values():
        if "forward" in vars(module):
            del module.forward
    if getattr(base, "config", None) is not None:
        base.config.use_cache = True


def summarize(trainer, train_result, started: float, rows: int, adapter_dir: Path | None) -> dict[str, Any]:
    """Metrics of one run: losses, steps, timing; Ech0Error when the loss is not finite."""
    losses = _losses(trainer)
    final = train_result.training_loss
    if not math.isfinite(final) or any(not math.isfinite(x) for x in losses):
        raise Ech0Error(f"training diverged (loss {final}): lower training.learning_rate")
    return {
        "train_rows": rows,
        "steps": trainer.state.global_step,
        "train_loss": final,
        "first_loss": losses[0] if losses else final,
        "last_loss": losses[-1] if losses else final,
        "wall_s": round(time.perf_counter() - started, 2),
        "adapter_dir": str(adapter_dir) if adapter_dir else None,
    }


def train_sft(
    model,
    tokenizer,
    train_rows: list[dict[str, Any]],
    training: TrainingSettings,
    out_dir: Path,
    lora: LoraSettings | None = None,
    eval_rows: list[dict[str, Any]] | None = None,
    save: bool = True,
    args=None,
    log: Log | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Fine-tune `model` on `train_rows`; save the adapter (or the full model) under out_dir/adapter.

    Returns (trained model, metrics). With `lora` set (and enabled) the model comes back as a peft model.
    """
    from trl import SFTTrainer

    started = time.perf_counter()
    out_dir = Path(out_dir)
    use_lora = lora is not None and lora.enabled
    if use_lora and (getattr(model, "is_loaded_in_4bit", False) or getattr(model, "is_loaded_in_8bit", False)):
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=training.gradient_checkpointing)
    trainer = SFTTrainer(
        model=model,
        args=args or sft_args(training, out_dir),
        train_dataset=to_dataset(train_rows),
        eval_dataset=to_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config(lora) if use_lora else None,
    )
    result = fit(trainer, log)
    adapter_dir = out_dir / "adapter" if save else None
    if adapter_dir is not None:
        save_model(trainer.model, tokenizer, adapter_dir)
    metrics = summarize(trainer, result, started, len(train_rows), adapter_dir)
    if eval_rows:
        metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
    trainer.model.eval()
    return trainer.model, metrics


def save_model(model, tokenizer, out_dir: Path) -> Path:
    """Save an adapter (peft model) or full weights plus the tokenizer, atomically."""
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    tmp.replace(out_dir)
    return out_dir


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def generate_answers(model, tokenizer, rows: list[dict[str, Any]], max_new_tokens: int = 48, batch_size: int = 16):
    """Greedy answers to each row's prompt, batched with left padding."""
    import torch

    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    answers: list[str] = []
    model.eval()
    try:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            texts = [
                tokenizer.apply_chat_template(prompt_of(r), add_generation_prompt=True, tokenize=False) for r in chunk
            ]
            batch = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
            with torch.no_grad():
                out = model.generate(
                    **batch,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    use_cache=True,
                    pad_token_id=tokenizer.pad_token_id,
                )
            for sequence in out[:, batch["input_ids"].shape[1] :]:
                answers.append(tokenizer.decode(sequence, skip_special_tokens=True).strip())
    finally:
        tokenizer.padding_side = side
    return answers


def run_sft(cfg: FinetuneConfig, log: Log | None = None) -> dict[str, Any]:
    """`ech0 finetune sft`: train the configured adapter and write out_dir/adapter and out_dir/metrics.json."""
    from finetune.training.config import check_data

    check_data(cfg)
    train_rows = read_rows(cfg.data.train, cfg.data.max_train_rows)
    eval_rows = read_rows(cfg.data.validation, cfg.data.max_eval_rows) if cfg.data.validation else None
    (log or (lambda _m: None))(f"loading {cfg.model.name_or_path}; {len(train_rows)} training rows")
    # The trainer arguments come first: under DeepSpeed ZeRO-3 they make from_pretrained shard the weights.
    args = sft_args(cfg.training, cfg.output_dir)
    model, tokenizer = load_model(cfg.model, cfg.quantization, cfg.output_dir.parent)
    _, metrics = train_sft(
        model, tokenizer, train_rows, cfg.training, cfg.output_dir, cfg.lora, eval_rows, args=args, log=log
    )
    metrics.update(model=cfg.model.name_or_path, quantization=cfg.quantization.mode, lora=cfg.lora.enabled)
    write_json(cfg.output_dir / "metrics.json", metrics)
    return metrics
