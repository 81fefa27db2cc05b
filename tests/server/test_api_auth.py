"""API keys, scopes, rate limit, body limit, CORS, error shapes and metrics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pyrate_limiter import AbstractClock

from server.api.middleware import RateLimiter
from tests.server.conftest import bearer, make_app


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {"message", "type"} <= set(error) and "Traceback" not in error["message"]
    if code:
        assert error["code"] == code
    return error


def test_healthz_needs_no_key(client):
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/v1/models"), ("get", "/v1/search?q=metformin"), ("post", "/v1/research"), ("get", "/metrics")],
)
def test_missing_and_invalid_keys_get_401(client, tokens, method, path):
    response = getattr(client, method)(path)
    _error(response, 401, "missing_api_key")
    assert response.headers["www-authenticate"] == "Bearer"
    _error(getattr(client, method)(path, headers=bearer("ech0_not-a-real-key")), 401, "invalid_api_key")
    _error(getattr(client, method)(path, headers={"Authorization": f"Basic {tokens['admin']}"}), 401)


def test_scopes_are_ordered_read_run_admin(client, tokens):
    lab = "/v1/labs/chemistry/rings"
    body = {"smiles": "c1ccc2ccccc2c1"}
    _error(client.post(lab, json=body, headers=bearer(tokens["read"])), 403, "insufficient_scope")
    assert client.post(lab, json=body, headers=bearer(tokens["run"])).json()["outputs"]["rings"] == 2
    assert client.post(lab, json=body, headers=bearer(tokens["admin"])).json()["cached"] is True
    _error(client.get("/v1/keys", headers=bearer(tokens["run"])), 403, "insufficient_scope")
    assert client.get("/v1/models", headers=bearer(tokens["read"])).status_code == 200


def test_key_management_shows_a_key_once_and_revokes_it(client, tokens):
    admin = bearer(tokens["admin"])
    created = client.post("/v1/keys", json={"name": "ci", "scope": "read"}, headers=admin)
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("ech0_") and created.json()["prefix"] == key[:12]
    listing = client.get("/v1/keys", headers=admin)
    assert key not in listing.text and {k["name"] for k in listing.json()} >= {"ci", "test-admin"}
    assert client.get("/v1/models", headers=bearer(key)).status_code == 200
    assert client.delete("/v1/keys/ci", headers=admin).json() == {"revoked": 1}
    _error(client.get("/v1/models", headers=bearer(key)), 401, "invalid_api_key")
    _error(client.delete("/v1/keys/ci", headers=admin), 404, "key_not_found")
    _error(client.post("/v1/keys", json={"name": "x", "scope": "root"}, headers=admin), 422)


def test_keys_are_stored_hashed(app, tokens):
    from sqlalchemy import text

    with app.state.keys.engine.connect() as conn:
        dump = " ".join(str(row) for row in conn.execute(text("select * from api_keys")))
    assert all(token not in dump for token in tokens.values())


def test_rate_limit_per_key_gives_429_with_retry_after(runtime):
    app = make_app(runtime, rate_limit_per_minute=3)
    other = app.state.keys.create("other", "read")[0]
    token = app.state.keys.create("busy", "read")[0]
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/v1/models", headers=bearer(token)).status_code == 200
        response = client.get("/v1/models", headers=bearer(token))
        _error(response, 429, "rate_limit_exceeded")
        assert 1 <= int(response.headers["retry-after"]) <= 20
        assert client.get("/v1/models", headers=bearer(other)).status_code == 200  # per key


class _ManualClock(AbstractClock):
    def __init__(self) -> None:
        self.ms = 5_000_000

    def now(self) -> int:
        return self.ms


def test_rate_limiter_refills_one_request_per_interval():
    clock = _ManualClock()
    limiter = RateLimiter(3, clock=clock)
    assert [limiter.take(1) for _ in range(3)] == [0.0, 0.0, 0.0]  # a full bucket allows a burst
    assert limiter.take(1) == pytest.approx(20.0) and limiter.take(2) == 0.0
    clock.ms += 19_000
    assert limiter.take(1) == pytest.approx(1.0)
    clock.ms += 1_000
    assert limiter.take(1) == 0.0 and limiter.take(1) == pytest.approx(20.0)
    clock.ms += 600_000  # a long idle refills to the burst, not beyond it
    assert [limiter.take(1) for _ in range(4)][-1] > 0


def test_oversized_bodies_get_413(runtime):
    app = make_app(runtime, max_request_bytes=2048)
    token = app.state.keys.create("big", "run")[0]
    body = {"model": "ech0", "messages": [{"role": "user", "content": "x" * 5000}]}
    with TestClient(app) as client:
        _error(client.post("/v1/chat/completions", json=body, headers=bearer(token)), 413, "request_too_large")

        def chunks():  # no Content-Length: the limit is enforced while the body streams in
            yield b'{"model": "ech0", "messages": [{"role": "user", "content": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}]}'

        streamed = client.post(
            "/v1/chat/completions", content=chunks(), headers={**bearer(token), "Content-Type": "application/json"}
        )
        _error(streamed, 413)


def test_malformed_json_and_wrong_types_get_422(client, tokens):
    headers = {**bearer(tokens["run"]), "Content-Type": "application/json"}
    _error(client.post("/v1/chat/completions", content=b'{"model": "ech0", "messages": [', headers=headers), 422)
    error = _error(client.post("/v1/chat/completions", json={"model": "ech0", "messages": "hi"}, headers=headers), 422)
    assert "messages" in error["message"]
    _error(client.post("/v1/labs/chemistry/rings", json=["CCO"], headers=headers), 422)
    _error(client.get("/v1/search?q=metformin&k=0", headers=headers), 422)


def test_cors_follows_the_settings(runtime):
    app = make_app(runtime, cors_origins=["https://lab.example"])
    with TestClient(app) as client:
        preflight = {"Origin": "https://lab.example", "Access-Control-Request-Method": "POST"}
        assert client.options("/v1/research", headers=preflight).headers["access-control-allow-origin"] == (
            "https://lab.example"
        )
        other = client.options("/v1/research", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_metrics_count_requests_by_route_and_status(client, tokens):
    client.get("/v1/research/nope", headers=bearer(tokens["read"]))
    text = client.get("/metrics", headers=bearer(tokens["read"])).text
    assert 'ech0_http_requests_total{method="GET",route="/v1/research/{job_id}",status="404"} 1.0' in text
    assert "ech0_http_request_duration_seconds_bucket" in text
    assert tokens["read"] not in text


def test_keys_cli_creates_lists_and_revokes(tmp_path, monkeypatch, capsys):
    import json

    from server.cli import main

    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path))
    assert main(["keys", "create", "ci", "--scope", "run", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert set(created) == {"key", "name", "scope", "prefix"} and created["key"].startswith(created["prefix"])
    assert main(["keys", "list"]) == 0
    out = capsys.readouterr().out
    assert created["prefix"] in out and created["key"] not in out
    assert main(["keys", "revoke", "ci"]) == 0
    assert main(["keys", "revoke", "ci"]) == 1
    assert "no active key named 'ci'" in capsys.readouterr().err
    assert main(["keys", "create", "x", "--scope", "root"]) == 1
    assert "unknown scope 'root'" in capsys.readouterr().err


def test_openapi_schema_needs_a_key_unless_docs_are_public(client, tokens, runtime):
    assert client.get("/openapi.json").status_code == 401
    schema = client.get("/openapi.json", headers=bearer(tokens["read"])).json()
    assert "/v1/chat/completions" in schema["paths"] and "HTTPBearer" in schema["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 404
    with TestClient(make_app(runtime, public_docs=True)) as public:
        assert public.get("/openapi.json").status_code == 200 and public.get("/docs").status_code == 200
