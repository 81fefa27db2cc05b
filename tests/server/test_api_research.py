"""Research jobs: lifecycle, events, cancel, persistence across restarts, and the approval endpoints."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi.testclient import TestClient

from agents.research import Research
from tests.server.conftest import bearer, make_app


def _wait(client, token, job_id, statuses=("done", "failed", "cancelled"), timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/research/{job_id}", headers=bearer(token)).json()
        if job["status"] in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']}")


def _sse(response) -> list[tuple[str, dict]]:
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def test_job_runs_to_a_cited_result_with_live_events(client, tokens):
    created = client.post(
        "/v1/research", json={"request": "What is known about metformin?"}, headers=bearer(tokens["run"])
    )
    assert created.status_code == 202 and created.json()["status"] == "queued"
    job_id = created.json()["id"]
    assert created.headers["location"] == f"/v1/research/{job_id}"
    with client.stream("GET", f"/v1/research/{job_id}/events", headers=bearer(tokens["read"])) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _sse(response)
    statuses = [data["status"] for name, data in events if name == "status"]
    assert statuses[-1] == "done" and events[-1][0] == "result"
    job = events[-1][1]
    assert job["result"]["run_id"] == job_id and job["result"]["citations"]
    assert "metformin" in job["result"]["report_markdown"].lower()
    assert client.get(f"/v1/research/{job_id}", headers=bearer(tokens["read"])).json() == job
    assert [j["id"] for j in client.get("/v1/research", headers=bearer(tokens["read"])).json()] == [job_id]
    # The run is recorded under the job id, so feedback can name it.
    feedback = client.post("/v1/feedback", json={"run_id": job_id, "rating": 1}, headers=bearer(tokens["run"]))
    assert feedback.status_code == 201 and feedback.json()["source"] == "api:test-run"


def test_a_failing_request_fails_its_job_with_the_reason(client, tokens):
    job_id = client.post(
        "/v1/research", json={"request": "What is the logP of C1CC(=O?"}, headers=bearer(tokens["run"])
    ).json()["id"]
    job = _wait(client, tokens["read"], job_id)
    assert job["status"] == "failed" and job["error"]["type"] == "invalid_smiles"
    assert "invalid SMILES" in job["error"]["message"] and job["result"] is None


def test_bad_job_requests(client, tokens):
    run = bearer(tokens["run"])
    assert client.post("/v1/research", json={"request": ""}, headers=run).status_code == 422
    assert client.post("/v1/research", json={"request": "   "}, headers=run).status_code == 400
    assert (
        client.post("/v1/research", json={"request": "x" * 9000}, headers=run)
        .json()["error"]["message"]
        .startswith("request of 9,000 characters is too long")
    )
    assert client.post("/v1/research", json={"request": "metformin", "model": "gpt"}, headers=run).status_code == 404
    for method, path in [
        ("get", "/v1/research/abc123"),
        ("get", "/v1/research/abc123/events"),
        ("post", "/v1/research/abc123/cancel"),
        ("post", "/v1/research/abc123/resume"),
        ("post", "/v1/research/abc123/approve"),
    ]:
        response = getattr(client, method)(path, headers=run)
        assert response.status_code == 404 and response.json()["error"]["code"] == "job_not_found"
    assert client.get("/v1/research/..%2Fetc", headers=run).status_code in (404, 422)


@pytest.fixture
def blocking_ask(monkeypatch):
    """Research.ask held until released, to catch jobs while they wait and run."""
    release, started = threading.Event(), threading.Event()
    real = Research.ask

    def ask(research, request, run_id=None, context=None):
        started.set()
        release.wait(30)
        return real(research, request, run_id, context)

    monkeypatch.setattr(Research, "ask", ask)
    yield started, release
    release.set()


def test_cancel_queued_and_running_jobs_and_a_full_queue(runtime, blocking_ask):
    started, release = blocking_ask
    app = make_app(runtime, job_workers=1, max_queued_jobs=1)
    token = app.state.keys.create("runner", "run")[0]
    with TestClient(app) as client:
        post = lambda: client.post("/v1/research", json={"request": "metformin"}, headers=bearer(token))  # noqa: E731
        running = post().json()["id"]
        assert started.wait(10)
        queued = post().json()["id"]
        full = post()
        assert (
            full.status_code == 503 and full.headers["retry-after"] and full.json()["error"]["code"] == "job_queue_full"
        )
        assert client.post(f"/v1/research/{queued}/cancel", headers=bearer(token)).json()["status"] == "cancelled"
        assert client.post(f"/v1/research/{running}/cancel", headers=bearer(token)).json()["status"] == "cancelled"
        release.set()
        time.sleep(1.0)
        for job_id in (running, queued):
            job = client.get(f"/v1/research/{job_id}", headers=bearer(token)).json()
            assert job["status"] == "cancelled" and job["result"] is None  # a late result is discarded
        again = client.post(f"/v1/research/{running}/cancel", headers=bearer(token))
        assert again.status_code == 409 and "already cancelled" in again.json()["error"]["message"]
        if hasattr(Research, "resume"):  # a job cancelled before it ran starts afresh; one cancelled mid-run resumes
            for job_id in (queued, running):
                assert client.post(f"/v1/research/{job_id}/resume", headers=bearer(token)).status_code == 202
                job = _wait(client, token, job_id)
                assert job["status"] == "done" and job["result"]["run_id"] == job_id


def test_finished_jobs_survive_a_restart_and_orphans_are_marked(runtime):
    from server.jobs import JobStore, this_worker

    app = make_app(runtime)
    token = app.state.keys.create("r", "run")[0]
    with TestClient(app) as client:
        job_id = client.post("/v1/research", json={"request": "metformin"}, headers=bearer(token)).json()["id"]
        done = _wait(client, token, job_id)
    host = this_worker().rsplit(":", 1)[0]
    JobStore(runtime.settings.db_url).create("orphan1", "metformin", "ech0", "r", f"{host}:999999999")
    with TestClient(make_app(runtime)) as client:  # a new process over the same database
        assert client.get(f"/v1/research/{job_id}", headers=bearer(token)).json() == done
        orphan = client.get("/v1/research/orphan1", headers=bearer(token)).json()
        assert orphan["status"] == "failed" and orphan["error"]["type"] == "interrupted"


def test_resume_approve_reject_follow_the_job_state(client, tokens):
    run = bearer(tokens["run"])
    job_id = client.post("/v1/research", json={"request": "metformin"}, headers=run).json()["id"]
    _wait(client, tokens["run"], job_id)
    for action in ("resume", "approve", "reject"):
        response = client.post(f"/v1/research/{job_id}/{action}", headers=run)
        assert response.status_code == 409  # a finished job has nothing to resume or approve
    assert client.post(f"/v1/research/{job_id}/resume", headers=bearer(tokens["read"])).status_code == 403


def test_a_job_waiting_for_approval_is_rejected_and_finishes(client, tokens):
    run, read = bearer(tokens["run"]), bearer(tokens["read"])
    job_id = client.post("/v1/research", json={"request": "Train a clintox model"}, headers=run).json()["id"]
    with client.stream("GET", f"/v1/research/{job_id}/events", headers=read) as response:
        events = _sse(response)
    assert events[-1][0] == "result" and events[-1][1]["status"] == "awaiting_approval"
    (pending,) = events[-1][1]["result"]["pending"]
    assert pending["step"]["tool"] == "train_admet_model"
    assert client.post(f"/v1/research/{job_id}/resume", headers=run).status_code == 409
    rejected = client.post(f"/v1/research/{job_id}/reject", headers=run)
    assert rejected.status_code == 202 and rejected.json()["status"] in ("queued", "running", "done")
    job = _wait(client, tokens["read"], job_id)
    assert job["status"] == "done" and any("approval was refused" in note for note in job["result"]["notes"])
    assert client.post(f"/v1/research/{job_id}/approve", headers=run).status_code == 409


def test_a_chat_run_waiting_for_approval_is_followed_up_as_a_job(client, tokens):
    run = bearer(tokens["run"])
    body = {"model": "ech0", "messages": [{"role": "user", "content": "Train a clintox model"}]}
    chat = client.post("/v1/chat/completions", json=body, headers=run).json()
    assert chat["status"] == "awaiting_approval" and chat["choices"][0]["finish_reason"] == "stop"
    rejected = client.post(f"/v1/research/{chat['run_id']}/reject", headers=run)
    assert rejected.status_code == 202
    job = _wait(client, tokens["run"], chat["run_id"])
    assert job["status"] == "done" and job["request"] == "Train a clintox model"


def test_a_job_carries_its_own_run_configuration(client, tokens):
    run, read = bearer(tokens["run"]), bearer(tokens["read"])
    body = {"request": "metformin", "context": {"approval": "always"}}
    job_id = client.post("/v1/research", json=body, headers=run).json()["id"]
    job = _wait(client, tokens["read"], job_id, statuses=("awaiting_approval", "done", "failed"))
    assert job["status"] == "awaiting_approval"  # under 'always' even a literature search waits for a person
    plain = client.post("/v1/research", json={"request": "metformin"}, headers=run).json()["id"]
    assert _wait(client, tokens["read"], plain)["status"] == "done"  # the next job is back on the defaults
    bad = client.post("/v1/research", json={"request": "metformin", "context": {"approval": "sometimes"}}, headers=read)
    assert bad.status_code in (403, 422)
    bad = client.post("/v1/research", json={"request": "metformin", "context": {"approval": "sometimes"}}, headers=run)
    assert bad.status_code == 422
