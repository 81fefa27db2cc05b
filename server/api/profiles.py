"""Model names the API serves, each an ECH0 profile: a runtime with a given LLM backend.

`ech0` is the runtime as configured; `ech0-rules` (always) and `ech0-BACKEND` for the configured backend name
the backend explicitly. A profile other than the configured one gets its own backend and graph on first use and
shares everything else (index, embedder, compounds, labs, stores) with the configured runtime.

Each profile also has a token counter (loaded on first use, see server.api.tokens) and a usage policy: where its
`usage` figures come from, which /v1/models shows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from server.api.errors import ApiError
from server.api.tokens import (
    MINILM_TOKENIZER,
    SMOLLM2_TOKENIZER,
    TokenCounter,
    UsageSource,
    load_local_counter,
    load_minilm_counter,
)
from server.wiring import Runtime

DEFAULT = "ech0"
# Parts of a runtime that do not depend on the LLM backend, shared by every profile.
_SHARED = ("embedder", "sparse", "retriever", "compounds", "labs", "runs", "tools", "tool_context", "approval_reason")


@dataclass(frozen=True)
class UsagePolicy:
    """Where a profile's `usage` comes from, and the tokenizer that counts `max_tokens` and `stop` cuts."""

    source: UsageSource
    tokenizer: str
    note: str

    def card(self) -> dict:
        return {"source": self.source, "tokenizer": self.tokenizer, "note": self.note}


_REQUEST_AND_ANSWER = (
    "prompt_tokens counts the research request ECH0 answered (the user turns it kept), completion_tokens the "
    "returned text"
)
USAGE_POLICIES = {
    "rules": UsagePolicy(
        "estimate", MINILM_TOKENIZER, f"an estimate: this profile runs no model. {_REQUEST_AND_ANSWER}."
    ),
    "local": UsagePolicy(
        "model_tokenizer", SMOLLM2_TOKENIZER, f"exact for the profile's model. {_REQUEST_AND_ANSWER}."
    ),
    "openai": UsagePolicy(
        "upstream",
        MINILM_TOKENIZER,
        "what the endpoint reported, summed over the run's LLM calls (planning and writing: like a reasoning "
        "model's, its completion tokens include work the answer does not show); when it reports none, an "
        "estimate in the tokenizer's tokens. max_tokens counts in the tokenizer's tokens.",
    ),
}


class Profiles:
    def __init__(self, base: Runtime) -> None:
        self.base = base
        self._derived: dict[str, Runtime] = {}
        self._counters: dict[str, TokenCounter] = {}
        self._lock = threading.Lock()
        self._counter_lock = threading.Lock()

    def names(self) -> list[str]:
        configured = self.base.settings.llm.backend
        return [DEFAULT, "ech0-rules"] + ([f"ech0-{configured}"] if configured != "rules" else [])

    def backend_of(self, model: str) -> str:
        if model not in self.names():
            raise ApiError(
                404,
                f"The model {model!r} does not exist: use one of {', '.join(self.names())} (GET /v1/models)",
                "model_not_found",
                param="model",
                type_="invalid_request_error",
            )
        return self.base.settings.llm.backend if model == DEFAULT else model.removeprefix("ech0-")

    def get(self, model: str) -> Runtime:
        backend = self.backend_of(model)
        if backend == self.base.settings.llm.backend:
            return self.base
        with self._lock:
            if backend not in self._derived:
                llm = self.base.settings.llm.model_copy(update={"backend": backend})
                runtime = Runtime(self.base.settings.model_copy(update={"llm": llm}))
                for name in _SHARED:
                    if hasattr(Runtime, name):
                        runtime.__dict__[name] = getattr(self.base, name)
                self._derived[backend] = runtime
            return self._derived[backend]

    def usage_policy(self, model: str) -> UsagePolicy:
        backend = self.backend_of(model)
        policy = USAGE_POLICIES[backend]
        local_model = self.base.settings.llm.local_model
        if backend == "local" and local_model:
            return UsagePolicy(policy.source, f"{local_model} tokenizer (llm.local_model)", policy.note)
        return policy

    def counter(self, model: str) -> TokenCounter:
        """The profile's token counter, loaded once (the SmolLM2 tokenizer takes seconds to read from its GGUF)."""
        backend = self.backend_of(model)
        key = "local" if backend == "local" else "minilm"
        with self._counter_lock:
            if key not in self._counters:
                local_model = self.base.settings.llm.local_model
                self._counters[key] = load_local_counter(local_model) if key == "local" else load_minilm_counter()
            return self._counters[key]

    def close(self) -> None:
        """Close what the derived profiles own (their checkpoint connections), then the configured runtime."""
        with self._lock:
            for runtime in self._derived.values():
                for close in runtime._closers:
                    close()
            self._derived.clear()
        self.base.close()
