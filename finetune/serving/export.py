"""Export for serving: merge a LoRA adapter into its base, then (on GPU hosts) quantize to 4 bits for vLLM.

The 4-bit export is W4A16 by llm-compressor (AWQ or GPTQ); it writes a compressed-tensors checkpoint that
`vllm serve` loads directly. The merge runs anywhere; the quantizer needs `pip install llmcompressor`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from finetune.training.config import FinetuneConfig, ModelConfig
from finetune.training.sft import load_model, read_rows, save_model, write_json
from knowledge.common.errors import Ech0Error

RECIPES = {
    "awq": {"modifier": "AWQModifier", "scheme": "W4A16_ASYM", "targets": ["Linear"], "ignore": ["lm_head"]},
    "gptq": {"modifier": "GPTQModifier", "scheme": "W4A16", "targets": ["Linear"], "ignore": ["lm_head"]},
}
VLLM_QUANTIZATION = "compressed-tensors"  # what llm-compressor writes; vLLM also detects it from config.json


def merged_dir(cfg: FinetuneConfig) -> Path:
    return cfg.output_dir / "merged"


def quantized_dir(cfg: FinetuneConfig) -> Path:
    return cfg.output_dir / f"merged-w4a16-{cfg.export.quantization}"


def merge_adapter(model_cfg: ModelConfig, adapter_dir: Path, out_dir: Path, work_dir: Path | None = None) -> Path:
    """Load the base in full precision, apply the adapter, fold it into the weights (merge_and_unload) and save."""
    from peft import PeftModel

    adapter_dir = Path(adapter_dir)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise Ech0Error(
            f"{adapter_dir} holds no LoRA adapter (adapter_config.json): train one with `ech0 finetune sft`"
        )
    base, tokenizer = load_model(model_cfg, None, work_dir)
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    return save_model(merged, tokenizer, out_dir)


def quantization_recipe(method: str) -> dict[str, Any]:
    if method not in RECIPES:
        raise Ech0Error(f"unknown 4-bit export {method!r}: choose awq or gptq")
    return dict(RECIPES[method])


def _calibration_dataset(tokenizer, rows: list[dict[str, Any]]):
    """Training chats rendered with the model's chat template, in a `text` column (llm-compressor tokenizes it)."""
    from datasets import Dataset

    return Dataset.from_list([{"text": tokenizer.apply_chat_template(r["messages"], tokenize=False)} for r in rows])


def quantize_w4a16(
    model_dir: Path, out_dir: Path, method: str, calibration_rows: list[dict[str, Any]], max_length: int = 512
) -> Path:
    """Run llm-compressor's one-shot AWQ or GPTQ (W4A16) on a merged model; Ech0Error when it is not installed."""
    recipe_spec = quantization_recipe(method)
    try:
        from llmcompressor import oneshot
        from llmcompressor.modifiers.awq import AWQModifier
        from llmcompressor.modifiers.quantization import GPTQModifier
    except ImportError:
        raise Ech0Error(
            f"the 4-bit {method.upper()} export runs on GPU hosts with llm-compressor: pip install llmcompressor, "
            f"then rerun `ech0 finetune export` (the merged model is in {model_dir})"
        ) from None
    from transformers import AutoModelForCausalLM, AutoTokenizer

    modifier = {"AWQModifier": AWQModifier, "GPTQModifier": GPTQModifier}[recipe_spec["modifier"]]
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype="auto")
    dataset = _calibration_dataset(tokenizer, calibration_rows)
    recipe = modifier(targets=recipe_spec["targets"], scheme=recipe_spec["scheme"], ignore=recipe_spec["ignore"])
    oneshot(
        model=model,
        tokenizer=tokenizer,
        dataset=dataset,
        text_column="text",
        recipe=[recipe],
        max_seq_length=max_length,
        num_calibration_samples=len(dataset),
    )
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".partial")
    model.save_pretrained(tmp, save_compressed=True)
    tokenizer.save_pretrained(tmp)
    tmp.replace(out_dir)
    return out_dir


def run_export(cfg: FinetuneConfig, adapter_dir: Path | None = None, quantize: bool = True) -> dict[str, Any]:
    """`ech0 finetune export`: merge the adapter, write the 4-bit export config, and quantize when possible."""
    adapter = Path(adapter_dir or cfg.adapter_dir)
    merged = merge_adapter(cfg.model, adapter, merged_dir(cfg), cfg.output_dir.parent)
    report: dict[str, Any] = {"adapter": str(adapter), "merged": str(merged), "quantized": None}
    method = cfg.export.quantization
    if quantize and method != "none":
        target = quantized_dir(cfg)
        spec = {
            "method": method,
            "recipe": quantization_recipe(method),
            "calibration_rows": cfg.export.calibration_rows,
            "max_calibration_length": cfg.export.max_calibration_length,
            "source": str(merged),
            "output": str(target),
            "vllm": {"model": str(target), "quantization": VLLM_QUANTIZATION},
        }
        write_json(cfg.output_dir / "export_config.json", spec)
        report["export_config"] = str(cfg.output_dir / "export_config.json")
        rows = read_rows(cfg.data.train, cfg.export.calibration_rows)
        report["quantized"] = str(quantize_w4a16(merged, target, method, rows, cfg.export.max_calibration_length))
    write_json(cfg.output_dir / "export.json", report)
    return report


def read_export_config(cfg: FinetuneConfig) -> dict[str, Any] | None:
    path = cfg.output_dir / "export_config.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
