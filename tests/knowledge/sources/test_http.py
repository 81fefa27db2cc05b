"""The shared HTTP stack: cache modes, retries, Retry-After, circuit breaker, rate limit, secret masking."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.http import CacheMissError, HttpClient
from knowledge.resilience import CircuitOpenError, HttpFetchError, RateLimiter, SourcePolicy, retry_after_seconds

from .conftest import Recorder

URL = "https://api.example.org/items"


def ok(body: bytes = b"hello") -> Recorder:
    return Recorder(lambda r: httpx.Response(200, content=body, headers={"content-type": "text/plain"}))


def sequence(*answers) -> Recorder:
    """Answer each request with the next item: an httpx.Response, or an exception class to raise."""
    pending = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        item = pending.pop(0)
        if isinstance(item, type) and issubclass(item, Exception):
            raise item("simulated", request=request)
        return item

    return Recorder(answer)


# --- modes -----------------------------------------------------------------------------------------------------


def test_replay_fetches_once_then_serves_from_cache(make_client):
    handler = ok()
    client = make_client(handler, mode="replay")
    first = client.get("test", URL, {"q": "metformin"})
    second = client.get("test", URL, {"q": "metformin"})
    assert (first.content, first.from_cache) == (b"hello", False)
    assert (second.content, second.from_cache, second.content_type) == (b"hello", True, "text/plain")
    assert second.fetched_at == first.fetched_at
    assert len(handler.requests) == 1


def test_replay_from_a_filled_cache_never_calls_the_transport(make_client, tmp_path):
    make_client(ok(b"recorded"), mode="live").get("test", URL, {"q": "x"})
    replay = make_client(None, mode="replay")  # its transport fails the test if called
    assert replay.get("test", URL, {"q": "x"}).content == b"recorded"


def test_live_always_goes_to_the_network_and_refreshes_the_cache(make_client):
    bodies = iter([b"v1", b"v2"])
    handler = Recorder(lambda r: httpx.Response(200, content=next(bodies)))
    live = make_client(handler, mode="live")
    assert live.get("test", URL).content == b"v1"
    assert live.get("test", URL).content == b"v2"
    assert len(handler.requests) == 2
    assert make_client(None, mode="offline").get("test", URL).content == b"v2"


def test_offline_miss_is_a_clear_error(make_client):
    client = make_client(None, mode="offline")
    with pytest.raises(CacheMissError) as err:
        client.get("test", URL, {"q": "metformin"})
    message = str(err.value)
    assert isinstance(err.value, Ech0Error)
    assert "https://api.example.org/items?q=metformin" in message
    assert "replay or live mode" in message


def test_cache_key_ignores_parameter_order_and_who_is_asking(make_client):
    handler = ok()
    client = make_client(handler)
    client.get("test", URL, {"a": "1", "b": "2", "tool": "ech0", "email": "x@example.org"})
    hit = client.get("test", URL, {"b": "2", "a": "1", "tool": "other"})
    assert hit.from_cache and len(handler.requests) == 1
    assert not client.get("test", URL, {"a": "1", "b": "3"}).from_cache


def test_post_requests_are_cached_by_their_form_data(make_client):
    handler = Recorder(lambda r: httpx.Response(200, content=r.content))
    client = make_client(handler)
    assert client.request("test", "POST", URL, data={"id": ["1", "2"]}).content == b"id=1%2C2"
    assert client.request("test", "POST", URL, data={"id": ["1", "2"]}).from_cache
    assert not client.request("test", "POST", URL, data={"id": ["3"]}).from_cache
    assert [r.method for r in handler.requests] == ["POST", "POST"]


def test_unknown_source_names_the_fix(make_client):
    with pytest.raises(Ech0Error, match="SourcePolicy"):
        make_client(ok()).get("nowhere", URL)


# --- retries ---------------------------------------------------------------------------------------------------


def test_429_with_retry_after_waits_as_told_then_succeeds(make_client, clock):
    handler = sequence(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"ok"))
    client = make_client(handler)
    assert client.get("test", URL).content == b"ok"
    assert clock.sleeps == [7.0]
    assert len(handler.requests) == 2


def test_5xx_backs_off_exponentially_then_succeeds(make_client, clock):
    handler = sequence(httpx.Response(500), httpx.Response(502), httpx.Response(200, content=b"ok"))
    client = make_client(handler, attempts=3)
    assert client.get("test", URL).content == b"ok"
    assert clock.sleeps == [1.0, 2.0]  # backoff 1 s doubling, jitter 0 in these tests


def test_503_retry_after_is_honoured_and_capped(make_client, clock):
    handler = sequence(httpx.Response(503, headers={"Retry-After": "100000"}), httpx.Response(200))
    make_client(handler).get("test", URL)
    assert clock.sleeps == [120.0]


def test_timeouts_exhausted_raise_a_fetch_error(make_client):
    handler = sequence(httpx.ReadTimeout, httpx.ConnectTimeout, httpx.ReadTimeout)
    client = make_client(handler, attempts=3)
    with pytest.raises(HttpFetchError, match="failed after 3 attempt") as err:
        client.get("test", URL)
    assert "ReadTimeout" in str(err.value)
    assert len(handler.requests) == 3


def test_connection_errors_are_retried(make_client):
    handler = sequence(httpx.ConnectError, httpx.Response(200, content=b"ok"))
    assert make_client(handler).get("test", URL).content == b"ok"


def test_client_errors_are_not_retried(make_client):
    handler = Recorder(lambda r: httpx.Response(400, text="bad query"))
    with pytest.raises(HttpFetchError, match="HTTP 400: bad query") as err:
        make_client(handler).get("test", URL)
    assert err.value.status_code == 400
    assert len(handler.requests) == 1


def test_retry_after_parsing():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(" 1.5 ") == 1.5
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert retry_after_seconds(None) is None


# --- circuit breaker -------------------------------------------------------------------------------------------


def test_circuit_opens_after_n_failures_fails_fast_and_recovers(make_client, clock):
    failing = {"on": True}
    handler = Recorder(lambda r: httpx.Response(500) if failing["on"] else httpx.Response(200, content=b"ok"))
    policy = SourcePolicy(name="test", max_requests=100, period_s=1.0, failure_threshold=2, cooldown_s=30.0)
    client = make_client(handler, sources=[policy], attempts=1)
    for _ in range(2):
        with pytest.raises(HttpFetchError):
            client.get("test", URL)
    assert client.breaker("test").is_open
    with pytest.raises(CircuitOpenError, match="unavailable after 2 consecutive failed requests"):
        client.get("test", URL)
    assert len(handler.requests) == 2  # the third call never reached the transport

    clock.now += 31  # cool-down over: one trial request goes through and, succeeding, closes the circuit
    failing["on"] = False
    assert client.get("test", URL).content == b"ok"
    assert not client.breaker("test").is_open


def test_failed_trial_request_reopens_the_circuit(make_client, clock):
    handler = Recorder(lambda r: httpx.Response(503))
    policy = SourcePolicy(name="test", max_requests=100, period_s=1.0, failure_threshold=1, cooldown_s=10.0)
    client = make_client(handler, sources=[policy], attempts=1)
    with pytest.raises(HttpFetchError):
        client.get("test", URL)
    clock.now += 11
    with pytest.raises(HttpFetchError):
        client.get("test", URL)  # the trial
    with pytest.raises(CircuitOpenError):
        client.get("test", URL)
    assert len(handler.requests) == 2


def test_cached_answers_do_not_need_a_closed_circuit(make_client):
    fail = {"on": False}
    handler = Recorder(lambda r: httpx.Response(500) if fail["on"] else httpx.Response(200, content=b"ok"))
    policy = SourcePolicy(name="test", max_requests=100, period_s=1.0, failure_threshold=1)
    client = make_client(handler, sources=[policy], attempts=1)
    client.get("test", URL, {"q": "cached"})
    fail["on"] = True
    with pytest.raises(HttpFetchError):
        client.get("test", URL, {"q": "new"})
    assert client.get("test", URL, {"q": "cached"}).from_cache


# --- rate limit ------------------------------------------------------------------------------------------------


def test_rate_limit_spaces_requests_on_the_injected_clock(make_client, clock):
    handler = ok()
    handler.clock = clock
    policy = SourcePolicy(name="test", max_requests=2, period_s=1.0)
    client = make_client(handler, sources=[policy], mode="live")
    for i in range(5):
        client.get("test", URL, {"i": i})
    times = handler.times
    assert times[:2] == [0.0, 0.0]
    for earlier, later in zip(times, times[2:], strict=False):  # never more than 2 in any 1 s window
        assert later - earlier >= 1.0
    assert times[-1] < 2.2


def test_rate_limit_spaces_requests_in_real_time():
    limiter = RateLimiter(SourcePolicy(name="t", max_requests=1, period_s=0.1), clock=time.monotonic, sleep=time.sleep)
    started = time.monotonic()
    arrivals = []
    for _ in range(3):
        limiter.acquire()
        arrivals.append(time.monotonic() - started)
    assert arrivals[1] - arrivals[0] >= 0.09 and arrivals[2] - arrivals[1] >= 0.09  # never sooner; later is busy


def test_cache_hits_are_not_rate_limited(make_client, clock):
    policy = SourcePolicy(name="test", max_requests=1, period_s=10.0)
    client = make_client(ok(), sources=[policy])
    for _ in range(5):
        client.get("test", URL)
    assert clock.sleeps == []


# --- secrets ---------------------------------------------------------------------------------------------------

SECRET = "s3cr3t-ncbi-key-0123456789"


def test_api_key_never_appears_in_errors_logs_or_the_cache(make_client, tmp_path, caplog):
    echo = Recorder(lambda r: httpx.Response(400, text=f"invalid request {r.url}"))
    client = make_client(echo)
    with pytest.raises(HttpFetchError) as refused:
        client.get("test", URL, {"q": "x", "api_key": SECRET})
    assert SECRET not in str(refused.value) and SECRET not in refused.value.url
    assert "api_key=%2A%2A%2A" in refused.value.url or "api_key=***" in refused.value.url

    caplog.set_level(logging.DEBUG, logger="knowledge.http")
    timeouts = sequence(httpx.ReadTimeout, httpx.ReadTimeout, httpx.ReadTimeout)
    with pytest.raises(HttpFetchError) as exhausted:
        make_client(timeouts).get("test", URL, {"api_key": SECRET})
    assert SECRET not in str(exhausted.value)
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)

    stored = make_client(ok(), cache_dir=tmp_path / "c2")
    stored.get("test", URL, {"q": "x", "api_key": SECRET})
    stored.close()
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "c2").iterdir() if p.is_file())
    assert SECRET.encode() not in on_disk


def test_cache_entries_are_shared_across_api_keys(make_client):
    handler = ok()
    client = make_client(handler)
    client.get("test", URL, {"q": "x", "api_key": "key-one"})
    assert client.get("test", URL, {"q": "x", "api_key": "key-two"}).from_cache
    assert len(handler.requests) == 1


def test_client_is_a_context_manager(tmp_path):
    with HttpClient(tmp_path, sources=[SourcePolicy(name="s", max_requests=1, period_s=1)]) as client:
        assert client.mode == "replay"


def test_httpx_request_log_lines_are_masked(make_client, caplog):
    caplog.set_level(logging.INFO, logger="httpx")
    make_client(ok()).get("test", URL, {"q": "x", "api_key": SECRET})
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines and all(SECRET not in line for line in lines)
    assert any("api_key=***" in line for line in lines)
