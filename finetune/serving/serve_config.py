"""The `vllm serve` command line for the student: base model plus LoRA adapter, or the merged 4-bit export.

The API key is never written into the script: the command references the environment variable named in the
config, and the script stops with a message when it is unset. ECH0's `openai` backend is the client.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from finetune.serving.export import VLLM_QUANTIZATION, quantized_dir, read_export_config
from finetune.training.config import FinetuneConfig
from finetune.training.continual import current_adapter
from knowledge.common.errors import Ech0Error

# vLLM preallocates LoRA slots of one of these ranks (its `--max-lora-rank` choices).
LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)


@dataclass
class ServeCommand:
    argv: list[str]  # the API key appears as the literal "${VAR}" reference
    api_key_env: str
    client_env: dict[str, str] = field(default_factory=dict)

    def shell(self) -> str:
        """One shell line; every argument quoted except the API-key reference, which the shell expands."""
        reference = f"${{{self.api_key_env}}}"
        return " ".join(f'"{a}"' if a == reference else shlex.quote(a) for a in self.argv)

    def script(self) -> str:
        var = self.api_key_env
        client = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.client_env.items())
        return (
            "#!/usr/bin/env bash\n"
            "# Serve the ECH0 student with vLLM (written by `ech0 finetune serve-config`).\n"
            f'# Point ECH0 at it with: {client} ECH0_LLM__API_KEY="${var}"\n'
            "set -euo pipefail\n"
            f': "${{{var}:?set {var} to the API key clients must send}}"\n'
            f"exec {self.shell()}\n"
        )


def lora_rank_slot(r: int) -> int:
    """The smallest `--max-lora-rank` choice that holds an adapter of rank r."""
    for slot in LORA_RANKS:
        if r <= slot:
            return slot
    raise Ech0Error(f"LoRA rank {r} exceeds vLLM's largest --max-lora-rank ({LORA_RANKS[-1]})")


def _adapter_rank(adapter_dir: Path) -> int:
    path = adapter_dir / "adapter_config.json"
    if not path.is_file():
        raise Ech0Error(f"{adapter_dir} holds no LoRA adapter (adapter_config.json): train one first")
    return int(json.loads(path.read_text(encoding="utf-8"))["r"])


def base_model_ref(cfg: FinetuneConfig) -> str:
    """What vLLM loads as the base: the configured model, with 'smollm2' as its exported transformers directory."""
    name = cfg.serve.base_model or cfg.model.name_or_path
    if name == "smollm2":
        return str((cfg.output_dir.parent / "smollm2-135m-instruct").resolve())
    local = Path(name).expanduser()
    return str(local.resolve()) if local.exists() else name


def vllm_command(cfg: FinetuneConfig, adapter_dir: Path | None = None) -> ServeCommand:
    """The `vllm serve` argument vector for the student described by `cfg`.

    The adapter is `adapter_dir`, else the one continual learning switched to (OUTPUT_DIR/current), else
    OUTPUT_DIR/adapter.
    """
    serve = cfg.serve
    quantization = serve.quantization
    name = serve.served_model_name
    if serve.mode == "lora":
        adapter = Path(adapter_dir or current_adapter(cfg.output_dir) or cfg.adapter_dir).resolve()
        rank = _adapter_rank(adapter)
        argv = ["vllm", "serve", base_model_ref(cfg), "--served-model-name", f"{name}-base"]
    else:
        export = read_export_config(cfg)
        model = Path(export["output"]) if export else quantized_dir(cfg)
        if not (model / "config.json").is_file():
            raise Ech0Error(f"no exported model at {model}: run `ech0 finetune export --config FILE` first")
        quantization = quantization or VLLM_QUANTIZATION
        argv = ["vllm", "serve", str(model.resolve()), "--served-model-name", name]
    argv += ["--host", serve.host, "--port", str(serve.port), "--api-key", f"${{{serve.api_key_env}}}"]
    argv += ["--dtype", serve.dtype, "--tensor-parallel-size", str(serve.tensor_parallel_size)]
    argv += ["--gpu-memory-utilization", str(serve.gpu_memory_utilization)]
    if serve.max_model_len:
        argv += ["--max-model-len", str(serve.max_model_len)]
    if quantization:
        argv += ["--quantization", quantization]
    if serve.mode == "lora":
        argv += ["--enable-lora", "--lora-modules", f"{name}={adapter}"]
        argv += ["--max-lora-rank", str(lora_rank_slot(rank)), "--max-loras", str(serve.max_loras)]
    argv += serve.extra_args
    host = "localhost" if serve.host in ("0.0.0.0", "::") else serve.host
    client_env = {
        "ECH0_LLM__BACKEND": "openai",
        "ECH0_LLM__BASE_URL": f"http://{host}:{serve.port}/v1",
        "ECH0_LLM__MODEL": name,
    }
    return ServeCommand(argv, serve.api_key_env, client_env)


def write_script(command: ServeCommand, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text(command.script(), encoding="utf-8")
    tmp.chmod(0o755)
    tmp.replace(out)
    return out
