"""langgraph.json's graph loads the way `langgraph dev` loads it: the file by path, then the factory is called."""

import importlib.util
import json
import sys
from pathlib import Path

from langgraph.pregel import Pregel

ROOT = Path(__file__).resolve().parents[2]


def test_langgraph_dev_gets_a_graph_whose_context_studio_can_edit(built_data_dir, monkeypatch):
    config = json.loads((ROOT / "langgraph.json").read_text())
    file_part, factory_name = config["graphs"]["ech0"].split(":")
    monkeypatch.syspath_prepend(str(ROOT))  # "dependencies": ["."] puts the project on the path
    spec = importlib.util.spec_from_file_location("ech0_studio_graph", ROOT / file_part)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    graph = getattr(module, factory_name)()
    assert isinstance(graph, Pregel) and graph.checkpointer is None  # Studio brings its own
    assert set(graph.get_input_jsonschema()["properties"]) == {"run_id", "request"}
    context = graph.get_context_jsonschema()
    assert set(context["properties"]) == {"backend", "max_replans", "approval"}
    assert context["properties"]["approval"]["anyOf"][0]["enum"] == ["expensive", "never", "always"]
    assert "report" in graph.get_output_jsonschema()["properties"]
