"""Fine-tuning and distillation configuration: pydantic models read from a YAML or TOML file (`--config FILE`).

Relative paths in a config file are taken relative to the current directory, as `accelerate` and trl's own
scripts do. Secrets are never stored in a config: it names the environment variable that holds them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.common.errors import Ech0Error


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelConfig(_Strict):
    name_or_path: str = Field("smollm2", description="'smollm2' (the shipped GGUF), a local directory or a hub id")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="weights dtype; 'auto' is bfloat16 on a CUDA GPU and float32 on CPU"
    )
    trust_remote_code: bool = False
    attn_implementation: str | None = Field(None, description="e.g. 'sdpa' or 'flash_attention_2' on GPU hosts")


class LoraSettings(_Strict):
    enabled: bool = Field(True, description="train a LoRA adapter; False trains every weight")
    r: int = Field(16, ge=1, le=1024)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] | Literal["all-linear"] = Field(
        "all-linear", description="module names to adapt, or 'all-linear' (every linear layer but the output head)"
    )
    layers_to_transform: list[int] | None = Field(None, description="only these decoder layers (default: all)")


class QuantizationSettings(_Strict):
    mode: Literal["none", "4bit"] = Field("none", description="'4bit': QLoRA with bitsandbytes NF4 base weights")
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["float32", "bfloat16", "float16"] = "bfloat16"
    quant_storage: Literal["uint8", "bfloat16", "float16", "float32"] = Field(
        "uint8", description="'bfloat16' for QLoRA under DeepSpeed ZeRO-3 or FSDP (shards the 4-bit weights)"
    )


class TrainingSettings(_Strict):
    epochs: float = Field(1.0, gt=0)
    max_steps: int = Field(-1, description="stop after this many optimizer steps (-1: run the epochs)")
    learning_rate: float = Field(2e-4, gt=0)
    batch_size: int = Field(8, ge=1, description="per-device batch size")
    gradient_accumulation_steps: int = Field(1, ge=1)
    max_length: int = Field(512, ge=16, description="tokens per example; longer ones are truncated")
    seed: int = 0
    warmup_ratio: float = Field(0.0, ge=0, lt=1, description="share of the steps spent warming the learning rate up")
    lr_scheduler: str = "linear"
    weight_decay: float = 0.0
    logging_steps: int = Field(10, ge=1)
    bf16: bool | None = Field(None, description="mixed precision; None: on when a CUDA GPU supports it")
    gradient_checkpointing: bool = Field(False, description="trade compute for memory (14B students on one GPU)")
    optim: str = Field("adamw_torch", description="'paged_adamw_8bit' saves memory for QLoRA on GPU")


class DataSettings(_Strict):
    train: Path = Field(..., description="training JSONL (chat `messages` rows, the data factory's format)")
    validation: Path | None = None
    test: Path | None = Field(None, description="held-out JSONL for evaluation (demo, continual learning)")
    max_train_rows: int | None = Field(None, ge=1, description="use only the first N training rows")
    max_eval_rows: int | None = Field(200, ge=1, description="evaluate on at most N held-out rows")


class TeacherEndpoint(_Strict):
    base_url: str = Field(..., description="OpenAI-compatible endpoint, e.g. vLLM serving the 72B teacher")
    model: str = Field(..., description="model name the endpoint serves")
    api_key_env: str | None = Field("ECH0_TEACHER_API_KEY", description="environment variable holding the key")
    max_tokens: int = Field(512, ge=1)
    temperature: float = Field(0.0, ge=0, le=2)
    concurrency: int = Field(8, ge=1, le=256, description="requests in flight at once")
    timeout_s: float = Field(120.0, gt=0)
    max_retries: int = Field(3, ge=0)


class DistillSettings(_Strict):
    method: Literal["sequence", "logit"] = Field(
        "sequence", description="'sequence': SFT on the endpoint teacher's verified answers; 'logit': trl GKD"
    )
    teacher: TeacherEndpoint | None = Field(None, description="for method='sequence'")
    teacher_model: str | None = Field(None, description="local teacher (directory, hub id or 'smollm2'), 'logit'")
    teacher_quantization: QuantizationSettings = Field(default_factory=QuantizationSettings)
    rel_tolerance: float = Field(0.02, ge=0, description="relative tolerance when checking stated numbers")
    abs_tolerance: float = Field(0.05, ge=0, description="absolute tolerance when checking non-integer numbers")
    lmbda: float = Field(0.0, ge=0, le=1, description="GKD: share of steps trained on student-generated answers")
    beta: float = Field(0.5, ge=0, le=1, description="GKD: 0 forward KL, 0.5 JSD, 1 reverse KL")
    temperature: float = Field(1.0, gt=0, description="GKD: softmax temperature of both distributions")
    max_new_tokens: int = Field(64, ge=1, description="GKD: tokens the student generates on on-policy steps")

    @model_validator(mode="after")
    def _needs_teacher(self) -> DistillSettings:
        if self.method == "sequence" and self.teacher is None:
            raise ValueError("distill.method 'sequence' needs a distill.teacher endpoint (base_url, model)")
        if self.method == "logit" and not self.teacher_model:
            raise ValueError("distill.method 'logit' needs distill.teacher_model (a local model path or hub id)")
        return self


class ExportSettings(_Strict):
    quantization: Literal["none", "awq", "gptq"] = Field(
        "awq", description="4-bit W4A16 export with llm-compressor for vLLM (GPU hosts)"
    )
    calibration_rows: int = Field(256, ge=1, description="training rows used to calibrate the quantizer")
    max_calibration_length: int = Field(512, ge=16)


class ServeSettings(_Strict):
    mode: Literal["lora", "merged"] = Field(
        "lora", description="'lora': base model plus the adapter; 'merged': the merged (and quantized) export"
    )
    base_model: str | None = Field(None, description="model vLLM loads (default: model.name_or_path)")
    served_model_name: str = Field("ech0-student", description="the name clients ask for; the LoRA's name too")
    host: str = "0.0.0.0"
    port: int = Field(8000, ge=1, le=65535)
    api_key_env: str = Field("ECH0_VLLM_API_KEY", description="environment variable the launch script reads")
    quantization: Literal["awq", "gptq", "compressed-tensors", "bitsandbytes", "fp8"] | None = None
    max_model_len: int | None = Field(None, ge=16)
    tensor_parallel_size: int = Field(1, ge=1)
    gpu_memory_utilization: float = Field(0.9, gt=0, le=1)
    max_loras: int = Field(1, ge=1)
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = "auto"
    extra_args: list[str] = Field(default_factory=list, description="further `vllm serve` flags, verbatim")


class ContinualSettings(_Strict):
    incoming: Path = Field(..., description="JSONL file or directory of new verified examples")
    feedback: Path | None = Field(None, description="JSONL file or directory of feedback items")
    min_new_items: int = Field(100, ge=1, description="retrain when this many items arrived since the last run")
    include_original_train: bool = Field(True, description="retrain on data.train plus everything new")


class FinetuneSettings(_Strict):
    """The `finetune` section of ECH0's settings: defaults for every `ech0 finetune` command, which a config file
    (`--config FILE`, the same sections) overrides field by field."""

    model: ModelConfig = Field(default_factory=ModelConfig)
    lora: LoraSettings = Field(default_factory=LoraSettings)
    quantization: QuantizationSettings = Field(default_factory=QuantizationSettings)
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    data: DataSettings | None = Field(None, description="training files; a job needs at least data.train")
    output_dir: Path | None = Field(None, description="adapter, metrics and state are written here")
    distill: DistillSettings | None = None
    export: ExportSettings = Field(default_factory=ExportSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    continual: ContinualSettings | None = None


class FinetuneConfig(FinetuneSettings):
    """One job's configuration: the settings' `finetune` section with a config file over it, and the data and
    output directory a job cannot run without."""

    data: DataSettings
    output_dir: Path = Field(..., description="adapter, metrics and state are written here")

    @property
    def adapter_dir(self) -> Path:
        return self.output_dir / "adapter"


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise Ech0Error(f"{path}: not valid TOML ({exc})") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise Ech0Error(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
        if not isinstance(data, dict):
            raise Ech0Error(f"{path}: expected a mapping of settings at the top level")
        return data
    raise Ech0Error(f"{path}: config files end in .yaml, .yml or .toml")


def _merged(base: dict, over: dict) -> dict:
    """`over` on top of `base`, section by section (a file's `training.epochs` keeps the settings' other fields)."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_config(path: Path | str, defaults: FinetuneSettings | None = None) -> FinetuneConfig:
    """Read and validate a config file over the settings' `finetune` section (`defaults`: only the fields set
    there count); Ech0Error names the file and every invalid field."""
    path = Path(path)
    if not path.is_file():
        raise Ech0Error(f"config file {path} does not exist")
    base = defaults.model_dump(exclude_unset=True) if defaults is not None else {}
    try:
        return FinetuneConfig.model_validate(_merged(base, _read(path)))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors())
        raise Ech0Error(f"{path}: {problems}") from None


def _looks_local(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~")) or name.count("/") > 1 or Path(name).expanduser().exists()


def check_model_ref(name: str, what: str = "model") -> None:
    """Fail early and clearly on a model reference that cannot load: a missing directory or a missing wheel."""
    if name == "smollm2":
        from finetune.training.smollm2 import smollm2_gguf_path

        smollm2_gguf_path()
        return
    path = Path(name).expanduser()
    if _looks_local(name):
        if not path.exists():
            raise Ech0Error(f"{what} {name!r} does not exist: give a model directory, a hub id or 'smollm2'")
        if path.is_dir() and not (path / "config.json").is_file() and not (path / "adapter_config.json").is_file():
            raise Ech0Error(f"{what} directory {path} has no config.json: not a transformers model")


def check_data(cfg: FinetuneConfig, need_test: bool = False) -> None:
    """Ech0Error naming the first data file that is missing."""
    named = [("data.train", cfg.data.train), ("data.validation", cfg.data.validation), ("data.test", cfg.data.test)]
    for key, path in named:
        if path is not None and not Path(path).is_file():
            raise Ech0Error(f"{key} file {path} does not exist")
    if need_test and cfg.data.test is None:
        raise Ech0Error("this command evaluates on held-out rows: set data.test in the config")
