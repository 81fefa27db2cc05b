"""Fixtures for the HTTP API tests: an app over the session's mini index, keys of each scope, a live server."""

from __future__ import annotations

import socket
import threading
import time

import pytest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_app(runtime, **server_overrides):
    from server.app import create_app

    server_overrides.setdefault("preload", False)  # the session's runtime is warm: no warm-up to wait for
    settings = runtime.settings
    if server_overrides:
        server = settings.server.model_copy(update=server_overrides)
        settings = settings.model_copy(update={"server": server})
    return create_app(settings, runtime=runtime)


@pytest.fixture
def app(runtime):
    return make_app(runtime)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def tokens(app) -> dict[str, str]:
    """One key per scope, by scope name."""
    return {scope: app.state.keys.create(f"test-{scope}", scope)[0] for scope in ("read", "run", "admin")}


@pytest.fixture
def live_url(app):
    """The app served by uvicorn in a thread on a loopback port, as `ech0 serve` serves it."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(autouse=True)
def _no_loop_scheduler(monkeypatch):
    """Apps in these tests do not start the discovery-loop scheduler (one test turns it on explicitly)."""
    monkeypatch.setenv("ECH0_SERVER__RUN_LOOPS", "false")
