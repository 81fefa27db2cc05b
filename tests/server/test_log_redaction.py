"""Secrets never reach a log line: a served app logs requests that carry keys in their query strings, and no
line of what it logged holds a key."""

from __future__ import annotations

import logging
import socket
import threading
import time

import httpx

from server.api.log_redaction import redact


def test_query_secrets_and_ech0_keys_are_redacted():
    assert redact("GET /v1/models?api_key=ech0_abcdef123456&x=1") == "GET /v1/models?api_key=[redacted]&x=1"
    assert redact("Authorization: Bearer ech0_abcdef123456") == "Authorization: Bearer ech0_[redacted]"
    assert redact("GET /v1/search?q=metformin&k=5") == "GET /v1/search?q=metformin&k=5"


def test_a_served_app_logs_no_key_it_was_given(app, tokens, caplog):
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # log_config=None: uvicorn's loggers propagate to the root, where caplog reads every line at INFO
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="info"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    caplog.set_level(logging.INFO)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    secrets = [tokens["run"], "ech0_notarealkey123456"]
    with httpx.Client(timeout=30) as http:
        base = f"http://127.0.0.1:{port}"
        assert http.get(f"{base}/v1/models?api_key={secrets[1]}").status_code == 401  # rejected, still logged
        assert http.get(f"{base}/v1/models?api_key={secrets[0]}").status_code == 401  # keys go in the header
        assert http.get(f"{base}/v1/models", headers={"Authorization": f"Bearer {secrets[0]}"}).status_code == 200
    server.should_exit = True
    thread.join(10)
    sock.close()
    # every line the server side logged (the test's own HTTP client logs the URLs it sent: that is not the server)
    lines = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("uvicorn", "ech0", "fastapi", "server")]
    assert any("/v1/models?api_key=[redacted]" in line for line in lines)  # the requests were logged
    assert not [line for line in lines for secret in secrets if secret in line]
