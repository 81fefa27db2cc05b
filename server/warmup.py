"""The slow parts of a runtime, loaded ahead of use: a CLI command loads them under a spinner before its first
output, and `ech0 serve` loads them in the background before /healthz reports `ok`.

Requests that arrive while the server warms up wait for it (`WarmupGate`) rather than load the same parts a
second time in their own threads; /healthz and /metrics answer at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from knowledge.common.errors import Ech0Error

if TYPE_CHECKING:
    from server.settings import Settings
    from server.wiring import Runtime

log = logging.getLogger("uvicorn.error.ech0")  # under `ech0 serve`, next to uvicorn's own start-up lines
OPEN_PATHS = ("/healthz", "/metrics")  # answered while the runtime is still loading


@dataclass(frozen=True)
class SlowPart:
    name: str
    label: str  # what loads, as messages name it
    load: Callable[[Runtime], Any]


SLOW_PARTS: dict[str, SlowPart] = {
    part.name: part
    for part in (
        SlowPart("embedder", "the embedding model", lambda rt: rt.embedder.dim),
        SlowPart("index", "the literature index", lambda rt: rt.retriever.index),
        SlowPart("compounds", "the compound store", lambda rt: rt.compounds),
    )
}
SERVER_PARTS = ("embedder", "index", "compounds")


def index_exists(settings: Settings) -> bool:
    """False when the embedded index directory is absent or empty: a check that needs no model. A Qdrant
    server's collection is only known by asking it, which opening the index does."""
    if settings.knowledge.index_backend != "edge":
        return True
    path = settings.index_path
    return path.is_dir() and any(path.iterdir())


@dataclass
class Warmup:
    """Loads `parts` of `runtime` in a background thread; a part that fails is recorded, and the server serves
    what does not need it (e.g. chemistry without a literature index)."""

    runtime: Runtime
    parts: tuple[str, ...] = SERVER_PARTS
    done: threading.Event = field(default_factory=threading.Event)
    loading: str | None = None
    problems: dict[str, str] = field(default_factory=dict)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="ech0-warmup", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        started = time.monotonic()
        labels = [SLOW_PARTS[name].label for name in self.parts]
        log.info("loading %s (/healthz: starting)", ", ".join(labels))
        try:
            for name in self.parts:
                part = SLOW_PARTS[name]
                self.loading = part.label
                try:
                    part.load(self.runtime)
                except Ech0Error as exc:
                    self.problems[name] = str(exc)
                    log.warning("not preloaded: %s: %s", part.label, exc)
                except Exception as exc:  # e.g. an unreachable Qdrant server: serve on, and say why
                    self.problems[name] = f"{type(exc).__name__}: {exc}"
                    log.warning("not preloaded: %s: %s: %s", part.label, type(exc).__name__, exc)
        finally:
            self.loading = None
            self.done.set()
            missing = f"; not loaded: {', '.join(SLOW_PARTS[n].label for n in self.problems)}" if self.problems else ""
            log.info("ready in %.0fs%s (/healthz: ok)", time.monotonic() - started, missing)

    def status(self) -> dict[str, Any]:
        """`starting` with what loads now, or `ok` with the parts that could not be loaded (if any)."""
        if not self.done.is_set():
            return {"status": "starting", "loading": self.loading}
        return {"status": "ok", **({"problems": dict(self.problems)} if self.problems else {})}


class WarmupGate:
    """ASGI middleware: an HTTP request other than /healthz or /metrics waits until the app's warm-up is done."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] not in OPEN_PATHS:
            warmup: Warmup | None = getattr(scope["app"].state, "warmup", None)
            if warmup is not None and not warmup.done.is_set():
                import anyio

                await anyio.to_thread.run_sync(warmup.done.wait)
        await self.app(scope, receive, send)
