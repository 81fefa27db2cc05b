"""The vLLM launch command for the student, and the merge/4-bit export it serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.common.errors import Ech0Error
from tests.finetune.test_sft import save_tiny_model, write_config


def _adapter(path: Path, base: Path, r: int = 12, random_init: bool = False) -> Path:
    """A real peft LoRA adapter for the tiny base (random B weights when asked, so that merging changes outputs)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base)
    config = LoraConfig(r=r, lora_alpha=2 * r, target_modules="all-linear", init_lora_weights=not random_init)
    get_peft_model(model, config).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("serve")
    model = save_tiny_model(root / "model")
    return model, _adapter(root / "out" / "adapter", model)


def _config(tmp_path: Path, tiny, **sections):
    from finetune.training.config import load_config

    model, adapter = tiny
    return load_config(write_config(tmp_path / "c.yaml", model, adapter.parent, **sections))


def test_lora_command_arguments(tmp_path, tiny):
    from finetune.serving.serve_config import vllm_command

    cfg = _config(
        tmp_path, tiny, serve={"port": 8123, "max_model_len": 4096, "extra_args": ["--enable-prefix-caching"]}
    )
    model, adapter = tiny
    command = vllm_command(cfg)
    argv = command.argv
    assert argv[:3] == ["vllm", "serve", str(model.resolve())]

    def value(flag: str) -> str:
        return argv[argv.index(flag) + 1]

    assert value("--served-model-name") == "ech0-student-base"
    assert value("--lora-modules") == f"ech0-student={adapter.resolve()}"
    assert "--enable-lora" in argv and value("--max-lora-rank") == "16"  # rank 12 needs the 16 slot
    assert value("--port") == "8123" and value("--max-model-len") == "4096" and value("--max-loras") == "1"
    assert value("--api-key") == "${ECH0_VLLM_API_KEY}" and "--quantization" not in argv
    assert argv[-1] == "--enable-prefix-caching"
    assert command.client_env == {
        "ECH0_LLM__BACKEND": "openai",
        "ECH0_LLM__BASE_URL": "http://localhost:8123/v1",
        "ECH0_LLM__MODEL": "ech0-student",
    }


def test_lora_command_follows_the_continual_pointer(tmp_path, tiny):
    from finetune.serving.serve_config import vllm_command

    model, _ = tiny
    cfg = _config(tmp_path, tiny)
    cfg.output_dir = tmp_path / "out"
    newer = _adapter(cfg.output_dir / "adapters" / "v0002" / "adapter", model, r=32)
    (cfg.output_dir / "current").write_text("adapters/v0002/adapter\n")
    argv = vllm_command(cfg).argv
    assert argv[argv.index("--lora-modules") + 1] == f"ech0-student={newer.resolve()}"
    assert argv[argv.index("--max-lora-rank") + 1] == "32"


def test_script_runs_vllm_with_the_key_from_the_environment(tmp_path, tiny, monkeypatch):
    from finetune.serving.serve_config import vllm_command, write_script

    cfg = _config(tmp_path, tiny)
    script = write_script(vllm_command(cfg), tmp_path / "serve.sh")
    monkeypatch.setenv("ECH0_VLLM_API_KEY", "s3cret-key")
    assert "s3cret-key" not in script.read_text() and os.access(script, os.X_OK)

    # A stand-in `vllm` on PATH records the argument vector the script hands it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "argv.json"
    fake = bin_dir / "vllm"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\njson.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(script)], check=True, env=env)
    argv = json.loads(record.read_text())
    expected = vllm_command(cfg).argv[1:]
    expected[expected.index("${ECH0_VLLM_API_KEY}")] = "s3cret-key"
    assert argv == expected

    del env["ECH0_VLLM_API_KEY"]
    failed = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    assert failed.returncode != 0 and "set ECH0_VLLM_API_KEY" in failed.stderr


def test_merged_mode_serves_the_quantized_export(tmp_path, tiny):
    from finetune.serving.serve_config import vllm_command

    cfg = _config(tmp_path, tiny, serve={"mode": "merged", "tensor_parallel_size": 2})
    cfg.output_dir = tmp_path / "fresh"
    with pytest.raises(Ech0Error, match="run `ech0 finetune export"):
        vllm_command(cfg)
    exported = cfg.output_dir / "merged-w4a16-awq"
    exported.mkdir(parents=True)
    (exported / "config.json").write_text("{}")
    argv = vllm_command(cfg).argv
    assert argv[2] == str(exported.resolve()) and "--enable-lora" not in argv
    assert argv[argv.index("--quantization") + 1] == "compressed-tensors"
    assert argv[argv.index("--tensor-parallel-size") + 1] == "2"


def test_lora_rank_slots():
    from finetune.serving.serve_config import lora_rank_slot

    assert [lora_rank_slot(r) for r in (1, 8, 9, 64, 65, 512)] == [8, 8, 16, 64, 128, 512]
    with pytest.raises(Ech0Error, match="exceeds"):
        lora_rank_slot(1024)


def test_cli_writes_the_launch_script(tmp_path, tiny, capsys):
    from server.cli import main

    model, adapter = tiny
    config = write_config(tmp_path / "c.yaml", model, adapter.parent)
    out = tmp_path / "launch" / "serve-student.sh"
    assert main(["finetune", "serve-config", "--config", str(config), "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert out.is_file() and printed["argv"][:2] == ["vllm", "serve"]
    assert '--api-key "${ECH0_VLLM_API_KEY}"' in printed["command"]


def test_merge_folds_the_adapter_into_the_weights(tmp_path, tiny):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from finetune.serving.export import merge_adapter
    from finetune.training.config import ModelConfig

    model, _ = tiny
    adapter = _adapter(tmp_path / "adapter", model, r=4, random_init=True)
    merged_dir = merge_adapter(ModelConfig(name_or_path=str(model)), adapter, tmp_path / "merged")
    merged = AutoModelForCausalLM.from_pretrained(merged_dir)
    with_adapter = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model), str(adapter))
    plain = AutoModelForCausalLM.from_pretrained(model)
    ids = torch.tensor([[1, 5, 9, 42, 7]])
    with torch.no_grad():
        a, b, c = merged(input_ids=ids).logits, with_adapter(input_ids=ids).logits, plain(input_ids=ids).logits
    assert torch.allclose(a, b, atol=1e-5) and not torch.allclose(a, c, atol=1e-5)
    assert not any(merged_dir.glob("adapter_config.json"))


def test_export_merges_then_needs_llm_compressor_for_4bit(tmp_path, tiny):
    import importlib.util

    from finetune.serving.export import run_export

    if importlib.util.find_spec("llmcompressor") is not None:
        pytest.skip("llm-compressor is installed: the 4-bit export would run for real (GPU hosts)")
    cfg = _config(tmp_path, tiny, export={"quantization": "gptq", "calibration_rows": 4})
    cfg.output_dir = tmp_path / "out"
    model, adapter = tiny
    with pytest.raises(Ech0Error, match="pip install llmcompressor"):
        run_export(cfg, adapter_dir=adapter)
    assert (tmp_path / "out" / "merged" / "config.json").is_file()
    spec = json.loads((tmp_path / "out" / "export_config.json").read_text())
    assert spec["recipe"]["scheme"] == "W4A16" and spec["vllm"]["quantization"] == "compressed-tensors"
    report = run_export(cfg, adapter_dir=adapter, quantize=False)
    assert report["quantized"] is None


def test_help_imports_no_training_libraries():
    code = (
        "import sys\nfrom server.cli import main\n"
        "for argv in (['--help'], ['finetune', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True).stdout
    assert "HEAVY=\n" in out and "sft" in out and "serve-config" in out
