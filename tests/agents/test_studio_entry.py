"""langgraph.json's graph loads the way `langgraph dev` loads it (the file by path, then the factory is called) and
runs what LangGraph Studio sends: a `{"request"}`-only input, the run's settings as its context, on a checkpointer
the caller attaches. The same through the real API server: tests/agents/test_studio_server.py."""

import asyncio
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import Pregel
from langgraph.types import Command

from knowledge.common.errors import Ech0Error
from tests.conftest import MINI_CORPUS, private_copy

ROOT = Path(__file__).resolve().parents[2]
RINGS = "How many rings are in c1ccc2ccccc2c1?"  # one step, no literature: the rules backend answers 2


def _load_factory(monkeypatch):
    config = json.loads((ROOT / "langgraph.json").read_text())
    file_part, factory_name = config["graphs"]["ech0"].split(":")
    monkeypatch.syspath_prepend(str(ROOT))  # "dependencies": ["."] puts the project on the path
    spec = importlib.util.spec_from_file_location("ech0_studio_graph", ROOT / file_part)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return getattr(module, factory_name)


@pytest.fixture
def studio_env(built_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ECH0_DATA_DIR", str(private_copy(built_data_dir, tmp_path / "data")))
    monkeypatch.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
    monkeypatch.setenv("ECH0_DATABASE_URL", f"sqlite:///{tmp_path / 'studio.db'}")


@pytest.fixture
def graph(studio_env, monkeypatch):
    """The factory's graph with a checkpointer attached the way the API server attaches its own."""
    built = _load_factory(monkeypatch)()
    return built.copy(update={"checkpointer": InMemorySaver()})


def test_langgraph_dev_gets_a_graph_whose_context_studio_can_edit(studio_env, monkeypatch):
    graph = _load_factory(monkeypatch)()
    assert isinstance(graph, Pregel) and graph.checkpointer is None  # Studio brings its own
    inputs = graph.get_input_jsonschema()
    assert set(inputs["properties"]) == {"run_id", "request", "history"} and inputs["required"] == ["request"]
    context = graph.get_context_jsonschema()
    assert set(context["properties"]) == {"backend", "max_replans", "approval"}
    assert context["properties"]["approval"]["anyOf"][0]["enum"] == ["expensive", "never", "always"]
    assert "report" in graph.get_output_jsonschema()["properties"]


def test_on_the_servers_event_loop_the_graph_is_built_off_the_loop_once(studio_env, monkeypatch):
    make_graph = _load_factory(monkeypatch)

    async def twice_at_once():
        pending = [make_graph(), make_graph()]  # what the server gets, then awaits
        assert all(asyncio.iscoroutine(p) for p in pending)
        return await asyncio.gather(*pending)

    first, second = asyncio.run(twice_at_once())
    assert isinstance(first, Pregel) and first is second is make_graph()


def test_studios_request_only_input_runs_under_the_threads_name(graph):
    config = {"configurable": {"thread_id": "studio-thread-1"}}
    state = graph.invoke({"request": RINGS}, config=config, context={"backend": "rules", "max_replans": 0})
    assert state["run_id"] == "studio-thread-1" and state["report"]["run_id"] == "studio-thread-1"
    assert state["report"]["answer"] == 2 and state["report"]["report_markdown"].startswith("#")
    assert state["options"] == {"backend": "rules", "max_replans": 0, "approval": "expensive"}


def test_a_run_id_in_the_input_is_kept(graph):
    state = graph.invoke({"run_id": "cli-run-7", "request": RINGS}, config={"configurable": {"thread_id": "t-7"}})
    assert state["run_id"] == "cli-run-7" and state["report"]["run_id"] == "cli-run-7"


def test_asking_again_on_a_thread_reports_only_the_new_request(graph):
    config = {"configurable": {"thread_id": "studio-thread-2"}}
    graph.invoke({"request": "Compute the properties of metformin"}, config=config)
    again = graph.invoke({"request": RINGS}, config=config)
    assert [r["tool"] for r in again["results"]] == ["structure_question"]
    assert again["report"]["answer"] == 2 and again["report"]["request"] == RINGS
    assert "metformin" not in json.dumps(again["report"]).lower()  # nothing of the first request's steps


def test_an_approval_interrupt_waits_on_the_attached_checkpointer_and_resumes(graph):
    config = {"configurable": {"thread_id": "studio-thread-3"}}
    waiting = graph.invoke({"request": RINGS}, config=config, context={"approval": "always"})
    [pending] = waiting["__interrupt__"]
    assert pending.value["step"]["tool"] == "structure_question" and "always" in pending.value["reason"]
    assert graph.get_state(config).next == ("act",)
    done = graph.invoke(Command(resume={"approved": True}), config=config, context={"approval": "always"})
    assert done["report"]["answer"] == 2 and done["results"][0]["ok"]


def test_an_input_without_a_request_is_one_clear_error(graph):
    with pytest.raises(Ech0Error, match='needs a "request"'):
        graph.invoke({"run_id": "r"}, config={"configurable": {"thread_id": "t-empty"}})


def test_invalid_settings_name_the_setting(studio_env, monkeypatch):
    monkeypatch.setenv("ECH0_KNOWLEDGE__TOP_K", "many")
    with pytest.raises(Ech0Error, match=r"^ECH0 settings for `langgraph dev`: knowledge\.top_k: Input should be"):
        _load_factory(monkeypatch)()
