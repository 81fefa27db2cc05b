"""Helpers for the source tests: a fake clock whose sleep advances it, and HttpClients over httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from knowledge.http import HttpClient, RetryPolicy
from knowledge.resilience import SourcePolicy

DATA = Path(__file__).parents[2] / "data" / "sources"


class FakeClock:
    """Monotonic time that only moves when something sleeps, so waits are instant and exact."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorder:
    """A MockTransport handler that records requests (and the fake time they arrived) and answers by a function."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None) -> None:
        self.answer = answer
        self.clock = clock
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock() if self.clock else 0.0)
        return self.answer(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(tmp_path, clock):
    """Build an HttpClient on a per-test cache dir; instant, jitter-free retries by default."""
    clients: list[HttpClient] = []

    def make(
        handler: Recorder | None,
        *,
        mode: str = "replay",
        sources: list[SourcePolicy] | None = None,
        attempts: int = 3,
        cache_dir: Path | None = None,
    ) -> HttpClient:
        client = HttpClient(
            cache_dir or tmp_path / "cache",
            mode=mode,
            sources=sources or [SourcePolicy(name="test", max_requests=1000, period_s=1.0)],
            retry=RetryPolicy(attempts=attempts, backoff_s=1.0, jitter_s=0.0),
            transport=handler.transport if handler else httpx.MockTransport(_no_network),
            sleep=clock.sleep,
            clock=clock,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected network call: {request.url}")
