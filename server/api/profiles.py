"""Model names the API serves, each an ECH0 profile: a runtime with a given LLM backend.

`ech0` is the runtime as configured; `ech0-rules` (always) and `ech0-BACKEND` for the configured backend name
the backend explicitly. A profile other than the configured one gets its own backend and graph on first use and
shares everything else (index, embedder, compounds, labs, stores) with the configured runtime.
"""

from __future__ import annotations

import threading

from server.api.errors import ApiError
from server.wiring import Runtime

DEFAULT = "ech0"
# Parts of a runtime that do not depend on the LLM backend, shared by every profile.
_SHARED = ("embedder", "sparse", "retriever", "compounds", "labs", "runs", "tools", "tool_context", "approval_reason")


class Profiles:
    def __init__(self, base: Runtime) -> None:
        self.base = base
        self._derived: dict[str, Runtime] = {}
        self._lock = threading.Lock()

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

    def close(self) -> None:
        """Close what the derived profiles own (their checkpoint connections), then the configured runtime."""
        with self._lock:
            for runtime in self._derived.values():
                for close in runtime._closers:
                    close()
            self._derived.clear()
        self.base.close()
