"""`ech0 serve` preloads the runtime: /healthz says `starting` (503) until the embedding model, the index and the
compound store are loaded, requests wait for them, and a part that cannot load is reported, not fatal."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from server import warmup
from tests.server.conftest import make_app


def _blocking_embedder(monkeypatch):
    """The embedder part loads only once `release` is set; `entered` says the warm-up reached it."""
    entered, release = threading.Event(), threading.Event()

    def load(rt):
        entered.set()
        assert release.wait(120), "the test never released the warm-up"

    monkeypatch.setitem(warmup.SLOW_PARTS, "embedder", warmup.SlowPart("embedder", "the embedding model", load))
    return entered, release


def test_healthz_is_starting_until_warm_and_requests_wait(runtime, monkeypatch):
    entered, release = _blocking_embedder(monkeypatch)
    app = make_app(runtime, preload=True)
    with TestClient(app) as client:
        assert entered.wait(120)
        starting = client.get("/healthz")
        assert starting.status_code == 503 and starting.headers["retry-after"] == "5"
        assert starting.json()["status"] == "starting" and starting.json()["loading"] == "the embedding model"
        # A request during the warm-up waits for it: its answer comes only after the release.
        seen: dict[str, bool] = {}

        def request() -> None:
            response = client.get("/v1/models")
            seen["released_first"] = release.is_set()
            seen["status"] = response.status_code

        waiting = threading.Thread(target=request)
        waiting.start()
        waiting.join(1)  # a broken gate answers at once; a working one holds the request
        release.set()
        waiting.join(120)
        assert seen == {"released_first": True, "status": 401}
        assert app.state.warmup.done.wait(120)
        ready = client.get("/healthz")
        assert ready.status_code == 200 and ready.json()["status"] == "ok" and "problems" not in ready.json()


def test_the_warm_up_loads_the_model_index_and_compounds(runtime):
    app = make_app(runtime, preload=True)
    with TestClient(app) as client:
        assert app.state.warmup.done.wait(300)
        health = client.get("/healthz")
        assert health.status_code == 200 and set(health.json()) == {"status", "version"}
    assert {"embedder", "retriever", "compounds"} <= set(runtime.__dict__)  # loaded on the app's runtime
    assert runtime.retriever.index.count() > 0


def test_a_part_that_cannot_load_is_reported_and_the_rest_is_served(tmp_path):
    from server.wiring import build_runtime
    from tests.conftest import mini_settings

    rt = build_runtime(mini_settings(tmp_path / "no-index"))
    app = make_app(rt, preload=True)
    try:
        with TestClient(app) as client:
            assert app.state.warmup.done.wait(300)
            health = client.get("/healthz")
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert "no literature index" in health.json()["problems"]["index"]
            assert set(health.json()["problems"]) == {"index"}
    finally:
        rt.close()
    assert "compounds" in rt.__dict__


def test_without_preload_the_app_is_ok_at_once(runtime):
    app = make_app(runtime)  # the tests' default: server.preload off
    with TestClient(app) as client:
        assert app.state.warmup is None
        assert client.get("/healthz").status_code == 200
