"""Resilience for live sources: per-source rate limits, circuit breakers, Retry-After parsing.

Clocks and sleeps are injected so that limits and cool-downs are tested on a fake clock, not by waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error


class SourcePolicy(BaseModel):
    """Per-source limits: a rate limit the source's terms ask for and a circuit breaker."""

    name: str
    max_requests: int = Field(ge=1, description="requests allowed per period")
    period_s: float = Field(gt=0, description="length of the rate-limit window in seconds")
    failure_threshold: int = Field(5, ge=1, description="consecutive failed requests that open the circuit")
    cooldown_s: float = Field(60.0, ge=0, description="how long an open circuit fails fast before a trial request")


class HttpFetchError(Ech0Error):
    """A request that failed after its retries; the message names the source and the (masked) URL."""

    def __init__(self, message: str, *, source: str, url: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.url = url
        self.status_code = status_code


class CircuitOpenError(HttpFetchError):
    """The source failed repeatedly; requests fail fast until its cool-down ends."""


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header in its delta-seconds form; None for absent or HTTP-date values."""
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


class RateLimiter:
    """A sliding-window limit built on pyrate-limiter's bucket, with the clock and the sleep injected.

    pyrate-limiter's `Limiter` sleeps with `time.sleep` on its own clock; driving its bucket directly keeps the
    same admission algorithm while letting tests advance a fake clock instead of waiting.
    """

    def __init__(self, policy: SourcePolicy, *, clock: Callable[[], float], sleep: Callable[[float], Any]) -> None:
        from pyrate_limiter import InMemoryBucket, Rate

        self._name = policy.name
        self._bucket = InMemoryBucket([Rate(policy.max_requests, max(1, round(policy.period_s * 1000)))])
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    def _now_ms(self) -> int:
        return round(self._clock() * 1000)

    def acquire(self) -> None:
        """Block (through the injected sleep) until one more request fits in the window."""
        from pyrate_limiter import RateItem

        with self._lock:
            item = RateItem(self._name, self._now_ms())
            while not self._bucket.put(item):
                # waiting() is -1 only for an item heavier than the whole rate; ours weigh 1 against a limit >= 1.
                self._sleep(max(self._bucket.waiting(item), 1) / 1000)
                item = RateItem(self._name, self._now_ms())
            self._bucket.leak(self._now_ms())  # drop timestamps older than the window so the log stays small


class CircuitBreaker:
    """Closed → open after N consecutive failures → one trial request after the cool-down (half-open).

    A small class rather than pybreaker or aiobreaker: both read the wall clock (`datetime.now`) with no way to
    inject one, which would make cool-down tests sleep for real.
    """

    def __init__(self, policy: SourcePolicy, *, clock: Callable[[], float]) -> None:
        self.source, self.failure_threshold, self.cooldown_s = policy.name, policy.failure_threshold, policy.cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown_s

    def check(self, url: str) -> None:
        """Raise `CircuitOpenError` while open; after the cool-down, let a trial request through."""
        with self._lock:
            if self._opened_at is None:
                return
            remaining = self.cooldown_s - (self._clock() - self._opened_at)
            if remaining > 0:
                raise CircuitOpenError(
                    f"source {self.source!r} is unavailable after {self._failures} consecutive failed requests; "
                    f"not calling {url} for another {remaining:.0f} s. Retry later, or use replay/offline mode "
                    "to answer from the cache.",
                    source=self.source,
                    url=url,
                )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            # A failed trial request (half-open) re-opens at once; otherwise open at the threshold.
            if self._opened_at is not None or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
