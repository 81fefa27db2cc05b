"""LangGraph Studio's path through the real LangGraph API server: `langgraph dev`'s ASGI app and in-memory runtime, in
process, configured the way `langgraph dev` configures it (langgraph_api.cli.run_server) with blocking calls on the
event loop rejected (blockbuster), over a data directory with the mini index. Skipped without `langgraph-cli[inmem]`.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from agents.store import RunStore
from tests.conftest import MINI_CORPUS, private_copy

# found, not imported: importing the in-memory runtime creates ./.langgraph_api in the working directory
pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("langgraph_api", "langgraph_runtime_inmem")),
    reason="needs langgraph-cli[inmem] (the dev extra)",
)

ROOT = Path(__file__).resolve().parents[2]
LITERATURE = "What does the literature say about metformin and cancer?"
RINGS = "How many rings are in c1ccc2ccccc2c1?"


def _server_env(graph_path: str) -> dict[str, str]:
    """What `langgraph dev` sets before it imports the server (langgraph_api.config reads it at import)."""
    return {
        "LANGGRAPH_RUNTIME_EDITION": "inmem",
        "DATABASE_URI": ":memory:",
        "REDIS_URI": "fake",
        "MIGRATIONS_PATH": "__inmem",
        "N_JOBS_PER_WORKER": "1",
        "LANGSERVE_GRAPHS": json.dumps({"ech0": graph_path}),
        "LANGSMITH_LANGGRAPH_API_VARIANT": "local_dev",
        "LANGGRAPH_ALLOW_BLOCKING": "false",  # blocking calls on the event loop fail, as in `langgraph dev`
        "LANGGRAPH_DISABLE_FILE_PERSISTENCE": "true",
        "LANGGRAPH_NO_VERSION_CHECK": "true",
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_API_URL": "http://testserver",
    }


@pytest.fixture(scope="module")
def studio(built_data_dir, tmp_path_factory):
    """A client of the API server serving langgraph.json's graph, the ECH0 graph's assistant id, the results DB."""
    from starlette.testclient import TestClient

    workdir = tmp_path_factory.mktemp("langgraph-dev")
    db_url = f"sqlite:///{workdir / 'ech0.db'}"
    graph_path = json.loads((ROOT / "langgraph.json").read_text())["graphs"]["ech0"]
    file_part, factory = graph_path.split(":")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _server_env(f"{(ROOT / file_part).resolve()}:{factory}").items():
            mp.setenv(name, value)
        mp.setenv("ECH0_DATA_DIR", str(private_copy(built_data_dir, workdir / "data")))
        mp.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
        mp.setenv("ECH0_DATABASE_URL", db_url)
        mp.chdir(workdir)  # the in-memory runtime keeps its files under ./.langgraph_api
        from langgraph_api.server import app

        with TestClient(app) as client:
            [assistant] = client.post("/assistants/search", json={"graph_id": "ech0"}).json()
            yield client, assistant["assistant_id"], db_url


def _thread(client) -> str:
    return client.post("/threads", json={}).json()["thread_id"]


def test_studio_gets_the_graph_and_its_schemas(studio):
    client, assistant_id, _ = studio
    drawn = client.get(f"/assistants/{assistant_id}/graph")
    assert drawn.status_code == 200
    assert {"plan", "act", "reflect", "synthesize", "record"} <= {n["id"] for n in drawn.json()["nodes"]}
    schemas = client.get(f"/assistants/{assistant_id}/schemas")
    assert schemas.status_code == 200
    inputs, context = schemas.json()["input_schema"], schemas.json()["context_schema"]
    assert set(inputs["properties"]) == {"request", "run_id", "history"} and inputs["required"] == ["request"]
    assert set(context["properties"]) == {"backend", "max_replans", "approval"}
    assert "report" in schemas.json()["output_schema"]["properties"]


def test_a_request_only_run_comes_back_with_its_cited_report(studio):
    client, assistant_id, db_url = studio
    thread = _thread(client)
    body = {"assistant_id": assistant_id, "input": {"request": LITERATURE}, "context": {"backend": "rules"}}
    state = client.post(f"/threads/{thread}/runs/wait", json=body).json()
    assert "__error__" not in state, state
    report = state["report"]
    assert state["run_id"] == report["run_id"] == thread  # the run is named after Studio's thread
    documents = [c for c in report["citations"] if c["kind"] == "document"]
    assert documents and all(c["id"].startswith("scifact:") for c in documents)
    assert all(f"[{i}]" in report["report_markdown"] for i in range(1, len(documents) + 1))
    assert [r["status"] for r in client.get(f"/threads/{thread}/runs").json()] == ["success"]
    assert RunStore(db_url).get_run(thread)["request"] == LITERATURE  # the record node stored it


def test_an_approval_waits_on_the_servers_checkpointer_and_resumes(studio):
    client, assistant_id, _ = studio
    thread = _thread(client)
    body = {"assistant_id": assistant_id, "input": {"request": RINGS}, "context": {"approval": "always"}}
    waiting = client.post(f"/threads/{thread}/runs/wait", json=body).json()
    [pending] = waiting["__interrupt__"]
    assert pending["value"]["step"]["tool"] == "structure_question" and "report" not in waiting
    assert client.get(f"/threads/{thread}").json()["status"] == "interrupted"
    assert client.get(f"/threads/{thread}/state").json()["next"] == ["act"]
    resume = {"assistant_id": assistant_id, "command": {"resume": {"approved": True}}}
    done = client.post(f"/threads/{thread}/runs/wait", json=resume).json()
    assert done["report"]["answer"] == 2 and done["run_id"] == thread


def test_an_input_without_a_request_fails_with_a_message_studio_shows(studio):
    client, assistant_id, _ = studio
    thread = _thread(client)
    failed = client.post(f"/threads/{thread}/runs/wait", json={"assistant_id": assistant_id, "input": {}}).json()
    assert failed["__error__"]["error"] == "RunInputError"
    assert 'needs a "request"' in failed["__error__"]["message"]
