"""ASGI middleware: request body limit (413) and Prometheus request metrics, both without buffering responses;
and the per-API-key rate limiter that authentication consults (429)."""

from __future__ import annotations

import threading
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from pyrate_limiter import AbstractClock, Duration, MonotonicClock, Rate, RateItem, StateBucket, TokenBucket
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.errors import error_response


class RateLimiter:
    """A token bucket per API key: `per_minute` requests a minute, in bursts of up to `per_minute`.

    Each key gets its own in-memory pyrate-limiter bucket; `clock` (milliseconds) lets tests move time.
    """

    def __init__(self, per_minute: int, clock: AbstractClock | None = None) -> None:
        self.rate = Rate(per_minute, Duration.MINUTE)
        self._clock = clock or MonotonicClock()
        self._buckets: dict[int, StateBucket] = {}
        self._lock = threading.Lock()

    def take(self, key_id: int) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        with self._lock:  # put() and the wait it records are read together
            bucket = self._buckets.get(key_id)
            if bucket is None:
                bucket = self._buckets[key_id] = StateBucket([self.rate], TokenBucket(), clock=self._clock)
            item = RateItem(str(key_id), bucket.now())
            if bucket.put(item):
                return 0.0
            return bucket.waiting(item) / 1000


class BodyTooLargeError(HTTPException):
    """Raised from `receive` when a streamed body passes the limit; FastAPI re-raises HTTPExceptions as they are."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit:,} bytes: send less")


class BodyLimitMiddleware:
    """413 for a body over `max_bytes`: at once from Content-Length, or while a chunked body streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit():
                await error_response(400, "invalid Content-Length header", "invalid_request")(scope, receive, send)
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body is larger than {self.max_bytes:,} bytes: send less"
        await error_response(413, message, "request_too_large", headers={"Connection": "close"})(scope, receive, send)


class Metrics:
    """Request counts and latency by method, route template and status, in the app's own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "ech0_http_requests",
            "HTTP requests by method, route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ech0_http_request_duration_seconds",
            "seconds from request to the end of the response, by method and route",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=self.registry,
        )


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            route = scope.get("route")
            # The route template, not the raw path: ids in paths must not multiply the series.
            name = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.labels(method, name, str(status)).inc()
            self.metrics.latency.labels(method, name).observe(time.perf_counter() - started)
