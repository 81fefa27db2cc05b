"""Discovery loops over HTTP (/v1/schedules) and the loop scheduler inside the app, on real components."""

from __future__ import annotations

import time

from tests.server.conftest import bearer, make_app

QUESTION = "What is the molecular weight of metformin?"


def _wait_for_iteration(client, headers, name: str, number: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recent = client.get(f"/v1/schedules/{name}", headers=headers).json()["recent"]
        if recent and recent[0]["number"] == number and recent[0]["status"] != "running":
            return recent[0]
        time.sleep(0.2)
    raise AssertionError(f"iteration {number} of {name} did not finish in {timeout} s")


def test_create_list_pause_resume_run_and_read_digests(client, tokens):
    run, read = bearer(tokens["run"]), bearer(tokens["read"])
    body = {"name": "mw", "program": "Metformin's properties", "every": "6h", "questions": [QUESTION]}
    created = client.post("/v1/schedules", json=body, headers=run)
    assert created.status_code == 201, created.text
    assert created.json()["every_s"] == 6 * 3600 and created.json()["iterations"] == 0
    assert client.post("/v1/schedules", json=body, headers=run).status_code == 409
    assert [loop["name"] for loop in client.get("/v1/schedules", headers=read).json()] == ["mw"]

    assert client.post("/v1/schedules/mw/pause", headers=run).json()["paused"] is True
    assert client.post("/v1/schedules/mw/resume", headers=run).json()["paused"] is False

    started = client.post("/v1/schedules/mw/run", headers=run)
    assert started.status_code == 202 and started.json()["iteration"] == 1
    first = _wait_for_iteration(client, read, "mw", 1)
    assert first["status"] == "done", first
    assert first["digest"]["new_findings"] and "metformin" in first["digest"]["new_compounds"]

    digests = client.get("/v1/schedules/mw/digests", headers=read).json()
    assert [d["number"] for d in digests] == [1]
    one = client.get("/v1/schedules/mw/digests/1", headers=read).json()
    assert one["markdown"].startswith("# Discovery loop `mw` — iteration 1")
    assert client.get("/v1/schedules/mw/digests/9", headers=read).status_code == 404

    client.post("/v1/schedules/mw/run", headers=run)
    second = _wait_for_iteration(client, read, "mw", 2)
    assert second["digest"]["new_findings"] == []  # nothing new the second time


def test_scopes_and_bad_input(client, tokens):
    run, read, admin = bearer(tokens["run"]), bearer(tokens["read"]), bearer(tokens["admin"])
    body = {"name": "x", "program": "metformin", "every": "1h"}
    assert client.post("/v1/schedules", json=body, headers=read).status_code == 403
    assert client.post("/v1/schedules", json=body).status_code == 401
    assert client.post("/v1/schedules", json={**body, "every": "every tuesday"}, headers=run).status_code == 400
    assert client.post("/v1/schedules", json={**body, "every": "5s"}, headers=run).status_code == 400
    assert client.post("/v1/schedules", json={**body, "name": "../etc"}, headers=run).status_code == 422
    assert client.post("/v1/schedules", json={**body, "program": "   "}, headers=run).status_code == 400
    file_source = {**body, "literature": {"source": "file", "path": "/etc/passwd"}}
    assert client.post("/v1/schedules", json=file_source, headers=run).status_code == 422
    hook = {**body, "webhook": "http://127.0.0.1:9/hook"}
    assert client.post("/v1/schedules", json=hook, headers=run).status_code == 403
    assert client.post("/v1/schedules", json=hook, headers=admin).json()["webhook"] == "http://127.0.0.1:9/hook"
    for path in ("/v1/schedules/nope", "/v1/schedules/nope/digests"):
        assert client.get(path, headers=read).status_code == 404
    for action in ("pause", "resume", "run"):
        assert client.post(f"/v1/schedules/nope/{action}", headers=run).status_code == 404
    assert client.post("/v1/schedules/x/run", headers=read).status_code == 403


def test_scheduler_starts_with_the_app_and_stops_cleanly(runtime):
    from fastapi.testclient import TestClient

    app = make_app(runtime, run_loops=True)
    token = app.state.keys.create("sched", "run")[0]
    with TestClient(app) as client:
        scheduler = app.state.scheduler
        assert scheduler is not None and scheduler.running
        body = {"name": "hourly", "program": "metformin", "every": "1h", "questions": [QUESTION]}
        created = client.post("/v1/schedules", json=body, headers=bearer(token)).json()
        assert created["next_run"] is not None  # the change reached the running scheduler at once
        assert scheduler.get_job("loop:hourly").trigger.interval.total_seconds() == 3600
        paused = client.post("/v1/schedules/hourly/pause", headers=bearer(token)).json()
        assert paused["next_run"] is None and scheduler.get_job("loop:hourly") is None
    assert not scheduler.running and app.state.scheduler is None
