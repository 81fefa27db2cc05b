"""The one HTTP client stack the live sources share: cache, modes, retries, rate limits, circuit breakers.

Configuration comes in as arguments (DESIGN.md §3: nothing below `server/` reads the environment).

Why hishel's storage and not its `CacheTransport`: hishel 2's transport caches only GET/HEAD, keys entries by
the full URL (so the NCBI api_key would be part of the key and written to disk with the request), and has no
switch for "always go to the network" (live) or "answer only from the cache" (offline). So this module keeps
hishel's `SqliteStorage` (WAL, size-bounded, crash-safe streaming writes) and computes its own content-addressed
key from method + URL + sorted parameters, leaving secret and non-semantic parameters out of it.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ConfigDict, Field

from knowledge.common.errors import Ech0Error
from knowledge.resilience import (
    CircuitBreaker,
    HttpFetchError,
    RateLimiter,
    SourcePolicy,
    retry_after_seconds,
)

if TYPE_CHECKING:
    import tenacity

logger = logging.getLogger(__name__)

Params = Mapping[str, str | int | float | Sequence[str]]
MASK = "***"
# Response header recording when the body came from the network, so replays can say how old their data is.
FETCHED_AT_HEADER = "x-ech0-fetched-at"


class CacheMode(StrEnum):
    LIVE = "live"  # always the network; every success is written to the cache
    REPLAY = "replay"  # the cache first; a miss goes to the network and is stored
    OFFLINE = "offline"  # the cache only; a miss is an error


class RetryPolicy(BaseModel):
    """How hard to try one request before reporting it failed."""

    attempts: int = Field(4, ge=1, description="total tries, the first included")
    backoff_s: float = Field(1.0, ge=0, description="first backoff; doubles on each retry")
    backoff_max_s: float = Field(30.0, ge=0, description="cap on one exponential backoff")
    jitter_s: float = Field(1.0, ge=0, description="uniform random seconds added to each backoff")
    retry_after_max_s: float = Field(120.0, ge=0, description="cap on a server's Retry-After")
    timeout_s: float = Field(30.0, gt=0, description="connect/read timeout of one try")


class FetchedResponse(BaseModel):
    """A successful response body with where it came from; `url` has secrets masked."""

    model_config = ConfigDict(frozen=True)

    url: str
    status_code: int
    content: bytes
    content_type: str | None = None
    from_cache: bool = False
    fetched_at: str | None = Field(None, description="ISO time the body was fetched from the network")


class CacheMissError(HttpFetchError):
    """Offline mode and the response is not in the cache."""


class _RetryableStatus(Exception):
    """A 429 or 5xx answer, raised inside the retry loop so tenacity sees it."""

    def __init__(self, status_code: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code
        self.retry_after = retry_after


_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, _RetryableStatus)


class HttpClient:
    """Sync HTTP for the literature sources: httpx transport, on-disk cache, modes, retries, limits, breakers."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        mode: CacheMode | str = CacheMode.REPLAY,
        sources: Sequence[SourcePolicy] = (),
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = "ech0/0.1 (drug-discovery research orchestrator)",
        secret_params: Sequence[str] = ("api_key",),
        unkeyed_params: Sequence[str] = ("tool", "email"),
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cache_max_bytes: int | None = None,
    ) -> None:
        """`secret_params` are masked in every message, log line and stored request and left out of cache keys;
        `unkeyed_params` (who is asking, not what) are left out of cache keys only, so replays survive a change."""
        import hishel

        self.mode = CacheMode(mode)
        self.retry = retry or RetryPolicy()
        self._redact = _Redactor(secret_params)
        logging.getLogger("httpx").addFilter(self._redact)
        self._unkeyed_params = frozenset(unkeyed_params) | self._redact.names
        self._sleep = sleep
        self._limiters = {p.name: RateLimiter(p, clock=clock, sleep=sleep) for p in sources}
        self._breakers = {p.name: CircuitBreaker(p, clock=clock) for p in sources}
        self._storage = hishel.SqliteStorage(
            database_path=Path(cache_dir) / "http_cache.db", default_ttl=None, max_size=cache_max_bytes
        )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.retry.timeout_s),
            headers={"User-Agent": user_agent},
            follow_redirects=True,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        logging.getLogger("httpx").removeFilter(self._redact)
        self._client.close()
        self._storage.close()

    def breaker(self, source: str) -> CircuitBreaker:
        self._check_source(source)
        return self._breakers[source]

    # --- public requests -------------------------------------------------------------------------------------

    def get(self, source: str, url: str, params: Params | None = None) -> FetchedResponse:
        return self.request(source, "GET", url, params=params)

    def request(
        self, source: str, method: str, url: str, *, params: Params | None = None, data: Params | None = None
    ) -> FetchedResponse:
        """One request under the client's mode; raises `HttpFetchError` (an `Ech0Error`) when it cannot answer."""
        self._check_source(source)
        method = method.upper()
        query, form = _pairs(params), _pairs(data)
        self._redact.values.update(v for k, v in query + form if k in self._redact.names and v)
        shown = self._masked_url(url, query)
        key = self._cache_key(method, url, query, form)

        if self.mode is not CacheMode.LIVE:
            cached = self._from_cache(key, shown)
            if cached is not None:
                return cached
            if self.mode is CacheMode.OFFLINE:
                raise CacheMissError(
                    f"offline mode: no cached response for {method} {shown}; run once in replay or live mode "
                    "with network access to fill the cache",
                    source=source,
                    url=shown,
                )

        response = self._send_with_retries(source, method, url, query, form, shown)
        return self._store(key, method, shown, response)

    # --- network ---------------------------------------------------------------------------------------------

    def _send_with_retries(
        self, source: str, method: str, url: str, query: list[tuple[str, str]], form: list[tuple[str, str]], shown: str
    ) -> httpx.Response:
        import tenacity

        breaker = self._breakers[source]
        breaker.check(shown)
        retrying = tenacity.Retrying(
            sleep=self._sleep,
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_RETRYABLE_ERRORS),
            before_sleep=lambda state: self._log_retry(source, shown, state),
            reraise=True,
        )

        def attempt() -> httpx.Response:
            self._limiters[source].acquire()
            logger.debug("%s %s %s", source, method, shown)
            response = self._client.request(method, url, params=query or None, data=dict(form) if form else None)
            if response.status_code == 429 or response.status_code >= 500:
                raise _RetryableStatus(response.status_code, retry_after_seconds(response.headers.get("Retry-After")))
            return response

        try:
            response = retrying(attempt)
        except (*_RETRYABLE_ERRORS, httpx.HTTPError) as exc:  # httpx.HTTPError: not worth retrying (bad URL...)
            breaker.record_failure()
            raise HttpFetchError(
                f"{source}: {method} {shown} failed after {retrying.statistics.get('attempt_number', 1)} attempt(s) "
                f"({self._redact(_describe(exc))}); the source may be down or rate-limiting: retry later",
                source=source,
                url=shown,
                status_code=exc.status_code if isinstance(exc, _RetryableStatus) else None,
            ) from None

        if not response.is_success:
            # A 4xx is our request's fault, not the source's health, so the breaker is not charged.
            breaker.record_success()
            snippet = self._redact(response.text[:300].strip())
            raise HttpFetchError(
                f"{source}: {method} {shown} was refused with HTTP {response.status_code}: {snippet}",
                source=source,
                url=shown,
                status_code=response.status_code,
            )
        breaker.record_success()
        return response

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """Exponential backoff with jitter, unless the server said how long to wait (429/503 Retry-After)."""
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _RetryableStatus) and exc.status_code in (429, 503) and exc.retry_after is not None:
            return min(exc.retry_after, self.retry.retry_after_max_s)
        exponent = max(state.attempt_number - 1, 0)
        backoff = min(self.retry.backoff_s * 2**exponent, self.retry.backoff_max_s)
        return backoff + random.uniform(0, self.retry.jitter_s)

    def _log_retry(self, source: str, shown: str, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        delay = state.next_action.sleep if state.next_action is not None else 0.0
        detail = f"attempt {state.attempt_number}: {self._redact(_describe(exc))}"
        logger.warning("%s: retrying %s in %.1f s after %s", source, shown, delay, detail)

    # --- cache -----------------------------------------------------------------------------------------------

    def _cache_key(self, method: str, url: str, query: list[tuple[str, str]], form: list[tuple[str, str]]) -> str:
        keyed = lambda pairs: sorted((k, v) for k, v in pairs if k not in self._unkeyed_params)  # noqa: E731
        identity = f"{method} {url}?{urlencode(keyed(query))}#{urlencode(keyed(form))}"
        return hashlib.sha256(identity.encode()).hexdigest()

    def _from_cache(self, key: str, shown: str) -> FetchedResponse | None:
        entries = self._storage.get_entries(key)
        if not entries:
            return None
        # Live mode replaces an entry, but a crash between store and remove can leave two: take the newest.
        stored = max(entries, key=lambda e: e.response.headers.get(FETCHED_AT_HEADER, "")).response
        return FetchedResponse(
            url=shown,
            status_code=stored.status_code,
            content=b"".join(stored.stream or []),  # the sync storage streams a sync iterator
            content_type=stored.headers.get("content-type") or None,
            from_cache=True,
            fetched_at=stored.headers.get(FETCHED_AT_HEADER),
        )

    def _store(self, key: str, method: str, shown: str, response: httpx.Response) -> FetchedResponse:
        import hishel

        fetched = FetchedResponse(
            url=shown,
            status_code=response.status_code,
            content=response.content,
            content_type=response.headers.get("content-type"),
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        headers = {FETCHED_AT_HEADER: fetched.fetched_at, "content-type": fetched.content_type or ""}
        stale = self._storage.get_entries(key)
        entry = self._storage.create_entry(
            hishel.Request(method=method, url=shown),  # the masked URL: no secret is written to disk
            hishel.Response(fetched.status_code, hishel.Headers(headers), stream=iter([fetched.content])),
            key,
        )
        b"".join(entry.response.stream or [])  # committed once the stream is read to the end
        for old in stale:
            self._storage.remove_entry(old.id)
        return fetched

    # --- secrets and helpers ---------------------------------------------------------------------------------

    def _check_source(self, source: str) -> None:
        if source not in self._breakers:
            raise Ech0Error(
                f"HTTP source {source!r} has no policy: pass a SourcePolicy(name={source!r}, ...) in sources"
            )

    def _masked_url(self, url: str, query: list[tuple[str, str]]) -> str:
        shown = [(k, MASK if k in self._redact.names else v) for k, v in query]
        return self._redact(f"{url}?{urlencode(shown)}" if shown else url)


class _Redactor(logging.Filter):
    """Masks secret parameter values in text; as a logging filter, also in httpx's own 'HTTP Request: URL' lines."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = frozenset(names)
        self.values: set[str] = set()  # values seen for those names, masked wherever they appear
        alternatives = "|".join(re.escape(name) for name in self.names)
        self._pattern = re.compile(rf"(?i)\b({alternatives})=[^&\s'\"]+") if alternatives else None

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        return self._pattern.sub(rf"\1={MASK}", text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if (redacted := self(message)) != message:
            record.msg, record.args = redacted, None
        return True


def _pairs(params: Params | None) -> list[tuple[str, str]]:
    """Flatten params to (name, value) strings; a list value becomes a comma-joined value, as E-utilities expects."""
    items = (params or {}).items()
    return [(k, ",".join(map(str, v)) if isinstance(v, list | tuple) else str(v)) for k, v in items]


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
